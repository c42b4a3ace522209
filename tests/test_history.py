"""The run history's export (gan_viz.lab.history): rows, CSV and JSON of the records and hops."""

import csv
import io
import json
import math

import numpy as np

from gan_viz.core import metrics
from gan_viz.lab.history import History


def stats(mode: int, k: int = 3) -> metrics.ModeStats:
    region = np.full(k, 0.05)
    region[mode] = 0.9
    return metrics.ModeStats(hq_fraction=0.6, modes_captured=1, reverse_kl=0.0, occupancy=region * 0.6,
                             off_mode=0.4, region=region)


def history() -> History:
    h = History()
    for i, mode in enumerate([0, 0, 2, 2, 1]):
        h.add(10 * (i + 1), stats(mode), 0.5, math.nan if i == 0 else 0.7, value=-1.2, jsd=math.nan)
    return h


def test_rows_carry_every_record_its_modes_and_the_hop_ending_there():
    rows = history().rows()
    assert [r["step"] for r in rows] == [10, 20, 30, 40, 50]
    assert [r["hop"] for r in rows] == ["", "", "0->2", "", "2->1"]
    assert rows[0]["g_loss"] is None and rows[1]["g_loss"] == 0.7 and rows[0]["jsd"] is None
    assert set(rows[0]) >= {"d_loss", "value", "hq_fraction", "modes_captured", "off_mode", "mode_0", "mode_2"}
    assert abs(sum(rows[2][f"mode_{k}"] for k in range(3)) + rows[2]["off_mode"] - 1.0) < 1e-6  # shares sum to 1


def test_csv_and_json_round_trip():
    h = history()
    table = list(csv.DictReader(io.StringIO(h.to_csv())))
    assert len(table) == 5 and table[2]["hop"] == "0->2" and table[0]["g_loss"] == ""
    assert float(table[4]["mode_1"]) == np.float32(0.9 * 0.6)
    doc = json.loads(json.dumps(h.to_json(), allow_nan=False))
    assert doc["hop_count"] == 2 and doc["hops"] == [{"step": 30, "from": 0, "to": 2}, {"step": 50, "from": 2, "to": 1}]
    assert len(doc["records"]) == 5
    assert History().to_csv() == "step\n" and History().to_json()["records"] == []
