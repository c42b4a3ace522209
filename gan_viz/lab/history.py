"""Bounded history of a run's evaluations, with hops counted before any thinning."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np

from gan_viz.core import metrics

HISTORY_POINTS = 400  # at most this many records are kept; older ones are thinned 2:1


@dataclass
class History:
    """Bounded per-evaluation records: when full, every other point is dropped (time stays uniform).

    Used by the live app (one record per frame) and by ``experiment.train`` (one per
    ``eval_every`` steps). ``value`` and ``jsd`` may be NaN where only mode statistics were taken.
    """

    max_points: int = HISTORY_POINTS
    step: list[int] = field(default_factory=list)
    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    jsd: list[float] = field(default_factory=list)
    hq_fraction: list[float] = field(default_factory=list)
    modes_captured: list[int] = field(default_factory=list)
    occupancy: list[list[float]] = field(default_factory=list)
    region: list[list[float]] = field(default_factory=list)
    off_mode: list[float] = field(default_factory=list)
    stride: int = 1  # record one frame in ``stride`` (doubles each time the buffer thins)
    hops: list[tuple[int, int, int]] = field(default_factory=list)  # (step, from mode, to mode)
    hop_count: int = 0
    _skipped: int = 0
    tracker: metrics.HopTracker = field(default_factory=metrics.HopTracker)  # every evaluation's hop statistics

    _FIELDS = ("step", "d_loss", "g_loss", "value", "jsd", "hq_fraction", "modes_captured",
               "occupancy", "region", "off_mode")

    def add(self, step: int, modes: metrics.ModeStats, d_loss: float, g_loss: float,
            value: float, jsd: float) -> None:
        """Records one evaluation (host values); thins the buffer 2:1 when it is full.

        Hops are detected on every evaluation, before any thinning, with the definition in
        ``gan_viz.core.metrics``; ``hops`` keeps the newest ``max_points`` of them.
        """
        _, _, hop = self.tracker.update(modes.region, int(step), float(modes.hq_fraction), modes.region_offset)
        if hop is not None:
            self.hops.append((int(step), *hop))
            del self.hops[:-self.max_points]
            self.hop_count += 1
        self._skipped += 1
        if self._skipped < self.stride:
            return
        self._skipped = 0
        self.step.append(int(step))
        self.d_loss.append(d_loss)
        self.g_loss.append(g_loss)
        self.value.append(value)
        self.jsd.append(jsd)
        self.hq_fraction.append(float(modes.hq_fraction))
        self.modes_captured.append(int(modes.modes_captured))
        self.occupancy.append(np.asarray(modes.occupancy).tolist())
        self.region.append(np.asarray(modes.region).tolist())
        self.off_mode.append(float(modes.off_mode))
        if len(self.step) > self.max_points:
            for name in self._FIELDS:
                setattr(self, name, getattr(self, name)[::2])
            self.stride *= 2

    def update_last(self, value: float, jsd: float) -> None:
        """Fills in the full-evaluation numbers of the newest record."""
        if self.step:
            self.value[-1], self.jsd[-1] = value, jsd

    def __len__(self) -> int:
        return len(self.step)

    def rows(self) -> list[dict]:
        """One dict per kept record: step, losses, V, JSD, HQ share, modes captured, off-mode share,
        each mode's HQ share (``mode_k``) and the hop that ends at that step (``hop``, "from->to",
        empty if none among the hops kept). NaN (a half of a round that did not run, a V or JSD not
        evaluated at that record) is None."""
        hops = {s: f"{a}->{b}" for s, a, b in self.hops}
        out = []
        for i, step in enumerate(self.step):
            row = {"step": step, "d_loss": self.d_loss[i], "g_loss": self.g_loss[i], "value": self.value[i],
                   "jsd": self.jsd[i], "hq_fraction": self.hq_fraction[i], "modes_captured": self.modes_captured[i],
                   "off_mode": self.off_mode[i]}
            row.update({f"mode_{k}": v for k, v in enumerate(self.occupancy[i])})
            row["hop"] = hops.get(step, "")
            out.append({k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in row.items()})
        return out

    def to_json(self) -> dict:
        """The records (``rows``), every hop kept and the hop count, JSON-ready."""
        return {"records": self.rows(), "hops": [{"step": s, "from": a, "to": b} for s, a, b in self.hops],
                "hop_count": self.hop_count, "stride": self.stride}

    def to_csv(self) -> str:
        """``rows`` as CSV with a header line; None is an empty cell."""
        rows = self.rows()
        if not rows:
            return "step\n"
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()


def mean_losses(info) -> tuple[float, float]:
    """The mean D and G losses of one ``Trainer.run`` call (its ``RunInfo``) over its finite rounds.

    NaN when no round has a finite loss (e.g. zero rounds). This is what the history records.
    """
    def finite_mean(x) -> float:
        x = np.asarray(x)
        x = x[np.isfinite(x)]
        return float(x.mean()) if x.size else float("nan")

    return finite_mean(info.d_loss), finite_mean(info.g_loss)
