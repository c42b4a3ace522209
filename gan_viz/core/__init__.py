"""The pure JAX core: mixtures, networks, losses, the trainer and every metric.

Nothing here knows about presets, the app or the command line, and importing it changes
nothing in the process (``runtime.configure()``, called by the entry points, sets JAX up).

The parts, each a module of one concern:

- ``data``, ``viewbox``: mixtures, uploaded points and their fitted modes, sampling, the view box.
- ``models``, ``losses``, ``optim``: MLPs and latent noise, GAN losses, optax optimizers.
- ``config``, ``bounds``: the schema of a run and its validation; the run-time ``Hyper`` arrays.
- ``state``: the pytrees (``State``, ``EvalSet``, ``Frame`` = ``Measures`` + ``TheoryView``, ...).
- ``spec``: the static configuration that compiles (``Spec``) and the networks as functions of it.
- ``step``: objectives, one D or G update, one round, a loop of rounds (pure, uncompiled).
- ``evaluation``: measures, the theory view, the live pictures, D's surface (pure, uncompiled).
- ``trainer``: ``Trainer`` / ``make_trainer``, the only module that calls ``jax.jit``: chunking,
  ``vmap`` over runs, and ``launch``, one call whose report stays on the device.
- ``metrics``: every reported number.
- ``runtime``, ``_xla``, ``prng``, ``compilation_cache``, ``parallel``: how JAX runs here.
"""
