"""The storyboard's schedule (``Setup``) and its immutable records (``RoundRecord``, ``Storyboard``)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from gan_viz.core.config import Config
from gan_viz.core.state import EvalSet, State

MAX_ROUNDS = 20


class Setup(NamedTuple):
    """The storyboard's schedule; the defaults are what the tests check.

    Attributes:
        start: the generator's starting mean, p_theta1 (the data sits top-right).
        d_steps: Adam steps that train each new classifier D_t with the generator frozen.
        g_steps: generator steps against the frozen D_t (one move).
        lr_d, lr_g: learning rates of those phases (run-time: no recompilation).
        loss: generator and classifier loss, a name from ``losses.LOSSES``.
        extent: the grid ``(x0, x1, y0, y1)`` for the JSD and the decision surface; wide,
            because the generator may jump well away from the data.
        res: grid cells per side; 128 over 16 units gives cells of 0.125, so the JSD's
            kernel bandwidth is max(std_x, 1.5 cells) = std_x = 0.25 (see ``metrics``).
    """

    start: tuple[float, float] = (-1.5, -1.5)
    d_steps: int = 200
    g_steps: int = 60
    lr_d: float = 3e-3
    lr_g: float = 5e-2
    loss: str = "minimax"
    extent: tuple[float, float, float, float] = (-8.0, 8.0, -8.0, 8.0)
    res: int = 128


SETUP = Setup()


class RoundRecord(NamedTuple):
    """One round, as host numpy values. The ``after`` fields are None until the move."""

    round: int  # 1-based: D_round is trained against p_theta_round
    fake_before: np.ndarray  # (n, 2) the generator's samples D_t was trained against
    mean_before: np.ndarray  # (2,)
    d_surface: np.ndarray  # (res, res) D_t on the grid; row i is x = xs[i]
    d_real: float  # mean D_t(x) on real samples
    d_on_before: float  # mean D_t on fake_before (~0: D_t separates)
    d_accuracy_before: float  # D_t's accuracy on real vs fake_before (~1)
    jsd_before: float  # JSD(p_x || p_theta) before the move, nats
    fake_after: np.ndarray | None = None  # (n, 2) the same latent points after the move
    mean_after: np.ndarray | None = None  # (2,)
    frozen_d_on_moved: float | None = None  # mean D_t (frozen) on fake_after
    d_accuracy: float | None = None  # D_t's accuracy on real vs fake_after (~1/2: it fails)
    jsd: float | None = None  # JSD(p_x || p_theta) after the move, nats
    moved_distance: float | None = None  # ||mean_after - mean_before||

    @property
    def complete(self) -> bool:
        return self.fake_after is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "frozen_d_on_moved": self.frozen_d_on_moved,
            "d_accuracy": self.d_accuracy,
            "jsd": self.jsd,
            "moved_distance": self.moved_distance,
        }


class Storyboard(NamedTuple):
    """The immutable state of a storyboard; every phase function returns a new one.

    ``state`` holds device arrays (the GAN state with the current D_t and generator);
    everything else is host numpy, ready to draw (``gan_viz.render.storyboard.from_storyboard``).
    """

    config: Config
    setup: Setup
    seed: int
    state: State
    ev: EvalSet  # fixed evaluation noise and real samples
    real: np.ndarray  # (n, 2) = ev.real on the host
    fake: np.ndarray  # (n, 2) the generator's current samples
    xs: np.ndarray  # (res,) grid cell centres along x
    ys: np.ndarray  # (res,) grid cell centres along y
    records: tuple[RoundRecord, ...] = ()

    @property
    def data_std(self) -> float:
        return float(self.config.data.std)

    @property
    def next_phase(self) -> str:
        """``"train_classifier"`` or ``"move_generator"``: which function comes next."""
        if self.records and not self.records[-1].complete:
            return "move_generator"
        return "train_classifier"

    @property
    def rounds_done(self) -> int:
        return sum(r.complete for r in self.records)

    def to_json(self) -> dict[str, Any]:
        """``{"rounds": [...], "data_std"}`` over the completed rounds, round 1 first."""
        return {"rounds": [r.to_json() for r in self.records if r.complete], "data_std": self.data_std}
