"""`python -m fflab run EXPERIMENT`: run to the end with a progress bar, print and save the outcome."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from fflab.catalog import get_experiment
from fflab.cli.exit_codes import EXIT_INTERRUPTED, EXIT_OK, EXIT_RUN_FAILED
from fflab.cli.flags import declared_values
from fflab.cli.progress import ProgressBar
from fflab.run_settings import CLI_SETTINGS, RUN_PARAMS, resolve_device
from fflab.runner import Run, RunSpec, Status, run_to_end
from fflab.store import RunStore, save_run


def run_experiment(args: argparse.Namespace) -> int:
    """Run what `args` asks for; the exit code (ParamError for input its declarations do not allow)."""
    settings = declared_values(args, RUN_PARAMS, CLI_SETTINGS)
    cls = get_experiment(args.experiment)
    preset = cls.default_preset if args.preset is None else (args.preset or None)
    params = cls.resolve_params(preset, cls.params.parse_assignments(args.sets))
    device = resolve_device(settings["device"])
    spec = RunSpec(cls.name, params, seed=settings["seed"], device=device.type, preset=preset)

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
    if run.warnings:
        result["warnings"] = list(run.warnings)
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
    for warning in run.warnings:
        print(f"warning: {warning}", file=sys.stderr)
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
