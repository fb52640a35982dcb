"""`python -m fflab list`: experiments, their presets and, with `--params`, their parameter tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TextIO

from fflab.catalog import all_experiments, get_experiment
from fflab.cli.exit_codes import EXIT_OK
from fflab.experiment import Experiment


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
    """One row per parameter, by group (as the page's sidebar shows them); the help says when one has no effect."""
    rows = [("name", "group", "default", "allowed", "live", "help")]
    for _, params in cls.params.grouped():
        for p in params:
            unit = f" [{p.unit}]" if p.unit else ""
            when = "".join(f" ({condition.describe()})" for condition in p.conditions)
            rows.append((p.name, p.group or "-", p.to_text(p.default), p.allowed(), "yes" if p.live else "no",
                         p.help + unit + when))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return ["  ".join([*(cell.ljust(w) for cell, w in zip(row[:5], widths, strict=True)), row[5]]) for row in rows]


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(text.split()), maxsplit=1)[0]
