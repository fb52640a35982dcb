"""The experiment contract; it knows no experiment (the catalog lists them).

An experiment is a class with a `ParamSpec`, named presets, and the methods the
runner calls: `advance()` (one unit of work, counted; subclasses write it as `step()`),
`snapshot()` (arrays a plot needs), `evaluate()` (held-out figures),
`update()` (live parameter changes), `final_metrics()`, `features()` (for a linear
probe), and `state_dict()`/`load_state_dict()`. A seed fixes everything.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np
import torch

from fflab.params import ParamError, ParamSpec


@dataclass(frozen=True)
class Preset:
    name: str
    values: Mapping[str, Any]
    help: str
    source: str = ""
    published: str = ""
    measured: str = ""

    def describe(self) -> str:
        parts = [self.help]
        if self.source:
            parts.append(f"Source: {self.source}.")
        if self.published:
            parts.append(f"Published: {self.published}.")
        if self.measured:
            parts.append(f"fflab measured: {self.measured}.")
        return " ".join(parts)


@dataclass(frozen=True)
class Paper:
    """A published source, cited once (in its family's `text.py`); `cite()` is its markdown reference."""

    authors: str  # as printed: "G. Hinton", "I. Schlag, K. Irie, J. Schmidhuber"
    year: int
    title: str
    venue: str = ""  # journal, volume and pages, or conference; "" for a preprint
    url: str = ""  # an arXiv abstract or a DOI link shows as arXiv:<id> or doi:<doi>

    def cite(self) -> str:
        parts = [f"{self.authors} ({self.year}), *{self.title}*"]
        if self.venue:
            parts.append(self.venue)
        if self.url:
            parts.append(f"[{self.link_text}]({self.url})")
        return ", ".join(parts)

    @property
    def link_text(self) -> str:
        for prefix, shown in (("https://arxiv.org/abs/", "arXiv:"), ("https://doi.org/", "doi:")):
            if self.url.startswith(prefix):
                return shown + self.url[len(prefix):]
        return self.url.split("://", 1)[-1]

    @property
    def short(self) -> str:
        """`Hinton (2022)`, `Lee & Song (2023)`, `Chen et al. (2025)`: for presets and docstrings."""
        surnames = [author.split()[-1] for author in self.authors.split(", ")]
        named = " & ".join(surnames) if len(surnames) <= 2 else f"{surnames[0]} et al."
        return f"{named} ({self.year})"


@dataclass(frozen=True)
class Teaching:
    """What a page says about an experiment: what it does, what to watch, its sources, the longer story.

    `sources` are `Paper`s or markdown strings (a repository, a study). `cite_as` is the sources caption
    as a template, `{0}`, `{1}`, ... standing for the sources' citations in order; left empty it reads
    `Source: {0}.` (or `Sources: {0}; {1}.`). `more` is markdown for an expander titled `more_title`;
    `fidelity` (an expander titled `fidelity_title`) says what fflab chose where the sources leave room, or
    how it differs from them.
    """

    what: str
    watch: str
    sources: tuple[Paper | str, ...]
    cite_as: str = ""
    more_title: str = "More on how it works, and what to try"
    more: str = ""
    fidelity: str = ""
    fidelity_title: str = "What fflab chose, where its sources leave room"

    def text(self) -> str:
        """What it does, then what to watch for in the live plots (markdown)."""
        return f"{self.what}\n\n**Watch:** {self.watch}"

    def caption(self) -> str:
        cites = [source.cite() if isinstance(source, Paper) else source for source in self.sources]
        if self.cite_as:
            return self.cite_as.format(*cites)
        return ("Source: " if len(cites) == 1 else "Sources: ") + "; ".join(cites) + "."


class Experiment:
    """Base class. Subclasses set the class attributes and implement `step`."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    params: ClassVar[ParamSpec] = ParamSpec([])
    presets: ClassVar[dict[str, Preset]] = {}
    default_preset: ClassVar[str | None] = None
    teaching: ClassVar[Teaching | None] = None  # the page's text, from the family's `text.py`
    # Small models run fastest on one thread: a parallel region costs more than it saves, and far
    # more when the cores are busy. None: as many as the run's share of the cores.
    max_threads: ClassVar[int | None] = None
    # The one final metric that sums a run up (Home and the Runs page): a name, or the base of several
    # (`test_accuracy` of a race: its best contestant's); `headline_lower_is_better` for losses and errors.
    headline: ClassVar[str] = "test_accuracy"
    headline_lower_is_better: ClassVar[bool] = False

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        self.p: dict[str, Any] = dict(params)
        self.seed = int(seed)
        self.device = torch.device(device)
        self.steps_done = 0
        self.notes: list[str] = []
        self.adjusted: dict[str, Any] = {}  # parameters the experiment changed itself (to follow a fallback)
        seed_everything(self.seed)

    @classmethod
    def estimated_bytes(cls, params: Mapping[str, Any]) -> float | None:
        """About the peak memory a run with these parameters needs (None: not estimated); see `memory_budget`."""
        return None

    memory_knobs: ClassVar[str] = "the sizes"  # what to lower when a run is over the memory budget

    def adjust(self, name: str, value: Any) -> None:
        """Change a parameter from inside (the run's stored parameters follow), e.g. to suit a fallback dataset."""
        self.p[name] = value
        self.adjusted[name] = value

    # -- the contract --------------------------------------------------------
    @property
    def total_steps(self) -> int:
        raise NotImplementedError

    @property
    def done(self) -> bool:
        return self.steps_done >= self.total_steps

    @property
    def step_number(self) -> int:
        """The 1-based number of the step `step()` is taking (or that `advance()` will take next)."""
        return self.steps_done + 1

    def advance(self) -> dict[str, float]:
        """Do one unit of work and count it: the one way the runner, composite experiments and tests step."""
        metrics = self.step()
        self.steps_done += 1
        return metrics

    def step(self) -> dict[str, float]:
        """One unit of work (a batch, a few episodes), returning scalar metrics; call it through `advance()`."""
        raise NotImplementedError

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """What a linear probe reads of these images (one row each); for experiments that learn features."""
        raise NotImplementedError(f"{type(self).__name__} has no features for a linear probe")

    def snapshot(self) -> object | None:
        """The heavy state a plot needs, as the experiment's own frozen dataclass; None when it has none."""
        return None

    def evaluate(self) -> dict[str, float]:
        return {}

    def final_metrics(self) -> dict[str, float]:
        return self.evaluate()

    def update(self, **changes: Any) -> None:
        """Change live parameters; anything else is refused with a clear message (ParamError)."""
        self.apply_live(self.params.validate_live(changes))

    def apply_live(self, valid_changes: Mapping[str, Any]) -> None:
        """Apply live changes already checked by `params.validate_live` (the runner checks them when sent)."""
        self.p.update(valid_changes)
        self.on_update(valid_changes)

    def on_update(self, changes: Mapping[str, Any]) -> None:
        """Hook for subclasses that must act on a live change (e.g. set an optimiser's lr)."""

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {}

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        pass

    # -- helpers -------------------------------------------------------------
    @classmethod
    def resolve_params(cls, preset: str | None = None, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        base: Mapping[str, Any] = {}
        if preset:
            if preset not in cls.presets:
                raise ParamError("preset", f"{preset!r} is not one of {', '.join(cls.presets) or '(none)'}")
            base = cls.presets[preset].values
        return cls.params.resolve(overrides, base=base)


class HasState(Protocol):
    def state_dict(self) -> Mapping[str, torch.Tensor]: ...
    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> Any: ...


def state_of_parts(parts: Mapping[str, HasState | None]) -> dict[str, torch.Tensor]:
    """One state dict of several parts (modules or member experiments), each key prefixed `<part>.`."""
    return {f"{name}.{k}": v for name, part in parts.items() if part is not None
            for k, v in part.state_dict().items()}


def load_state_of_parts(parts: Mapping[str, HasState | None], state: Mapping[str, torch.Tensor]) -> None:
    """The inverse of `state_of_parts`: each part gets the keys under its prefix, the prefix removed."""
    for name, part in parts.items():
        if part is not None:
            prefix = f"{name}."
            part.load_state_dict({k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)})


_reporter = threading.local()


def set_status_reporter(report: Callable[[str], None] | None) -> None:
    """The runner's hook, per thread, for what an experiment is doing before it can step."""
    _reporter.report = report


def report_status(text: str) -> None:
    """Tell whoever runs this experiment what it is doing (e.g. downloading MNIST, 40%)."""
    report = getattr(_reporter, "report", None)
    if report is not None:
        report(text)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
