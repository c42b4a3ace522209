"""The lecture's counter-example: a classifier that fails does not mean p_theta = p_x.

Each round trains a new classifier D_t to convergence with the generator frozen, then
freezes D_t and trains the generator for a fixed number of steps against it. The frozen
D_t calls the moved samples real (its accuracy drops to about 1/2), yet p_theta is as far
from p_x as before: the generator hops from region to region instead of learning p_x.
``run_contrast`` trains the same start with alternating k = 1 updates (the lecture's
remedy), which lands on p_x.

Modules: ``records`` (the schedule and the immutable storyboard), ``phases`` (start,
train_classifier, move_generator, run_storyboard; the design choices are in its
docstring), ``contrast`` (run_contrast), ``report`` (text). The figure is drawn by
``gan_viz.render.storyboard.from_storyboard``.
"""

from gan_viz.lab.counterexample.contrast import Contrast as Contrast
from gan_viz.lab.counterexample.contrast import run_contrast as run_contrast
from gan_viz.lab.counterexample.phases import FROZEN as FROZEN
from gan_viz.lab.counterexample.phases import default_config as default_config
from gan_viz.lab.counterexample.phases import move_generator as move_generator
from gan_viz.lab.counterexample.phases import run_storyboard as run_storyboard
from gan_viz.lab.counterexample.phases import start as start
from gan_viz.lab.counterexample.phases import train_classifier as train_classifier
from gan_viz.lab.counterexample.records import MAX_ROUNDS as MAX_ROUNDS
from gan_viz.lab.counterexample.records import SETUP as SETUP
from gan_viz.lab.counterexample.records import RoundRecord as RoundRecord
from gan_viz.lab.counterexample.records import Setup as Setup
from gan_viz.lab.counterexample.records import Storyboard as Storyboard
from gan_viz.lab.counterexample.report import FAR_JSD as FAR_JSD
from gan_viz.lab.counterexample.report import FOOLED as FOOLED
from gan_viz.lab.counterexample.report import format_report as format_report
