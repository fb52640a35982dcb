"""The behaviour-unchanged check: small runs of every family whose final metrics must not move.

`python -m tests.golden.cases --record` reruns every case through the runner (as the CLI does) and
rewrites `expected.json`; the test compares a fresh run with it to the last digit. Record again only
for a change meant to alter results, and say so in the commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

EXPECTED = Path(__file__).with_name("expected.json")

# (experiment, preset, overrides): each small enough for the suite, all together under a minute.
CASES: list[tuple[str, str, dict[str, str]]] = [
    ("ff", "digits-quick", {"steps": "120", "epochs": "0"}),
    ("bp", "digits-quick", {"steps": "120", "epochs": "0"}),
    ("negatives", "digits-race", {"steps": "40", "epochs": "0"}),
    ("collab", "digits-sweep", {"steps": "40", "epochs": "0"}),
    ("cwc", "digits-quick", {"epochs": "1"}),
    ("dff", "digits-quick", {"epochs": "2"}),
    ("scff", "digits-quick", {"epochs": "1"}),
    ("transfer", "digits-quick", {}),
    ("fastweights-delay", "quick", {}),
    ("fastweights-kv", "reference", {}),
    ("srwm", "reference", {"episodes": "300"}),
    ("chunker-22", "reference", {}),
    ("chunker-deep", "quick", {}),
    ("ff-text", "excerpt-quick", {"steps": "60", "hidden": "32,32", "eval_every": "30", "final_chars": "500"}),
    ("text-layers", "excerpt-quick", {"steps": "40", "hidden": "16,16", "eval_every": "20", "final_chars": "500",
                                      "lengths": "8,16"}),
    ("continual", "split-digits", {"steps_per_task": "10", "hidden": "32", "eval_every": "5"}),
    ("nca", "quick", {"size": "8", "pad": "2", "steps": "20", "batch": "2", "pool_size": "8", "grow_min": "6",
                      "grow_max": "8", "eval_steps": "8", "ff_rollout": "2"}),
    ("continual-text", "excerpt-quick", {"steps_per_task": "10", "hidden": "16,16", "tasks": "3",
                                         "eval_chars": "200"}),
]

# Metrics that measure the machine, not the algorithm.
MACHINE_METRICS = ("seconds", "_s", "samples_per_s", "time", "memory", "_mb", "ratio")


def case_id(case: tuple[str, str, dict[str, str]]) -> str:
    name, preset, sets = case
    return " ".join([name, preset, *(f"{k}={v}" for k, v in sets.items())])


def run_case(case: tuple[str, str, dict[str, str]]) -> dict[str, float]:
    from fflab.catalog import get_experiment
    from fflab.runner import RunSpec, Status, run_to_end

    name, preset, sets = case
    cls = get_experiment(name)
    params = cls.resolve_params(preset, cls.params.parse_assignments([f"{k}={v}" for k, v in sets.items()]))
    run = run_to_end(RunSpec(name, params, seed=0, device="cpu", preset=preset))
    if run.status is not Status.FINISHED:
        raise AssertionError(f"{case_id(case)}: {run.status.value}: {run.error or run.status_note}")
    return {k: float(v) for k, v in run.final_metrics.items() if not any(m in k for m in MACHINE_METRICS)}


def record() -> None:
    results = {}
    for case in CASES:
        results[case_id(case)] = run_case(case)
        print(case_id(case), results[case_id(case)], flush=True)
    EXPECTED.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    if "--record" in sys.argv:
        record()
