"""Run the `mpezeshki` and `hinton` presets headless and print wall time, test error and samples/s.

    python benchmarks/ff_mnist.py                      # both presets, every device present
    python benchmarks/ff_mnist.py --presets mpezeshki --devices cpu --max-seconds 600

MNIST is read from FFLAB_DATA (or downloaded into the cache). Results go to stdout as a
table and, with --json, to a file; record them in benchmarks/README.md with the machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fflab.catalog import get_experiment  # noqa: E402
from fflab.runner import RunSpec, run_to_end  # noqa: E402
from fflab.scheduler import Scheduler  # noqa: E402


def machine() -> str:
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads"


def bench(preset: str, device: str, max_seconds: float | None, overrides: dict[str, str]) -> dict:
    ff = get_experiment("ff")
    params = ff.resolve_params(preset, ff.params.parse_assignments([f"{k}={v}" for k, v in overrides.items()]))
    began = time.perf_counter()
    run = run_to_end(RunSpec("ff", params, seed=0, device=device, preset=preset), max_seconds=max_seconds,
                     scheduler=Scheduler(1))
    wall = time.perf_counter() - began
    metrics = run.final_metrics
    samples = metrics.get("samples_seen", 0.0)
    return {
        "preset": preset, "device": device, "machine": machine(), "status": run.status.value,
        "wall_s": round(wall, 1), "train_s": round(run.elapsed_s, 1),
        "test_error": metrics.get("test_error"), "samples_per_s": round(samples / max(run.elapsed_s, 1e-9)),
        "steps": run.experiment.steps_done if run.experiment else 0, "error": run.error,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", default="mpezeshki,hinton")
    parser.add_argument("--devices", default="cpu,cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--max-seconds", type=float, default=None, help="stop each run after this long")
    parser.add_argument("--set", action="append", default=[], help="PARAM=VALUE override for every run")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.set)
    rows = []
    for device in args.devices.split(","):
        for preset in args.presets.split(","):
            row = bench(preset, device, args.max_seconds, overrides)
            rows.append(row)
            err = "-" if row["test_error"] is None else f"{100 * row['test_error']:.2f}%"
            print(f"{preset:10s} {device:5s} {row['status']:9s} wall {row['wall_s']:8.1f}s  train {row['train_s']:8.1f}s"
                  f"  test error {err:>7s}  {row['samples_per_s']:>9d} samples/s  steps {row['steps']}  ({row['machine']})",
                  flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
