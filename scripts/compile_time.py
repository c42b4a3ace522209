"""First-call (compile) time of a preset's training step with an empty compilation cache.

Usage: python scripts/compile_time.py [UNROLL] [PRESET]   (one fresh process per measurement;
prints one JSON line: wall and CPU seconds of make_trainer, init and one training round's first call)
"""

import json
import os
import sys
import tempfile
import time
from dataclasses import replace

os.environ["GAN_VIZ_CACHE_DIR"] = tempfile.mkdtemp()  # cold: an empty persistent cache

import jax  # noqa: E402

from gan_viz.core import compilation_cache, runtime  # noqa: E402
from gan_viz.core.hyper import hyper_from  # noqa: E402
from gan_viz.core.trainer import make_trainer  # noqa: E402
from gan_viz.lab import presets  # noqa: E402


def main() -> None:
    runtime.configure()  # as the app: XLA flags (optimisation level 1) before JAX starts
    unroll = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    name = sys.argv[2] if len(sys.argv) > 2 else "ring8-healthy"
    compilation_cache.enable()
    cfg = presets.get(name)
    cfg = replace(cfg, train=replace(cfg.train, unroll=unroll))
    wall, cpu = time.perf_counter(), time.process_time()
    gan, mix = make_trainer(cfg), cfg.data.mixture()
    state, _ = gan.run(gan.init(cfg.seed), hyper_from(cfg.train), mix, 1)
    jax.block_until_ready(state)
    print(json.dumps({"preset": name, "unroll": unroll, "wall_s": round(time.perf_counter() - wall, 1),
                      "cpu_s": round(time.process_time() - cpu, 1)}))


if __name__ == "__main__":
    main()
