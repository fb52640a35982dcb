"""Widgets built from a `ParamSpec`: one per parameter, label = its name, help = `describe()`.

Numbers with a small range get a slider, large or logarithmic ranges a number
box; choices a select box; booleans a toggle; lists a text box parsed by
`Param.parse` with the error shown under it. Parameters that cannot change while
a run is going are disabled then; live ones are sent to the running runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import streamlit as st

from fflab.params import Param, ParamError, ParamSpec

LiveChange = Callable[[str, Any], None]


def widget_key(experiment: str, name: str) -> str:
    return f"{experiment}.param.{name}"


def uses_slider(param: Param) -> bool:
    """Sliders for small linear ranges; number boxes for large or logarithmic ones."""
    if param.kind not in ("int", "float") or param.low is None or param.high is None or param.log:
        return False
    span = param.high - param.low
    return span <= 200 if param.kind == "int" else span <= 10


def _slider_step(param: Param) -> float:
    if param.step:
        return param.step
    return 10.0 ** (math.floor(math.log10(param.high - param.low)) - 3)


def _box_step(param: Param) -> int | float:
    if param.step:
        return param.step
    magnitude = math.floor(math.log10(abs(param.default))) if param.default else 0
    if param.kind == "int":
        return int(max(1, 10 ** (magnitude - 1)))
    return 10.0 ** (magnitude - 1)


def help_text(param: Param) -> str:
    text = param.describe()
    if param.choice_help:
        lines = [f"- `{choice}`: {param.choice_help[choice]}" for choice in param.choices if choice in param.choice_help]
        text += "\n\n" + "\n".join(lines)
    return text


def to_widget(param: Param, value: Any) -> Any:
    """A canonical value as its widget holds it."""
    if param.kind == "int_list":
        return param.to_text(value)
    if param.kind == "choice_list":
        return list(value)
    if param.kind == "float":
        return float(value)
    return value


def from_widget(param: Param, raw: Any) -> Any:
    """A widget's value as a canonical one (raises ParamError)."""
    if param.kind == "int_list":
        return param.parse(raw)
    if param.kind == "choice_list":
        return param.validate(tuple(raw))
    return param.validate(raw)


def load_values(experiment: str, spec: ParamSpec, values: dict[str, Any]) -> None:
    """Put values into the widgets (before they are drawn, or from a callback)."""
    for param in spec:
        st.session_state[widget_key(experiment, param.name)] = to_widget(param, values[param.name])


def render_param_panel(
    experiment: str,
    spec: ParamSpec,
    values: dict[str, Any],
    text_errors: dict[str, str],
    locked: bool,
    on_change: Callable[[str], None],
    on_live_change: LiveChange,
) -> None:
    """Draw every parameter's widget; `values` and `text_errors` are kept up to date in place."""
    for param in spec:
        key = widget_key(experiment, param.name)
        if key not in st.session_state:  # first draw, or back from another page
            st.session_state[key] = to_widget(param, values[param.name])
        _widget(param, key, disabled=locked and not param.live,
                callback=_changed, args=(param, key, values, text_errors, on_change, on_live_change))
        if param.name in text_errors:
            st.error(text_errors[param.name])


def _changed(param: Param, key: str, values: dict[str, Any], text_errors: dict[str, str],
             on_change: Callable[[str], None], on_live_change: LiveChange) -> None:
    on_change(param.name)
    try:
        value = from_widget(param, st.session_state[key])
    except ParamError as exc:
        text_errors[param.name] = str(exc)
        return
    text_errors.pop(param.name, None)
    values[param.name] = value
    if param.live:
        on_live_change(param.name, value)


def _widget(param: Param, key: str, disabled: bool, callback: Callable[..., None], args: tuple) -> Any:
    common: dict[str, Any] = dict(key=key, help=help_text(param), disabled=disabled, on_change=callback, args=args)
    label = param.name
    if param.kind == "bool":
        return st.toggle(label, **common)
    if param.kind == "choice":
        return st.selectbox(label, options=list(param.choices), **common)
    if param.kind == "choice_list":
        return st.multiselect(label, options=list(param.choices), **common)
    if param.kind == "int_list":
        return st.text_input(label, placeholder="e.g. " + param.to_text(param.default), **common)
    if uses_slider(param):
        if param.kind == "int":
            return st.slider(label, int(param.low), int(param.high), step=int(param.step or 1), **common)
        return st.slider(label, float(param.low), float(param.high), step=_slider_step(param), format="%g", **common)
    low = None if param.low is None else (int(param.low) if param.kind == "int" else float(param.low))
    high = None if param.high is None else (int(param.high) if param.kind == "int" else float(param.high))
    if param.kind == "int":
        return st.number_input(label, min_value=low, max_value=high, step=int(_box_step(param)), **common)
    return st.number_input(label, min_value=low, max_value=high, step=float(_box_step(param)), format="%g", **common)
