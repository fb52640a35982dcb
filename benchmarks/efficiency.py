"""Run the `efficiency` experiment headless on every device present and print FF against backprop.

    python benchmarks/efficiency.py                                  # preset quick (MNIST), CPU and CUDA
    python benchmarks/efficiency.py --preset digits-quick --devices cpu
    python benchmarks/efficiency.py --set width=2000 depths=1,2,4,8,16,32 --json efficiency.json

Per device: seconds per epoch of each net and their ratio, time and samples to the target accuracy,
final test accuracy, the layer-parallel FF speed-up, and a table of one training step's peak activation
memory against depth (on CUDA also the allocator's peak). On the CPU each net computes on one intra-op
thread (the experiment's `max_threads`). MNIST is read from FFLAB_DATA (or downloaded into the cache).
Record the results in benchmarks/README.md with the machine.
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

SERIES = ("ff", "ff_summed", "bp")


def machine(device: str) -> str:
    if device == "cuda":
        return torch.cuda.get_device_name(0)
    return f"{platform.processor() or platform.machine()}, 1 torch thread per net"


def bench(preset: str, device: str, max_seconds: float | None, overrides: list[str]) -> dict:
    cls = get_experiment("efficiency")
    params = cls.resolve_params(preset, cls.params.parse_assignments(overrides))
    began = time.perf_counter()
    run = run_to_end(RunSpec("efficiency", params, seed=0, device=device, preset=preset), max_seconds=max_seconds,
                     scheduler=Scheduler(1))
    return {"preset": preset, "device": device, "machine": machine(device), "status": run.status.value,
            "wall_s": round(time.perf_counter() - began, 1), "error": run.error, "params": {
                k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
            "metrics": dict(run.final_metrics), "notes": run.notes}


def _number(metrics: dict, key: str, spec: str, suffix: str = "") -> str:
    value = metrics.get(key)
    return "-" if value is None else f"{value:{spec}}{suffix}"


def print_row(row: dict) -> None:
    m = row["metrics"]
    print(f"\n{row['preset']} on {row['device']} ({row['machine']}): {row['status']} in {row['wall_s']} s"
          + (f" - {row['error']}" if row["error"] else ""))
    for note in row["notes"]:
        print(f"  note: {note}")
    print(f"  {'':14s} {'s/epoch':>9s} {'to target':>10s} {'samples':>9s} {'test acc':>9s}")
    for name in ("ff", "bp"):
        reached = m.get(f"reached_target.{name}") == 1.0
        print(f"  {name:14s} {_number(m, f'seconds_per_epoch.{name}', '9.3f')} "
              f"{_number(m, f'time_to_target.{name}', '9.2f', 's') if reached else 'not reached':>10s} "
              f"{_number(m, f'samples_to_target.{name}', '9,.0f') if reached else '-':>9s} "
              f"{_number(m, f'test_accuracy.{name}', '9.2%')}")
    print(f"  ff/bp time: per epoch {_number(m, 'time_ratio', '.2f', 'x')}, to target "
          f"{_number(m, 'time_to_target_ratio', '.2f', 'x')}; layer-parallel ff speed-up "
          f"{_number(m, 'parallel_speedup', '.2f', 'x')}")
    depths = sorted(int(k.rsplit("depth", 1)[1]) for k in m if k.startswith("memory_ratio.depth"))
    if depths:
        cuda = any(k.startswith("cuda_peak_bytes.") for k in m)
        head = "".join(f"{s:>14s}" for s in SERIES) + "".join(f"{'cuda ' + s:>16s}" for s in SERIES if cuda)
        print(f"  {'layers':>6s}{head}{'bp/ff':>8s}   (peak bytes of one training step)")
        for d in depths:
            cells = "".join(_number(m, f"activation_bytes.{s}.depth{d}", "14,.0f") for s in SERIES)
            if cuda:
                cells += "".join(f"{_number(m, f'cuda_peak_bytes.{s}.depth{d}', ',.0f'):>16s}" for s in SERIES)
            print(f"  {d:>6d}{cells}{_number(m, f'memory_ratio.depth{d}', '8.2f')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="quick")
    parser.add_argument("--devices", default="cpu,cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--max-seconds", type=float, default=None, help="stop each run after this long")
    parser.add_argument("--set", nargs="+", action="extend", default=[], metavar="PARAM=VALUE",
                        help="override a parameter for every run")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = []
    for device in args.devices.split(","):
        row = bench(args.preset, device, args.max_seconds, args.set)
        rows.append(row)
        print_row(row)
        sys.stdout.flush()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0 if all(r["status"] == "finished" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
