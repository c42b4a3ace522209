"""The ``gan-viz`` sub-commands' handlers, one module per group: ``runs`` (presets, config, train,
evaluate), ``experiments`` (sweep, reproduce), ``replays`` (export, counterexample), ``measure``
(bench, bench-ui, soak) and ``app``. Each handler checks its arguments and calls the library,
imported inside the handler so that a sub-command loads only the modules it uses."""
