"""Widgets built from a `ParamSpec`: one per parameter, label = its name, help = `describe()`.

Numbers with a small range get a slider; other numbers and lists a text box,
parsed by `Param.parse` exactly as the URL and the CLI are (a refused value gets
their message under the box and blocks Start; nothing is clamped or coerced);
choices a select box; booleans a toggle. Parameters come in their declared
groups; those that have no effect with the current values (their `applies`
condition fails) are greyed in a closed "not used" section with the reason.
Help gives the preset's value beside the default. Parameters that cannot change
while a run is going are disabled then; live ones are sent to the running runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from fflab.app.plain_text import plain
from fflab.param_conditions import UNGROUPED_TITLE
from fflab.params import Param, ParamError, ParamSpec

LiveChange = Callable[[str, Any], None]
NOT_USED_TITLE = "Not used with these settings"


def widget_key(experiment: str, name: str) -> str:
    return f"{experiment}.param.{name}"


def uses_slider(param: Param) -> bool:
    """Sliders for small linear ranges; text boxes for large or logarithmic ones."""
    if param.kind not in ("int", "float") or param.low is None or param.high is None or param.log:
        return False
    span = param.high - param.low
    return span <= 200 if param.kind == "int" else span <= 10


def uses_text_box(param: Param) -> bool:
    """Lists and numbers without a slider are typed, then parsed like URL and CLI text."""
    return param.kind == "int_list" or (param.kind in ("int", "float") and not uses_slider(param))


def _slider_step(param: Param) -> float:
    if param.step:
        return param.step
    return 10.0 ** (math.floor(math.log10(param.high - param.low)) - 3)


def help_text(param: Param, preset: tuple[str, Any] | None = None) -> str:
    """`describe()` (with the preset's value, `(preset name, value)`, when it sets one) and each choice's help."""
    text = param.describe(preset)
    if param.choice_help:
        lines = [f"- `{choice}`: {param.choice_help[choice]}" for choice in param.choices if choice in param.choice_help]
        text += "\n\n" + "\n".join(lines)
    return text


def to_widget(param: Param, value: Any) -> Any:
    """A canonical value as its widget holds it."""
    if uses_text_box(param):
        return param.to_text(value)
    if param.kind == "choice_list":
        return list(value)
    if param.kind == "float":
        return float(value)
    return value


def from_widget(param: Param, raw: Any) -> Any:
    """A widget's value as a canonical one (raises ParamError)."""
    if uses_text_box(param):
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
    preset_name: str | None = None,
    preset_sets: Mapping[str, Any] | None = None,
) -> None:
    """Draw every parameter's widget, by group; `values` and `text_errors` are kept up to date in place.

    `preset_sets`: the values the chosen preset (`preset_name`) sets, for the help texts.
    """
    inactive = spec.inactive(values)
    sections = spec.grouped()
    titled = [title for title, _ in sections] != [UNGROUPED_TITLE]
    not_used: list[Param] = []
    draw = _drawer(experiment, values, text_errors, locked, on_change, on_live_change, preset_name, preset_sets or {})
    for title, params in sections:
        shown = [p for p in params if p.name not in inactive or p.name in text_errors]  # an error stays in reach
        not_used += [p for p in params if p not in shown]
        if shown and titled:
            st.markdown(f"**{title}**")
        for param in shown:
            draw(param, inactive.get(param.name))
    if not_used:
        with st.expander(f"{NOT_USED_TITLE} ({len(not_used)})"):
            for param in not_used:
                draw(param, inactive[param.name])


def _drawer(experiment: str, values: dict[str, Any], text_errors: dict[str, str], locked: bool,
            on_change: Callable[[str], None], on_live_change: LiveChange, preset_name: str | None,
            preset_sets: Mapping[str, Any]) -> Callable[[Param, str | None], None]:
    def draw(param: Param, not_used_because: str | None) -> None:
        key = widget_key(experiment, param.name)
        if key not in st.session_state:  # first draw, or back from another page
            st.session_state[key] = to_widget(param, values[param.name])
        preset = (preset_name, preset_sets[param.name]) if preset_name and param.name in preset_sets else None
        error = text_errors.get(param.name)
        disabled = (locked and not param.live) or (not_used_because is not None and error is None)
        _widget(param, key, help_text(param, preset), disabled,
                callback=_changed, args=(param, key, values, text_errors, on_change, on_live_change))
        if not_used_because is not None:
            st.caption(plain(f"Not used: {not_used_because}."))
        if error is not None:
            st.error(plain(error))

    return draw


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


def _widget(param: Param, key: str, help: str, disabled: bool, callback: Callable[..., None], args: tuple) -> Any:
    common: dict[str, Any] = dict(key=key, help=help, disabled=disabled, on_change=callback, args=args)
    label = param.name
    if param.kind == "bool":
        return st.toggle(label, **common)
    if param.kind == "choice":
        return st.selectbox(label, options=list(param.choices), **common)
    if param.kind == "choice_list":
        return st.multiselect(label, options=list(param.choices), **common)
    if uses_text_box(param):
        return st.text_input(label, placeholder="e.g. " + param.to_text(param.default), **common)
    if param.kind == "int":
        return st.slider(label, int(param.low), int(param.high), step=int(param.step or 1), **common)
    return st.slider(label, float(param.low), float(param.high), step=_slider_step(param), format="%g", **common)
