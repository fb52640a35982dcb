"""fflab beside the public scripts it reproduces: the same work, alternately, on one pinned core, one thread.

    python benchmarks/peers.py --peers DIR [--rows fastweights-kv srwm] [--pairs 3] [--core 1] [--json out.json]

This script fetches nothing. DIR holds the peers' checkouts, made by you (the README of `benchmarks/`
names the repositories and the commits measured):

    DIR/schmidhuber-problems/      numpy references of the Schmidhuber experiments
    DIR/pytorch_forward_forward/   mohammadpz's Forward-Forward in PyTorch (`main.py`)
    DIR/Forward-Forward/           loeweX's reimplementation of Hinton's (needs hydra-core and omegaconf)

The Forward-Forward rows read MNIST from `--data` (a folder holding `mnist/`, as FFLAB_DATA does) and
run the peer with `benchmarks/peer_shim/` first on its path (a CPU stand-in for torchvision and `.cuda()`,
see its README). Where a peer's budget is written into its code, the row runs a copy in a scratch
folder with that one line changed (printed with the table).

A row runs the peer's script and `python -m fflab run ...` as whole processes, one after the other,
`--pairs` times, each pinned to `--core` with one BLAS/OpenMP thread, and takes the median wall and CPU
seconds of each side (start-up included). It also times, in the same alternation, a process that only
imports torch and builds one optimizer: what any torch training script pays before its first step (the
import, and `torch._dynamo`, which torch.optim imports on first use), allowed fflab by the goal against a
numpy peer ("less torch start-up"); against a torch peer the goal is on the whole-process ratio. Rows whose
peer script is missing are listed as skipped with the path looked for.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIM = Path(__file__).resolve().parent / "peer_shim"
SCHMIDHUBER = "schmidhuber-problems"
MPEZESHKI = "pytorch_forward_forward"
LOEWEX = "Forward-Forward"
FF_STEPS = 20  # full-batch steps per layer in the mpezeshki row (the peer's own 1000 take hours on a CPU)


@dataclass(frozen=True)
class Row:
    name: str
    peer_script: str  # relative to DIR
    peer_args: tuple[str, ...]
    fflab_args: tuple[str, ...]  # after `python -m fflab run`
    same_work: str
    goal: float = 1.0  # fflab's wall time over the peer's, at most
    torch_peer: bool = False  # the peer pays torch's start-up too: the goal is on the whole-process ratio
    edit: tuple[str, str] | None = None  # (line, replacement) in a copy of the peer's script: its budget
    shim: bool = False  # the peer runs with benchmarks/peer_shim/ first on its path

    def peer_command(self, peers: Path, scratch: Path) -> list[str]:
        args = [a.replace("{scratch}", str(scratch)) for a in self.peer_args]
        return [sys.executable, str(self.peer_copy(peers, scratch)), *args]

    def peer_copy(self, peers: Path, scratch: Path) -> Path:
        """The peer's script, or a copy in `scratch` with `edit` made (it must match exactly one line)."""
        script = peers / self.peer_script
        if self.edit is None:
            return script
        old, new = self.edit
        text = script.read_text()
        if text.count(old) != 1:
            raise RuntimeError(f"{script}: expected {old!r} once, found it {text.count(old)} times")
        copy = scratch / f"peer-{self.name}" / script.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(text.replace(old, new))
        return copy

    def peer_cwd(self, scratch: Path) -> Path:
        return scratch / f"peer-{self.name}" if self.edit is not None else scratch

    def fflab_command(self) -> list[str]:
        return [sys.executable, "-m", "fflab", "run", *self.fflab_args, "--seed", "0", "--device", "cpu",
                "--no-save", "--quiet"]


ROWS = (
    Row("fastweights-kv", f"{SCHMIDHUBER}/fast-weights-key-value/fast_weights_key_value.py", ("--seed", "0"),
        ("fastweights-kv", "--preset", "reference"),
        "1500 one-episode SGD steps, N = 5 pairs, d = 8, 200 held-out episodes"),
    Row("fastweights-delay", f"{SCHMIDHUBER}/fast-weights-unknown-delay/fast_weights_unknown_delay.py",
        ("--seed", "0", "--quiet"),
        ("fastweights-delay", "--preset", "reference", "--set", "test_delay_max=30"),
        "3000 batches of 32, hidden 32, key 8; tested on delays 5-30 (the peer's range)"),
    Row("srwm", f"{SCHMIDHUBER}/self-referential-weight-matrix/self_referential_weight_matrix.py",
        ("--seed", "0", "--out", "{scratch}/srwm.json"),
        ("srwm", "--preset", "reference"),
        "3000 one-episode Adam steps, hidden 6; both evaluate while training (the peer 16 x 800 episodes, "
        "fflab 15 x 400 with and 400 without writes)"),
    Row("chunker-22", f"{SCHMIDHUBER}/chunker-22-symbol/chunker_22_symbol.py",
        ("--seed", "0", "--blocks", "1500", "--threshold", "0.95"),
        ("chunker-22", "--preset", "one-stream", "--set", "eval_blocks=20"),
        "one stream of 1500 blocks, threshold 0.95 (the peer README's setting), 200 scored blocks; fflab "
        "trains A, C and the single net side by side, C recurrent"),
    Row("ff-mpezeshki", f"{MPEZESHKI}/main.py", (),
        ("ff", "--preset", "mpezeshki", "--set", f"steps={FF_STEPS}", "--set", "train_score=all"),
        f"784-500-500, {FF_STEPS} full-batch Adam steps per layer, one layer after the other, then every "
        "training and test image scored under all ten labels; the peer trains and scores a random 50,000 of "
        "the training images, fflab all 60,000 (and scores 2,000 more at its last step's evaluation)",
        goal=0.5, torch_peer=True, edit=("self.num_epochs = 1000", f"self.num_epochs = {FF_STEPS}"), shim=True),
    Row("ff-hinton", f"{LOEWEX}/main.py", ("device=cpu", "training.epochs=1", "hydra.run.dir={scratch}/hydra"),
        ("ff", "--preset", "hinton", "--set", "epochs=0", "--set", "steps=500"),
        "784-1000-1000-1000 with peer normalisation and the softmax head, 500 batches of 100 (one of the peer's "
        "epochs), then 10,000 images scored (the peer's validation set, fflab's test set; fflab also scores "
        "2,000 training images)",
        goal=0.8, torch_peer=True, shim=True),
)
TORCH_START = [sys.executable, "-c", "import torch; torch.optim.Adam([torch.zeros(1, requires_grad=True)])"]


