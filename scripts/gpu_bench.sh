#!/usr/bin/env bash
# The benchmark figures on an accelerator, in one go: `gan-viz bench --json` (steps/s of every model,
# the plain-JAX step loop beside them, 64 and 256 runs at once, compile times cold and cached) and
# the README's 7 x 7 x 4 collapse map (196 runs of 5,000 steps), then 4,096 runs at once (64 x 16
# cells x 4 seeds, 1,000 steps). Every result is JSON in $OUT (default ./gpu-bench), with the
# machine's description; docs/benchmarks.md says how to read them.
#
# Needs gan_viz installed with a JAX that sees the GPU (for NVIDIA: pip install -e . "jax[cuda12]");
# it stops if JAX's backend is the CPU, unless GAN_VIZ_ALLOW_CPU=1 (a dry run of the script).
# Usage: OUT=/some/dir scripts/gpu_bench.sh   (PYTHON=... to choose the interpreter; a dry run on a CPU:
# GAN_VIZ_ALLOW_CPU=1 QUICK=1 MAP_STEPS=50 BIG_MAP_STEPS=20 scripts/gpu_bench.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
OUT="${OUT:-./gpu-bench}"
mkdir -p "$OUT"
unset JAX_PLATFORMS  # let JAX pick the accelerator

"$PY" - "$OUT/machine.json" <<'PYEOF'
import json, os, subprocess, sys, time
import gan_viz
gan_viz.configure()  # as the gan-viz command does, before JAX starts: on a CPU, one device per core
import jax
devices = jax.devices()
info = {"date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()), "platform": jax.default_backend(),
        "devices": [d.device_kind for d in devices], "jax_version": jax.__version__, "cpu_count": os.cpu_count()}
try:
    info["nvidia_smi"] = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30).stdout.strip()
except (OSError, subprocess.SubprocessError):
    info["nvidia_smi"] = None
json.dump(info, open(sys.argv[1], "w"), indent=2)
print(json.dumps(info))
if info["platform"] == "cpu" and os.environ.get("GAN_VIZ_ALLOW_CPU") != "1":
    sys.exit("gpu_bench.sh: JAX runs on the CPU here (no GPU it can use); set GAN_VIZ_ALLOW_CPU=1 for a dry run")
PYEOF

echo "== gan-viz bench --json -> $OUT/bench.json"
"$PY" -m gan_viz bench --json ${QUICK:+--quick} > "$OUT/bench.json"

echo "== the README's 7 x 7 x 4 map (196 runs, 5,000 steps) -> $OUT/sweep_196.json"
"$PY" -m gan_viz sweep --preset ring8-hopping --x lr_d=1e-4:1e-2:7log --y lr_g=1e-4:1e-2:7log --seeds 4 \
    --steps "${MAP_STEPS:-5000}" --json > "$OUT/sweep_196.json"

echo "== 4,096 runs at once (64 x 16 cells x 4 seeds, 1,000 steps) -> $OUT/sweep_4096.json"
"$PY" -m gan_viz sweep --preset ring8-hopping --x lr_d=1e-4:1e-2:64log --y lr_g=1e-4:1e-2:16log --seeds 4 \
    --steps "${BIG_MAP_STEPS:-1000}" --json > "$OUT/sweep_4096.json"

"$PY" - "$OUT" <<'PYEOF'
import json, sys
out = sys.argv[1]
b = json.load(open(f"{out}/bench.json"))
for m in b["models"]:
    loop = m.get("jax_step_loop_steps_per_s")
    print(f"{m['name']}: {m['jax_steps_per_s']:,.0f} steps/s; plain-JAX step loop "
          f"{'n/a' if loop is None else f'{loop:,.0f}'}")
sw = b["sweep"]
for row in [sw, *sw["more"]]:
    print(f"{row['runs']} runs: {row['aggregate_steps_per_s']:,.0f} steps/s in all, {row['speedup']:.1f}x one run")
print(f"compile {b['compile_seconds']:.2f} s cold, {b['cached_compile_seconds']:.2f} s cached")
for name in ("sweep_196", "sweep_4096"):
    s = json.load(open(f"{out}/{name}.json"))
    print(f"{name}: {s['runs']} runs, {s['wall_seconds']:.1f} s (compile {s['compile_seconds']:.1f} s), "
          f"{s['steps_per_s_aggregate'] or 0:,.0f} steps/s in all on {s['devices']} device(s)")
PYEOF
