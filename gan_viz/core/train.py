"""The trainer's public names in one place, under the names the code base has always used:
``GAN`` is ``trainer.Trainer`` and ``make_gan`` is ``trainer.make_trainer``.

The parts live in modules of one concern each: ``state`` (the pytrees and the seed's keys),
``spec`` (the static configuration and the networks), ``step`` (objectives, updates, rounds),
``evaluation`` (measures, theory view, pictures) and ``trainer`` (the one owner of ``jax.jit``);
the other value types (``View``, ``ArrowView``, ``Pictures``) are in ``state``.
"""

from gan_viz.core.evaluation import surface_of
from gan_viz.core.state import MAX_PICTURES, EvalSet, Frame, Measures, RunInfo, State, TheoryView
from gan_viz.core.trainer import MAX_ROUNDS_PER_CALL, Trainer, make_trainer

GAN = Trainer
make_gan = make_trainer

__all__ = [
    "MAX_PICTURES", "MAX_ROUNDS_PER_CALL", "EvalSet", "Frame", "GAN", "Measures", "RunInfo", "State", "TheoryView",
    "Trainer", "make_gan", "make_trainer", "surface_of",
]
