"""The storyboard's per-round figures as text (``Storyboard.to_json()`` in, lines out)."""

from __future__ import annotations

import math

FOOLED = 0.9  # mean D_t on the moved samples at or above this: the frozen classifier is fooled
FAR_JSD = 0.3  # JSD after the move at or above this (nats): p_theta is still far from p_x


def format_report(report: dict) -> str:
    """Human-readable per-round figures from ``Storyboard.to_json()``."""
    rows = report.get("rounds", [])
    std = report.get("data_std")
    lines = [
        "The counter-example: each round trains a new classifier D_t to convergence, then freezes",
        "it and moves the generator against it.",
        "",
        f"{'round':>5}  {'D_t on moved':>12}  {'D_t accuracy':>12}  {'JSD after move':>15}  {'G moved':>18}",
    ]
    for r in rows:
        moved = _num(r.get("moved_distance"), ".2f")
        if std and r.get("moved_distance") is not None:
            moved += f" ({r['moved_distance'] / std:.0f} std)"
        lines.append(f"{r['round']:>5}  {_num(r.get('frozen_d_on_moved'), '.3f'):>12}  "
                     f"{_pct(r.get('d_accuracy')):>12}  {_num(r.get('jsd'), '.3f') + ' nats':>15}  {moved:>18}")
    if std is not None:
        lines.append(f"(data std {std:g}; JSD at most log 2 = {math.log(2):.3f} nats)")
    ok = [r for r in rows if None not in (r.get("frozen_d_on_moved"), r.get("jsd"))]
    if ok and len(ok) == len(rows):
        fooled = all(r["frozen_d_on_moved"] >= FOOLED for r in ok)
        far = all(r["jsd"] >= FAR_JSD for r in ok)
        lines.append("")
        if fooled and far:
            lines.append("Every frozen classifier calls the moved samples real, yet p_theta stays far from p_x:")
            lines.append("a classifier that fails does not imply p_theta = p_x.")
        else:
            lines.append(f"Not every round shows it (D_t on moved >= {FOOLED} and JSD >= {FAR_JSD}); try another seed.")
    return "\n".join(lines)


def _num(v: float | None, fmt: str) -> str:
    return "n/a" if v is None else format(v, fmt)


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{100 * v:.1f} %"