def timed(command: list[str], core: int, cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole process pinned to `core`; raises with its output if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          preexec_fn=lambda: os.sched_setaffinity(0, {core}))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def one_thread_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "FFLAB_HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[name] = "1"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def peer_env(row: Row, env: dict[str, str], data: Path | None) -> dict[str, str]:
    if not row.shim:
        return env
    if data is None:
        raise RuntimeError(f"{row.name}: name the folder holding mnist/ with --data (or set FFLAB_DATA)")
    return {**env, "PYTHONPATH": os.pathsep.join([str(SHIM), env["PYTHONPATH"]]),
            "PEER_MNIST_DIR": str(data / "mnist")}


def measure(row: Row, peers: Path, pairs: int, core: int, scratch: Path, env: dict[str, str],
            data: Path | None = None) -> dict:
    times: dict[str, list[tuple[float, float]]] = {"peer": [], "fflab": [], "torch": []}
    theirs = peer_env(row, env, data)
    for _ in range(pairs):
        times["peer"].append(timed(row.peer_command(peers, scratch), core, row.peer_cwd(scratch), theirs))
        times["fflab"].append(timed(row.fflab_command(), core, ROOT, env))
        times["torch"].append(timed(TORCH_START, core, scratch, env))
    median = {side: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
              for side, t in times.items()}
    (peer_wall, peer_cpu), (ff_wall, ff_cpu), (torch_wall, _) = median["peer"], median["fflab"], median["torch"]
    judged = ff_wall / peer_wall if row.torch_peer else (ff_wall - torch_wall) / peer_wall
    return {"row": row.name, "same_work": row.same_work, "pairs": pairs, "goal": row.goal,
            "judged_ratio": judged, "judged_on": "whole process" if row.torch_peer else "less torch start-up",
            "met": judged <= row.goal, "edit": row.edit,
            "peer_wall_s": peer_wall, "peer_cpu_s": peer_cpu, "fflab_wall_s": ff_wall, "fflab_cpu_s": ff_cpu,
            "torch_start_s": torch_wall, "wall_ratio": ff_wall / peer_wall, "cpu_ratio": ff_cpu / peer_cpu,
            "wall_ratio_less_torch_start": (ff_wall - torch_wall) / peer_wall}  # below 0: noise in a tiny run


def table(results: list[dict], skipped: list[str]) -> str:
    lines = ["| row | peer wall s | fflab wall s | ratio (CPU) | less torch start-up | goal |",
             "|---|---|---|---|---|---|"]
    for r in results:
        met = "met" if r["met"] else "missed"
        lines.append(f"| {r['row']} | {r['peer_wall_s']:.2f} | {r['fflab_wall_s']:.2f} | {r['wall_ratio']:.2f} "
                     f"({r['cpu_ratio']:.2f}) | {r['wall_ratio_less_torch_start']:.2f} | "
                     f"<= {r['goal']}, {r['judged_on']}: {met} |")
    lines += [f"{r['row']}: the peer ran as a copy with {r['edit'][0]!r} made {r['edit'][1]!r}"
              for r in results if r["edit"]]
    lines += [f"skipped: {s}" for s in skipped]
    if results:
        lines.append(f"torch start-up alone: {statistics.median(r['torch_start_s'] for r in results):.2f} s "
                     f"(median over rows); medians of {results[0]['pairs']} alternating pairs")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", type=Path, required=True, help="the folder holding the peers' checkouts")
    parser.add_argument("--rows", nargs="+", choices=[r.name for r in ROWS], help="default: every row")
    parser.add_argument("--pairs", type=int, default=3, help="alternating peer/fflab pairs per row")
    parser.add_argument("--core", type=int, default=max(os.sched_getaffinity(0)),
                        help="the one core every process is pinned to")
    parser.add_argument("--data", type=Path, default=Path(os.environ["FFLAB_DATA"]) if os.environ.get("FFLAB_DATA")
                        else None, help="the folder holding mnist/ (default: $FFLAB_DATA), for the FF rows")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if not args.peers.is_dir():
        parser.error(f"--peers {args.peers}: not a folder")
    chosen = [r for r in ROWS if not args.rows or r.name in args.rows]
    results, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="fflab-peers-") as tmp:
        scratch = Path(tmp)
        env = one_thread_env(scratch / "home")
        if args.data is not None:
            env["FFLAB_DATA"] = str(args.data)
        for row in chosen:
            script = args.peers / row.peer_script
            if not script.is_file():
                skipped.append(f"{row.name}: no {script}")
                continue
            print(f"{row.name}: {args.pairs} pairs on core {args.core} ...", file=sys.stderr, flush=True)
            results.append(measure(row, args.peers, args.pairs, args.core, scratch, env, args.data))
    print(table(results, skipped))
    if args.json:
        args.json.write_text(json.dumps({"results": results, "skipped": skipped}, indent=2))
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
