"""The headless command line: `python -m fflab list` and `python -m fflab run EXPERIMENT`.

Exit codes of `run`: 0 when the run finished, or was stopped by `--max-seconds`;
1 when it failed or diverged; 2 for an unknown experiment or preset, or a parameter
or run setting (`--seed`, `--device`) that its declaration does not allow; 130 when
interrupted with Ctrl-C.

- `commands`: the argument parser and `main`.
- `listing`: `list`.
- `running`: `run`, its outcome and `--json` summary.
- `progress`: the progress bar.
- `flags`: flags built from a `ParamSpec` (the run settings).
"""

from fflab.cli.commands import build_parser, main
from fflab.cli.exit_codes import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_RUN_FAILED
from fflab.cli.listing import list_experiments
from fflab.cli.progress import ProgressBar
from fflab.cli.running import run_experiment, summary

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_RUN_FAILED",
    "ProgressBar",
    "build_parser",
    "list_experiments",
    "main",
    "run_experiment",
    "summary",
]
