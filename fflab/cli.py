"""The headless command line: `python -m fflab list` and `python -m fflab run EXPERIMENT`.

Exit codes of `run`: 0 when the run finished, or was stopped by `--max-seconds`;
1 when it failed or diverged; 2 for an unknown experiment or preset, or a parameter
value that its declaration does not allow; 130 when interrupted with Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from fflab.catalog import all_experiments, get_experiment
from fflab.experiment import Experiment, resolve_device
from fflab.params import ParamError
from fflab.runner import Run, RunSpec, Status, run_to_end
from fflab.store import RunStore, save_run

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

_BOOKKEEPING = ("step", "elapsed_s")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m fflab", description="fflab: Forward-Forward lab, headless.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser(
        "list", help="list experiments and their presets; with --params, also their parameters in full"
    )
    listing.add_argument("experiments", nargs="*", metavar="EXPERIMENT", help="only these experiments")
    listing.add_argument("--params", action="store_true", help="show each experiment's parameter table")

    run = commands.add_parser("run", help="run one experiment to the end and print its final metrics")
    run.add_argument("experiment", metavar="EXPERIMENT", help="an experiment name (see `list`)")
    run.add_argument(
        "--preset",
        default=None,
        help="a preset name (default: the experiment's default preset; '' for the declared defaults)",
    )
    run.add_argument(
        "--set",
        dest="sets",
        action="extend",
        nargs="+",
        default=[],
        metavar="PARAM=VALUE",
        help="override a parameter, e.g. --set lr=0.01 hidden=500,500 (repeatable)",
    )
    run.add_argument("--seed", type=_non_negative_int, default=0, help="random seed (default 0)")
    run.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto", help="default: auto")
    run.add_argument("--max-seconds", type=_positive_float, default=None, help="stop the run after this long")
    run.add_argument("--json", metavar="PATH", default=None, help="write a JSON summary here ('-' for stdout)")
    run.add_argument("--no-save", action="store_true", help="do not keep the run in the run store")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse already reported
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    try:
        if args.command == "list":
            return list_experiments(args.experiments, with_params=args.params, out=sys.stdout)
        return run_experiment(args)
    except ParamError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


# -- list ---------------------------------------------------------------------
def list_experiments(names: Sequence[str], with_params: bool, out: TextIO) -> int:
    classes = [get_experiment(n) for n in names] if names else list(all_experiments().values())
    if not classes:
        print("no experiments are registered", file=out)
    for index, cls in enumerate(classes):
        if index:
            print(file=out)
        print(f"{cls.name}  {cls.title}".rstrip(), file=out)
        if cls.presets:
            print("  presets:", file=out)
            width = max(len(name) for name in cls.presets)
            for name, preset in cls.presets.items():
                mark = " (default)" if name == cls.default_preset else ""
                text = preset.describe() if with_params else _first_sentence(preset.help)
                print(f"    {name:<{width}}  {text}{mark}", file=out)
        if with_params:
            print("  parameters:", file=out)
            for line in _param_table(cls):
                print(f"    {line}".rstrip(), file=out)
    return EXIT_OK


def _param_table(cls: type[Experiment]) -> list[str]:
    rows = [("name", "default", "allowed", "live", "help")]
    for p in cls.params:
        unit = f" [{p.unit}]" if p.unit else ""
        rows.append((p.name, p.to_text(p.default), p.allowed(), "yes" if p.live else "no", p.help + unit))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return ["  ".join([*(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)), row[4]]) for row in rows]


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(text.split()), maxsplit=1)[0]


# -- run ----------------------------------------------------------------------
def run_experiment(args: argparse.Namespace) -> int:
    cls = get_experiment(args.experiment)
    preset = cls.default_preset if args.preset is None else (args.preset or None)
    params = cls.resolve_params(preset, cls.params.parse_assignments(args.sets))
    device = resolve_device(args.device)
    spec = RunSpec(cls.name, params, seed=args.seed, device=device.type, preset=preset)

    progress = ProgressBar(enabled=not args.quiet)
    began = time.monotonic()
    interrupted = False
    try:
        run: Run | None = run_to_end(spec, max_seconds=args.max_seconds, on_progress=progress)
    except KeyboardInterrupt:
        interrupted = True
        run = progress.run
        if run is not None:
            run.stop()
            run.wait()
    finally:
        progress.close()
    seconds = time.monotonic() - began
    if run is None:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED

    report = sys.stderr if args.json == "-" else sys.stdout
    saved = None if args.no_save else _save(run)
    _print_outcome(run, seconds, args, saved, interrupted, report)
    if args.json:
        _write_json(args.json, summary(run, seconds))
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_RUN_FAILED if run.status in (Status.FAILED, Status.DIVERGED) else EXIT_OK


def summary(run: Run, seconds: float) -> dict[str, Any]:
    """What `--json` writes: the run's setup, wall time, status and final metrics."""
    result: dict[str, Any] = {
        "experiment": run.spec.experiment,
        "preset": run.spec.preset,
        "params": _jsonable(run.spec.params),
        "seed": run.spec.seed,
        "device": str(run.device),
        "seconds": round(seconds, 3),
        "status": run.status.value,
        "metrics": _jsonable(run.final_metrics),
    }
    if run.status in (Status.FAILED, Status.DIVERGED):
        result["error"] = run.error or run.status_note
    if run.notes:
        result["notes"] = list(run.notes)
    return result


