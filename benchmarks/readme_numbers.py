"""Run the CLI commands whose numbers the README quotes, one after another, and print what each measured.

    FFLAB_DATA=../shared/data python benchmarks/readme_numbers.py                 # every command
    FFLAB_DATA=../shared/data python benchmarks/readme_numbers.py --only fast chunker
    FFLAB_DATA=../shared/data python benchmarks/readme_numbers.py --only bio    # ff's bio options, PCL, the γ sweep
    python benchmarks/readme_numbers.py --list

Each command runs as its own process (`python -m fflab run ... --no-save --quiet --json F`), so the wall
time includes starting Python and torch, as a user would see it. Run it on a quiet machine: on 2 cores any
other job makes the times meaningless. `--json out.json` keeps everything.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# group -> list of (experiment, preset, extra CLI arguments)
COMMANDS: dict[str, list[tuple[str, str, list[str]]]] = {
    "ff": [("ff", "digits-quick", []), ("bp", "digits-quick", []), ("ff", "quick", []), ("bp", "quick", [])],
    "negatives": [("negatives", "digits-race", []), ("negatives", "quick-race", [])],
    "fast": [("fastweights-delay", "reference", []), ("fastweights-kv", "reference", []),
             ("srwm", "reference", []), ("srwm", "no-self-modification", [])],
    "chunker": [("chunker-22", "reference", []), ("chunker-deep", "quick", []), ("chunker-deep", "reference", [])],
    "variants": [("cwc", "digits-quick", []), ("cwc", "quick", []), ("collab", "digits-sweep", []),
                 ("scff", "digits-quick", []), ("transfer", "digits-quick", []), ("transfer", "quick", []),
                 ("efficiency", "digits-quick", []), ("efficiency", "quick", [])],
    "bio": [("ff", "quick", ["--set", "epochs=2", *option]) for option in (
        [], ["--set", "modulation=top_down"], ["--set", "modulation=layer_agreement"],
        ["--set", "modulation=reward_prediction"], ["--set", "prospective=1"], ["--set", "pcl=true"])]
    + [("ff", "pcl-study", []), ("collab", "quick-sweep", ["--set", "seeds=3"])],
}


def run(experiment: str, preset: str, extra: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "fflab", "run", experiment, "--preset", preset, "--no-save", "--quiet",
               "--json", str(out), *extra]
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        result = json.loads(out.read_text()) if out.exists() else {}
    result.update(command=" ".join(["python -m fflab run", experiment, "--preset", preset, *extra]),
                  wall_s=round(wall, 1), exit=proc.returncode)
    if proc.returncode != 0:
        result["stderr"] = proc.stderr[-2000:]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=list(COMMANDS), help="run only these groups")
    parser.add_argument("--list", action="store_true", help="print the commands and stop")
    parser.add_argument("--json", help="write every result here")
    args = parser.parse_args()
    groups = args.only or list(COMMANDS)
    todo = [c for g in groups for c in COMMANDS[g]]
    if args.list:
        for experiment, preset, extra in todo:
            print(" ".join(["python -m fflab run", experiment, "--preset", preset, *extra]))
        return
    results = []
    for experiment, preset, extra in todo:
        result = run(experiment, preset, extra)
        results.append(result)
        metrics = ", ".join(f"{k} {v:.4g}" for k, v in (result.get("metrics") or {}).items()
                            if isinstance(v, int | float))
        print(f"{result['command']}: exit {result['exit']}, wall {result['wall_s']} s, "
              f"in the run {result.get('seconds', float('nan')):.1f} s; {metrics}", flush=True)
        if result["exit"] != 0:
            print(result.get("stderr", ""), file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
