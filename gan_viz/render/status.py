"""Status lines: a run's figures at one moment as the app (live view, Compare) and the standalone
replays give them, and why a discriminator looks dead.

Pure text (numpy only): numbers in, HTML fragments out, so the app's player and the HTML export say
the same thing in the same words. Parts are joined with a middle dot; an empty part is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

SEP = " &middot; "


def join(parts: Iterable[str]) -> str:
    """The non-empty ``parts`` with a middle dot between each two."""
    return SEP.join(p for p in parts if p)


def step_text(step: int) -> str:
    return f"step <b>{int(step):,}</b>"


def quality_text(modes_captured: int, num_modes: int, hq_fraction: float, jsd: float, jsd_unit: str = "") -> str:
    """Modes captured, % high quality and JSD: what every status line reports of the samples."""
    return join([f"modes captured <b>{int(modes_captured)} / {num_modes}</b>",
                 f"{100 * float(hq_fraction):.0f} % high quality", f"JSD {float(jsd):.3f}{jsd_unit}"])


def rate_text(steps_per_s: float, pace_label: str, frames_per_s: float) -> str:
    """How fast a playing run goes: training steps/s at its pace and frames drawn per second."""
    return join([f"{steps_per_s:,.0f} steps/s (pace {pace_label})", f"{frames_per_s:.1f} frames/s"])


def off_view_text(share: float) -> str:
    """The share of generated samples beyond the view ('' below half a percent)."""
    if share < 0.005:
        return ""
    return (f"<span id='off-view'>{100 * share:.0f} % of generated samples beyond the view "
            "(drawn on its border)</span>")


def collapse_text(collapsed: bool, mode: int, offset: float | None, std: float, hq_radius: float) -> str:
    """Where a collapsed generator sits ('' when it is not collapsed): on its mode (within
    ``hq_radius`` std), or near it, how far in std and in the data's units, so a viewer who sees the
    cluster "on" a mode at the ring's scale reads how far off it is (std 0.02: 5 std is 0.1, a dot's
    width on a ring of radius 2)."""
    if not collapsed or offset is None:
        return ""
    where = (f"on mode {mode}" if offset < hq_radius else
             f"near mode {mode}, {offset:.0f} std ({offset * std:.2g}) from it")
    return f"<span id='collapse-note'>collapsed {where}</span>"


FLAT_SPREAD = 0.02  # D varying less than this over the whole view counts as constant
VANISHED_ARROW = 1e-6  # generator-loss gradients (per sample, in x) below this count as vanished


class DeadD(NamedTuple):
    """Why the discriminator looks dead, for the status line."""

    spread: float  # max - min of D over the view
    arrow_norm: float  # median |grad_x L_G| over the arrow samples
    message: str


def dead_discriminator(d_surface: np.ndarray, g_arrows: np.ndarray, lr_d: float,
                       optimizer: str) -> DeadD | None:
    """``None`` while D still tells real from fake; else what is wrong and what to try.

    D is dead when its output is nearly constant over the view (its decision surface is flat:
    no D = 1/2 line, nothing for G to follow) or when the generator's gradient through D has
    vanished at the samples (G frozen). Both happen, for example, when Adam takes lr_D at its
    maximum: one huge step saturates every unit. Training goes on; only the status changes.
    """
    surface = np.asarray(d_surface, dtype=np.float64)
    finite = surface[np.isfinite(surface)]
    spread = float(finite.max() - finite.min()) if finite.size else 0.0
    norms = np.linalg.norm(np.asarray(g_arrows, dtype=np.float64).reshape(-1, 2), axis=1)
    arrow = float(np.median(norms)) if norms.size else 0.0
    flat, vanished = spread < FLAT_SPREAD, not arrow >= VANISHED_ARROW
    if not (flat or vanished):
        return None
    what = (f"D is almost constant over the view (it varies by {spread:.3f})" if flat
            else f"the generator's gradient through D has vanished (median {arrow:.1e})")
    fix = (f"lower lr_D (now {lr_d:g}" + (", very high for Adam" if optimizer == "adam" and lr_d >= 0.1 else "")
           + ") and press Reset, or switch the loss to non_saturating")
    return DeadD(spread, arrow, f"The discriminator looks dead: {what}, so G gets no direction. "
                 f"Training goes on; to recover, {fix}.")
