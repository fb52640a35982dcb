"""The argument parser of `python -m fflab` and `main`, which dispatches to `list` and `run`."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

from fflab.cli.exit_codes import EXIT_BAD_INPUT
from fflab.cli.flags import add_declared_flags
from fflab.cli.listing import list_experiments
from fflab.cli.running import run_experiment
from fflab.env_settings import SettingError
from fflab.params import ParamError
from fflab.run_settings import CLI_SETTINGS, RUN_PARAMS


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
    add_declared_flags(run, RUN_PARAMS, CLI_SETTINGS)  # --seed, --device
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
    except (ParamError, SettingError) as exc:  # SettingError: an environment variable, named
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value