def _save(run: Run) -> tuple[int, Path] | None:
    try:
        store = RunStore()
        stored_id = save_run(run, store)
    except Exception as exc:  # noqa: BLE001 - the run's results still get printed
        print(f"warning: the run could not be saved: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None
    return None if stored_id is None else (stored_id, store.path)


def _print_outcome(
    run: Run, seconds: float, args: argparse.Namespace, saved: tuple[int, Path] | None, interrupted: bool, out: TextIO
) -> None:
    where = f"{run.spec.experiment} (preset {run.spec.preset or 'none'}, seed {run.spec.seed}, device {run.device})"
    if run.status is Status.FAILED:
        print(f"error: the run failed: {run.error}", file=sys.stderr)
        if run.traceback and not args.quiet:
            print(run.traceback.rstrip(), file=sys.stderr)
    elif run.status is Status.DIVERGED:
        print(f"error: the run diverged: {run.status_note}", file=sys.stderr)
    elif run.status is Status.STOPPED:
        why = "by Ctrl-C" if interrupted else f"after --max-seconds {args.max_seconds:g}"
        print(f"{where}: stopped {why}, {run.progress:.0%} done, in {seconds:.1f} s", file=out)
    else:
        print(f"{where}: {run.status.value} in {seconds:.1f} s", file=out)
    if run.final_metrics:
        width = max(len(name) for name in run.final_metrics)
        for name, value in run.final_metrics.items():
            print(f"  {name:<{width}}  {_format_number(value)}", file=out)
    for note in run.notes:
        print(f"note: {note}", file=out)
    if saved is not None:
        print(f"saved as run {saved[0]} in {saved[1]}", file=out)


def _write_json(path: str, data: Mapping[str, Any]) -> None:
    text = json.dumps(data, indent=2) + "\n"
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def _jsonable(value: Any) -> Any:
    """Tuples as lists, numpy/torch scalars as numbers, NaN and infinities as null."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _format_number(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


# -- the progress bar ---------------------------------------------------------
class ProgressBar:
    """An `on_progress` callback: a tqdm bar on stderr with the status and the latest metrics.

    It also remembers the run, so that Ctrl-C can stop it.
    """

    def __init__(self, enabled: bool = True, max_metrics: int = 4):
        self.enabled = enabled
        self.max_metrics = max_metrics
        self.run: Run | None = None
        self.latest: dict[str, float] = {}
        self._cursor = 0
        self._bar: tqdm | None = None

    def __call__(self, run: Run) -> None:
        self.run = run
        if not self.enabled:
            return
        records, self._cursor = run.log.since(self._cursor)
        for record in records:
            self.latest.update(record)
        if self._bar is None:
            self._bar = tqdm(total=None, unit="step", file=sys.stderr, dynamic_ncols=True, leave=True)
        bar = self._bar
        exp = run.experiment
        if exp is not None:
            if bar.total != exp.total_steps:
                bar.total = exp.total_steps
            bar.n = exp.steps_done
        bar.set_description_str(_shorten(run.describe_status(), 40), refresh=False)
        bar.set_postfix_str(self.metrics_text(), refresh=False)
        bar.refresh()

    def metrics_text(self) -> str:
        """The latest value of a few metrics, accuracies and errors first, then losses."""
        names = [k for k in self.latest if k not in _BOOKKEEPING]
        names.sort(key=lambda k: 0 if ("acc" in k or "error" in k) else 1 if "loss" in k else 2)
        shown = [(k, self.latest[k]) for k in names[: self.max_metrics]]
        return " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in shown)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 0 up")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value
