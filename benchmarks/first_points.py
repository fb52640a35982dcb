"""The server's part of a workshop, without browsers: N runs started together in one process.

    .venv/bin/python benchmarks/first_points.py --sessions 5 10 20 [--preset digits-quick]

Starts N `ff` runs at once through the runner the app uses (the default scheduler, time slices and all),
each touched as a watching page would touch it, and reports the time from the start to each run's first
logged training step (median, p95, max) and how many steps all of them had done 10 s later. Then, while the
N runs train, one more session opens the Forward-Forward page (Streamlit's AppTest: the real page script, no
browser), starts its own run, and clicks Pause and Resume in turn (when N leaves it room among the runs that
share the CPU): the time from each click to the page showing the new status is the server's part of a click (script reruns and the command reaching the training
thread between two steps). What `workshop_load.py` adds on top of this is the browsers' drawing; on a 2-core
machine that shares its cores with N headless browsers, the browsers dominate.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fflab.catalog import get_experiment  # noqa: E402
from fflab.runner import Run, RunSpec  # noqa: E402
from fflab.runner.warm_up import warm_up_in_background  # noqa: E402
from fflab.scheduler import default_scheduler  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workshop_load import _spread  # noqa: E402  (the same median / p95 / max)

MAX_SESSIONS = 40
AFTER_S = 10.0
CLICKS = 10  # Pause, Resume, ... in turn
PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "forward_forward.py")


def _status(at) -> str:
    return " ".join(m.value for m in at.markdown if "badge[" in m.value)


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def _rerun_until(at, shown: str, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while shown not in _status(at):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"the page never showed {shown!r}; it shows {_status(at)!r}")
        at.run()


def click_latencies(preset: str) -> tuple[list[float], list[float]]:
    """One more session on the real page: Start, then Pause / Resume in turn, each timed to its status shown."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["preset"] = preset
    at.run()
    _button(at, "Start").click().run()
    _rerun_until(at, "running")
    pauses, resumes = [], []
    for i in range(CLICKS):
        label, shown, latencies = ("Pause", "paused", pauses) if i % 2 == 0 else ("Resume", "running", resumes)
        began = time.perf_counter()
        _button(at, label).click().run()
        _rerun_until(at, shown)
        latencies.append(time.perf_counter() - began)
    _button(at, "Stop").click().run()
    return pauses, resumes


def measure(n: int, preset: str) -> str:
    cls = get_experiment("ff")
    runs = [Run(RunSpec("ff", cls.resolve_params(preset), seed, "auto", preset)) for seed in range(n)]
    began = time.perf_counter()
    for run in runs:
        run.start()
    first: dict[int, float] = {}
    steps: list[int] | None = None
    while time.perf_counter() - began < AFTER_S + 60 and (len(first) < n or steps is None):
        for i, run in enumerate(runs):
            run.touch()
            if i not in first and run.log.since(0)[0]:
                first[i] = time.perf_counter() - began
        if steps is None and time.perf_counter() - began >= AFTER_S:
            steps = [run.experiment.steps_done if run.experiment else 0 for run in runs]
        time.sleep(0.01)
    steps = steps or [run.experiment.steps_done if run.experiment else 0 for run in runs]
    if n < default_scheduler().max_sharing:
        pauses, resumes = click_latencies(preset)
        clicks = f"{_spread(pauses)} | {_spread(resumes)}"
    else:
        clicks = "– (its run waits to be admitted) | –"
    for run in runs:
        run.stop()
    for run in runs:
        run.wait(120)
    return (f"| {n} | {_spread(list(first.values())) if first else '–'} | {len(first)} of {n} | "
            f"{min(steps)} / {statistics.median(steps):.0f} / {max(steps)} | {clicks} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--preset", default="digits-quick")
    args = parser.parse_args()
    if any(not 1 <= n <= MAX_SESSIONS for n in args.sessions):
        parser.error(f"--sessions: each N from 1 to {MAX_SESSIONS}")
    warm_up_in_background()  # as app.py does when the server starts
    for thread in threading.enumerate():
        if thread.name == "fflab-warm-up":
            thread.join()
    print(f"ff / {args.preset}, runs started together in one process")
    print(f"| runs | start to first step, s | runs with a step | steps done after {AFTER_S:.0f} s (min / median / max) "
          f"| one more page: Pause to paused shown, s | Resume to running shown, s |")
    print("|---|---|---|---|---|---|")
    for n in args.sessions:
        print(measure(n, args.preset), flush=True)


if __name__ == "__main__":
    main()
