"""The one list of experiments, by name: what the CLI, the runner and the pages offer.

Like a plugin listing, this module imports the experiment packages; the contract
(`fflab.experiment`) never does. A test may add a fake with `add_experiment`.
"""

from __future__ import annotations

from fflab.experiment import Experiment
from fflab.families import FAMILY_EXPERIMENTS, member
from fflab.ff.negatives.race import NegativeRace
from fflab.params import ParamError
from fflab.studies.collab import CollabSweep
from fflab.studies.continual.experiment import Continual
from fflab.studies.continual.text_stream import ContinualText
from fflab.studies.efficiency.experiment import Efficiency
from fflab.studies.text_layers.experiment import TextLayers
from fflab.studies.transfer import Transfer

EXPERIMENTS: dict[str, type[Experiment]] = {cls.name: cls for cls in (
    member("ff"), member("bp"), NegativeRace, CollabSweep, member("cwc"), member("dff"), member("scff"), Transfer,
    Efficiency, Continual, ContinualText, member("ff-text"), TextLayers, member("fastweights-delay"), member("fastweights-kv"), member("srwm"), member("chunker-22"),
    member("chunker-deep"),
    member("nca"),
)}
assert set(EXPERIMENTS) >= {cls.name for cls in FAMILY_EXPERIMENTS}, "a family experiment is missing from the list"
_added: dict[str, type[Experiment]] = {}


def get_experiment(name: str) -> type[Experiment]:
    cls = _added.get(name) or EXPERIMENTS.get(name)
    if cls is None:
        raise ParamError("experiment", f"{name!r} is not one of {', '.join(sorted(all_experiments()))}")
    return cls


def all_experiments() -> dict[str, type[Experiment]]:
    return {**EXPERIMENTS, **_added}


def add_experiment(cls: type[Experiment]) -> None:
    """For tests: offer an extra experiment (a fake) under its name until `remove_experiment`."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    _added[cls.name] = cls


def remove_experiment(name: str) -> None:
    _added.pop(name, None)
