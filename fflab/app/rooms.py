"""A page that holds several experiments (rooms): the picker, then the chosen one's teaching and lab.

The page's nav entry (`fflab.app.nav`) maps each URL slug to its experiment; the page gives the labels.
"""

from __future__ import annotations

from collections.abc import Mapping

from fflab.app.experiment_choice import choose_experiment
from fflab.app.lab import experiment_lab
from fflab.app.nav import entry
from fflab.app.teaching import show_teaching
from fflab.app.views.catalog import VIEWS
from fflab.catalog import get_experiment


def chosen_room(page: str, labels: Mapping[str, str], help: str, label: str = "Experiment") -> str:
    """Draw the picker (`labels`: URL slug -> label shown) and return the chosen experiment's name."""
    return entry(page).names[choose_experiment(page, labels, label, help)]


def show_room(name: str, sources: bool = True) -> None:
    """The experiment's teaching (its sources unless the page shows them once for all) and its live lab."""
    show_teaching(get_experiment(name), sources=sources)
    experiment_lab(name, view=VIEWS[name])
