"""Command-line flags built from a `ParamSpec` declaration (the run settings' `--seed`, `--device`).

The flags take text; the declaration parses and checks it after argparse, so a bad
value gives the same message (naming the setting and what it allows) as in a URL.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from fflab.params import ParamSpec


def add_declared_flags(parser: argparse.ArgumentParser, spec: ParamSpec, names: Sequence[str]) -> None:
    """One `--NAME` flag per named parameter, with its help, allowed values and default from `spec`."""
    for name in names:
        param = spec[name]
        metavar = "{" + ",".join(str(c) for c in param.choices) + "}" if param.kind == "choice" else name.upper()
        parser.add_argument(
            f"--{name}", dest=name, default=None, metavar=metavar, help=param.describe().replace("%", "%%")
        )


def declared_values(args: argparse.Namespace, spec: ParamSpec, names: Sequence[str]) -> dict[str, Any]:
    """The named flags' values, parsed by `spec` (defaults where not given); ParamError names the flag."""
    return {
        name: spec[name].default if getattr(args, name) is None else spec[name].parse(getattr(args, name))
        for name in names
    }
