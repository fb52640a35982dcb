"""A page's `?run=KEY`: show the runs it names, still training (any session's) or as saved.

Looked up once per session and page, before the sidebar is drawn, so the sidebar
shows the run's own settings: "start again with these settings" is one press of
Start.
"""

from __future__ import annotations

from typing import Any

from fflab.app.engine import Engine, live_group
from fflab.app.param_panel import load_values
from fflab.app.url_state import LabState
from fflab.catalog import get_experiment
from fflab.params import quoted


def reattach(engine: Engine, lab: LabState) -> None:
    if not lab.attach_pending:
        return
    lab.attach_pending = False
    key = lab.run_key or ""
    live: dict[str, Any] = live_group(key)
    runs: dict[str, Any] | None = live
    if not live or all(run.status.terminal for run in live.values()):  # ended: the store has it all
        runs = _stored(key, lab, quiet=bool(live)) or live  # (a failed run is not stored: show it as it ended)
        if not runs:
            return
    wanted = {lab.experiment, *([lab.baseline_name] if lab.baseline_name else [])}
    runs = {role: run for role, run in runs.items() if role in wanted}
    if not runs:
        lab.messages.append(("error", f"Run {quoted(key)} is not a run of {get_experiment(lab.experiment).title}."))
        lab.run_key = None
        return
    main = runs.get(lab.experiment) or next(iter(runs.values()))
    _take_settings(lab, main, baseline=lab.baseline_name in runs)
    engine.adopt(runs)


def _stored(key: str, lab: LabState, quiet: bool = False) -> dict[str, Any] | None:
    try:
        from fflab.store import RunStore
        from fflab.store.reopen import reopen_group

        runs = reopen_group(RunStore(), key)
    except KeyError:
        runs = {}
    except Exception as exc:  # a broken store must not take the page down
        lab.messages.append(("error", f"Could not read run {quoted(key)} from the store: {type(exc).__name__}: {exc}"))
        lab.run_key = None
        return None
    if not runs and quiet:
        return None
    if not runs:
        lab.messages.append(("error", f"Run {quoted(key)} is not training and is not among the saved runs (runs "
                                      f"that failed are not saved). Choose settings and press Start."))
        lab.run_key = None
        return None
    return runs


def _take_settings(lab: LabState, run: Any, baseline: bool) -> None:
    """The sidebar shows the run's preset, parameters and seed (a stored run may predate a parameter)."""
    exp_cls = get_experiment(lab.experiment)
    if run.spec.experiment != lab.experiment:
        lab.baseline = baseline
        return
    known = {name: value for name, value in run.spec.params.items() if name in exp_cls.params}
    lab.preset = run.spec.preset if run.spec.preset in exp_cls.presets else lab.preset
    lab.values = exp_cls.params.resolve(known, base=exp_cls.resolve_params(lab.preset))
    lab.seed = run.spec.seed
    lab.baseline = baseline
    lab.url_errors.clear()
    load_values(exp_cls.name, exp_cls.params, lab.values)
