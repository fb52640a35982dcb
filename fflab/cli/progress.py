"""The progress bar of `python -m fflab run`: a tqdm bar on stderr with the status and latest metrics."""

from __future__ import annotations

import sys

from tqdm import tqdm

from fflab.runner import Run

_BOOKKEEPING = ("step", "elapsed_s")


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
