"""The trainer's public names in one place, under the names the code base has always used:
``GAN`` is ``trainer.Trainer`` and ``make_gan`` is ``trainer.make_trainer``.

The parts live in modules of one concern each: ``state`` (the pytrees and the seed's keys),
``spec`` (the static configuration and the networks), ``step`` (objectives, updates, rounds),
``evaluation`` (measures, theory view, pictures) and ``trainer`` (the one owner of ``jax.jit``).
"""

from gan_viz.core.evaluation import surface_of
from gan_viz.core.spec import UNROLL_EPS_ROOT, Spec
from gan_viz.core.state import (
    ARROWS,
    MANIFOLD_LINES,
    MANIFOLD_POINTS,
    MAX_PICTURES,
    ArrowView,
    EvalSet,
    Frame,
    Measures,
    Pictures,
    RunInfo,
    State,
    TheoryView,
    View,
)
from gan_viz.core.step import EXTRA_KEYS
from gan_viz.core.trainer import MAX_ROUNDS_PER_CALL, Trainer, make_trainer

GAN = Trainer
make_gan = make_trainer

__all__ = [
    "ARROWS", "EXTRA_KEYS", "MANIFOLD_LINES", "MANIFOLD_POINTS", "MAX_PICTURES", "MAX_ROUNDS_PER_CALL",
    "UNROLL_EPS_ROOT", "ArrowView", "EvalSet", "Frame", "GAN", "Measures", "Pictures", "RunInfo", "Spec", "State",
    "TheoryView", "Trainer", "View", "make_gan", "make_trainer", "surface_of",
]
