"""A page's setup (preset, parameters, seed, baseline) and its place in the URL.

On a session's first visit the query string is read and every value checked
through the experiment's `ParamSpec`; a bad one is kept as a message (naming the
parameter and what it allows) while the widget falls back to the preset's
value, and Start stays disabled until the user fixes or dismisses it. After that
the URL follows the widgets: it holds the preset (when not the default), the
parameters that differ from the preset, and the seed, so a shared link reopens
the same setup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from fflab.catalog import get_experiment
from fflab.experiment import Experiment
from fflab.params import ParamError

SEED_MAX = 2**31 - 1
SPEEDS = {"full": 0.0, "fast": 0.01, "medium": 0.05, "slow": 0.2}
IGNORED_QUERY = {"embed", "embed_options", "exp"}  # exp: which experiment a multi-experiment page shows


@dataclass
class LabState:
    """What one page holds between reruns (kept in `st.session_state`)."""

    experiment: str
    preset: str | None
    values: dict[str, Any]
    seed: int = 0
    device: str = "auto"
    speed: str = "full"
    baseline_name: str | None = None
    baseline: bool = False
    bp_lr: float | None = None
    url_errors: dict[str, str] = field(default_factory=dict)
    url_warnings: list[str] = field(default_factory=list)
    text_errors: dict[str, str] = field(default_factory=dict)
    messages: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) shown once

    def blockers(self) -> list[str]:
        """Why Start is disabled (empty when it is not)."""
        return list(self.url_errors.values()) + list(self.text_errors.values())


def preset_values(exp_cls: type[Experiment], preset: str | None) -> dict[str, Any]:
    return exp_cls.resolve_params(preset)


def _baseline_lr_param(baseline_name: str | None):
    if not baseline_name:
        return None
    spec = get_experiment(baseline_name).params
    return spec["lr"] if "lr" in spec else None


def initial_state(
    exp_cls: type[Experiment], query: Mapping[str, str], baseline_name: str | None = None
) -> LabState:
    """The page's state on a first visit: preset values overlaid with what the URL asks for."""
    errors: dict[str, str] = {}
    warnings: list[str] = []
    preset = exp_cls.default_preset
    raw_preset = query.get("preset")
    if raw_preset is not None:
        if raw_preset in exp_cls.presets:
            preset = raw_preset
        else:
            errors["preset"] = str(ParamError("preset", f"{raw_preset!r} is not one of {', '.join(exp_cls.presets)}"))
    values = preset_values(exp_cls, preset)
    lab = LabState(exp_cls.name, preset, values, baseline_name=baseline_name)
    bp_lr_param = _baseline_lr_param(baseline_name)
    for name, raw in query.items():
        if name in ("preset", *IGNORED_QUERY):
            continue
        try:
            if name == "seed":
                lab.seed = _parse_seed(raw)
            elif name == "baseline" and baseline_name:
                lab.baseline = _parse_bool(name, raw)
            elif name == "bp_lr" and bp_lr_param is not None:
                lab.bp_lr = bp_lr_param.parse(raw)
            elif name in exp_cls.params:
                lab.values = exp_cls.params.resolve({name: raw}, base=lab.values)
            else:
                warnings.append(f"Ignored the URL parameter {name!r}: {exp_cls.name} has no such parameter.")
        except ParamError as exc:
            errors[name] = f"{exc}" if name in exp_cls.params else f"{name}: {exc.reason}"
    lab.url_errors, lab.url_warnings = errors, warnings
    return lab


def _parse_seed(raw: str) -> int:
    text = str(raw).strip()
    try:
        value = float(text)
    except ValueError:
        raise ParamError("seed", f"{text!r} is not a whole number from 0 to {SEED_MAX}") from None
    if not value.is_integer() or not 0 <= value <= SEED_MAX:
        raise ParamError("seed", f"{text} is out of range; allowed: a whole number from 0 to {SEED_MAX}")
    return int(value)


def _parse_bool(name: str, raw: str) -> bool:
    lowered = str(raw).strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ParamError(name, f"{raw!r} is not true or false")


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
    if lab.seed:
        query["seed"] = str(lab.seed)
    if lab.baseline:
        query["baseline"] = "true"
        if lab.bp_lr is not None:
            query["bp_lr"] = repr(float(lab.bp_lr))
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
