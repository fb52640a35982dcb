"""A page's setup (preset, parameters, seed, baseline) and its place in the URL.

On a session's first visit the query string is read and every value checked
through its declaration (the experiment's `ParamSpec`, the run settings'
`RUN_PARAMS` for the seed, `BASELINE` for the baseline toggle); a bad one is kept as a message (naming the
parameter and what it allows) while the widget falls back to the preset's
value, and Start stays disabled until the user fixes or dismisses it. After that
the URL follows the widgets: it holds the preset (when not the default), the
parameters that differ from the preset, and the seed, so a shared link reopens
the same setup, and `run`, the key of the page's last runs, so a reload or a
shared link shows them again (live, or as saved).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from fflab.catalog import get_experiment
from fflab.experiment import Experiment
from fflab.params import Param, ParamError, quoted
from fflab.run_settings import RUN_PARAMS, URL_SETTINGS

BASELINE = Param(
    "baseline",
    "bool",
    False,
    "Also train the same net end to end with backprop (same shared parameters, data and seed), to compare "
    "accuracy against samples seen.",
)
RUN_QUERY = "run"
RUN_KEY = re.compile(r"[0-9a-f]{1,32}")
IGNORED_QUERY = {"embed", "embed_options", "exp"}  # exp: which experiment a multi-experiment page shows
NAMES_LISTED = 10  # unknown URL parameters named in the one message about them


@dataclass
class LabState:
    """What one page holds between reruns (kept in `st.session_state`)."""

    experiment: str
    preset: str | None
    values: dict[str, Any]
    seed: int = RUN_PARAMS["seed"].default
    device: str = RUN_PARAMS["device"].default
    speed: str = RUN_PARAMS["speed"].default
    baseline_name: str | None = None
    baseline: bool = BASELINE.default
    bp_lr: float | None = None
    url_errors: dict[str, str] = field(default_factory=dict)
    url_warnings: list[str] = field(default_factory=list)
    text_errors: dict[str, str] = field(default_factory=dict)
    messages: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) shown once
    run_key: str | None = None  # the key of the page's runs (`?run=`): a reload or a shared link reattaches
    attach_pending: bool = False  # the URL named a run that this session has not looked up yet

    def blockers(self) -> list[str]:
        """Why Start is disabled (empty when it is not)."""
        return list(self.url_errors.values()) + list(self.text_errors.values())


def preset_values(exp_cls: type[Experiment], preset: str | None) -> dict[str, Any]:
    return exp_cls.resolve_params(preset)


def _baseline_lr_param(baseline_name: str | None) -> Param | None:
    if not baseline_name:
        return None
    spec = get_experiment(baseline_name).params
    return spec["lr"] if "lr" in spec else None


def initial_state(
    exp_cls: type[Experiment], query: Mapping[str, str], baseline_name: str | None = None
) -> LabState:
    """The page's state on a first visit: preset values overlaid with what the URL asks for."""
    errors: dict[str, str] = {}
    unknown: list[str] = []
    preset = exp_cls.default_preset
    raw_preset = query.get("preset")
    if raw_preset is not None:
        if raw_preset in exp_cls.presets:
            preset = raw_preset
        else:
            errors["preset"] = str(ParamError("preset", f"{quoted(raw_preset)} is not one of {', '.join(exp_cls.presets)}"))
    values = preset_values(exp_cls, preset)
    lab = LabState(exp_cls.name, preset, values, baseline_name=baseline_name)
    bp_lr_param = _baseline_lr_param(baseline_name)
    for name, raw in query.items():
        if name in ("preset", *IGNORED_QUERY):
            continue
        if name == RUN_QUERY:
            if RUN_KEY.fullmatch(raw):
                lab.run_key, lab.attach_pending = raw, True
            else:
                lab.url_warnings.append(f"Ignored run={quoted(raw)}: a run key is a saved run's number or "
                                        f"the letters and digits a page puts there.")
            continue
        try:
            if name in URL_SETTINGS:
                setattr(lab, name, RUN_PARAMS[name].parse(raw))
            elif name == BASELINE.name and baseline_name:
                lab.baseline = BASELINE.parse(raw)
            elif name == "bp_lr" and bp_lr_param is not None:
                lab.bp_lr = bp_lr_param.parse(raw)
            elif name in exp_cls.params:
                lab.values = exp_cls.params.resolve({name: raw}, base=lab.values)
            else:
                unknown.append(name)
        except ParamError as exc:
            errors[name] = f"{exc}" if name in exp_cls.params else f"{name}: {exc.reason}"
    lab.url_errors = errors
    lab.url_warnings += _unknown_warnings(exp_cls.name, unknown)
    return lab


def _unknown_warnings(experiment: str, names: list[str]) -> list[str]:
    """One message for all the URL parameters the experiment does not have, each name quoted and cut."""
    if not names:
        return []
    if len(names) == 1:
        return [f"Ignored the URL parameter {quoted(names[0])}: {experiment} has no such parameter."]
    listed = ", ".join(quoted(name) for name in names[:NAMES_LISTED])
    more = f" and {len(names) - NAMES_LISTED} more" if len(names) > NAMES_LISTED else ""
    return [f"Ignored {len(names)} URL parameters that {experiment} does not have: {listed}{more}."]


def query_for(exp_cls: type[Experiment], lab: LabState) -> dict[str, str]:
    """The query string for this setup: preset, parameters that differ from it, seed, baseline."""
    query: dict[str, str] = {}
    if lab.preset and lab.preset != exp_cls.default_preset:
        query["preset"] = lab.preset
    base = preset_values(exp_cls, lab.preset)
    for param in exp_cls.params:
        value = lab.values.get(param.name, base[param.name])
        if value != base[param.name]:
            query[param.name] = param.to_text(value)
    query.update(RUN_PARAMS.to_query({name: getattr(lab, name) for name in URL_SETTINGS}))
    if lab.baseline:
        query[BASELINE.name] = BASELINE.to_text(lab.baseline)
        bp_lr_param = _baseline_lr_param(lab.baseline_name)
        if lab.bp_lr is not None and bp_lr_param is not None:
            query["bp_lr"] = bp_lr_param.to_text(lab.bp_lr)
    if lab.run_key:
        query[RUN_QUERY] = lab.run_key
    return query


def get_lab(exp_cls: type[Experiment], baseline_name: str | None = None) -> LabState:
    """This session's state for the page, read from the URL on the first visit."""
    key = f"{exp_cls.name}.lab"
    if key not in st.session_state:
        st.session_state[key] = initial_state(exp_cls, st.query_params.to_dict(), baseline_name)
    return st.session_state[key]


def sync_url(exp_cls: type[Experiment], lab: LabState) -> None:
    """Rewrite the query string when the setup has changed."""
    wanted = query_for(exp_cls, lab)
    current = {k: v for k, v in st.query_params.to_dict().items() if k not in IGNORED_QUERY}
    if current != wanted:
        kept = {k: v for k, v in st.query_params.to_dict().items() if k in IGNORED_QUERY}
        st.query_params.from_dict({**kept, **wanted})
