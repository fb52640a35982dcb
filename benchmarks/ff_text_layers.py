"""`ff-text` by layer kind: FF on an MLP window, FF on SSM layers, the same SSM by backprop through time.

    python benchmarks/ff_text_layers.py                                   # small: Tiny Shakespeare, 300 steps
    python benchmarks/ff_text_layers.py --steps 2000 --set hidden=256,256 state_size=32 --json layers.json
    python benchmarks/ff_text_layers.py --lengths 16,32,64,128,256 --device cuda

Trains each pair of nets of one `ff-text` run (`layer=mlp`: FF-MLP and its backprop twin; `layer=ssm`: FF-SSM
and SSM-BPTT) on the same batches, timing each net's updates alone (wall and CPU seconds; the softmax head
is not trained), then scores the validation split: FF by softmax(goodness / T), backprop by its softmax.
Activation memory is the peak bytes autograd saves for backward during one training step (saved-tensor
hooks, as `efficiency` measures it: `fflab/studies/efficiency/measure.py`), at the run's window and against
the window length. Record the results in benchmarks/README.md with the machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fflab.ff.ff_text.experiment import FFText  # noqa: E402
from fflab.studies.efficiency.measure import measure_step  # noqa: E402

# (row name, `layer`, which net of the run: its FF net or its backprop baseline)
MODELS = (("FF-MLP", "mlp", "ff"), ("MLP-BP", "mlp", "bp"), ("FF-SSM", "ssm", "ff"), ("SSM-BPTT", "ssm", "bp"))


def _update(exp: FFText, which: str, batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor]) -> None:
    contexts, targets, wrong = batch
    if which == "ff":
        exp.train_ff(contexts, targets, wrong)
    else:
        exp.train_bp(contexts, targets)


def activation_bytes(params: dict[str, Any], which: str, device: str) -> int:
    """Peak bytes saved for backward in one update of the run's FF net (`ff`) or its baseline (`bp`)."""
    exp = FFText(params, seed=0, device=device)
    batch = exp.draw_batch()
    net = exp.net if which == "ff" else exp.bp
    _update(exp, which, batch)  # a first step: Adam's state exists, nothing lazy is left for the measured one
    return measure_step(lambda: _update(exp, which, batch), net.parameters(), exp.device)["activation_bytes"]


def train_pair(params: dict[str, Any], device: str) -> dict[str, dict[str, float]]:
    """Train a run's FF net and its baseline on the same batches; per net: nats, wall and CPU seconds."""
    exp = FFText(params, seed=0, device=device)
    wall = {"ff": 0.0, "bp": 0.0}
    cpu = dict(wall)
    for _ in range(exp.total_steps):
        batch = exp.draw_batch()
        exp.on_update({})  # the learning rates of this step (linear decay)
        for which in wall:
            began, began_cpu = time.perf_counter(), time.process_time()
            _update(exp, which, batch)
            if exp.device.type == "cuda":
                torch.cuda.synchronize(exp.device)
            wall[which] += time.perf_counter() - began
            cpu[which] += time.process_time() - began_cpu
        exp.steps_done += 1
    scores = exp.final_metrics()
    nats = {"ff": scores["val_nats_per_char.goodness"], "bp": scores["val_nats_per_char.bp"]}
    return {which: {"val_nats_per_char": nats[which], "train_seconds": wall[which], "train_cpu_seconds": cpu[which]}
            for which in wall}


def run(base: dict[str, Any], lengths: list[int], device: str) -> dict[str, Any]:
    rows, by_length = [], []
    trained = {layer: train_pair({**base, "layer": layer}, device) for layer in ("mlp", "ssm")}
    for name, layer, which in MODELS:
        params = {**base, "layer": layer}
        memory = activation_bytes(params, which, device)
        rows.append({"model": name, **trained[layer][which], "activation_bytes": memory})
        print(f"  trained {name}", file=sys.stderr)
    for length in lengths:
        by_length.append({"context": length, **{name: activation_bytes({**base, "layer": layer, "context": length},
                                                                    which, device) for name, layer, which in MODELS}})
        print(f"  measured context {length}", file=sys.stderr)
    return {"rows": rows, "memory_by_length": by_length}


def print_tables(result: dict[str, Any]) -> None:
    print(f"\n{'model':10s} {'val nats/char':>14s} {'train s':>9s} {'train CPU s':>12s} {'activation bytes':>17s}")
    for row in result["rows"]:
        print(f"{row['model']:10s} {row['val_nats_per_char']:14.3f} {row['train_seconds']:9.1f} "
              f"{row['train_cpu_seconds']:12.1f} {row['activation_bytes']:17,d}")
    names = [name for name, _, _ in MODELS]
    print(f"\n{'context':>8s}" + "".join(f"{name:>14s}" for name in names) + "   (activation bytes of one step)")
    for row in result["memory_by_length"]:
        print(f"{row['context']:>8d}" + "".join(f"{row[name]:>14,d}" for name in names))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="quick", help="the ff-text preset the runs start from")
    parser.add_argument("--steps", type=int, default=300, help="training steps of each net")
    parser.add_argument("--lengths", default="16,32,64,128", help="window lengths of the memory table")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads on the CPU")
    parser.add_argument("--set", nargs="+", action="extend", default=[], metavar="PARAM=VALUE",
                        help="override an ff-text parameter for every run")
    parser.add_argument("--json", type=Path, default=Path("ff_text_layers.json"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    overrides = {"steps": args.steps, "final_chars": 5000, **FFText.params.parse_assignments(args.set)}
    base = FFText.resolve_params(args.preset, overrides)
    lengths = [int(x) for x in args.lengths.split(",") if x]
    began = time.perf_counter()
    result = run(base, lengths, args.device)
    machine = torch.cuda.get_device_name(0) if args.device == "cuda" else (
        f"{platform.processor() or platform.machine()}, {args.threads} torch thread(s)")
    result.update({"machine": machine, "torch": torch.__version__, "wall_s": round(time.perf_counter() - began, 1),
                   "params": {k: list(v) if isinstance(v, tuple) else v for k, v in base.items()},
                   "command": " ".join(sys.argv)})
    print(f"ff-text layers on {machine}, preset {args.preset} with {overrides}: {result['wall_s']} s")
    print_tables(result)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
