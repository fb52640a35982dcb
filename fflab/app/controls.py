"""Run controls: Start, Pause, Resume, Step, Stop, Reset, speed, seed, device, backprop baseline.

Every button acts on all of the page's runs (the experiment and, when the
"backprop baseline" toggle is on, a `bp` run with the shared parameters and
the same seed). Buttons act through callbacks, so the page drawn after a click
already shows the new state. The seed, device and speed widgets take their
ranges, choices and help from the run settings' declaration (`RUN_PARAMS`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st
import torch

from fflab.app.engine import Engine
from fflab.app.param_panel import help_text
from fflab.app.plain_text import plain
from fflab.app.url_state import BASELINE, LabState
from fflab.catalog import get_experiment
from fflab.env_settings import SettingError
from fflab.params import Param, ParamError
from fflab.run_settings import RUN_PARAMS, speed_delay_s
from fflab.runner import RunSpec, Status


def roles(lab: LabState) -> list[str]:
    return [lab.experiment] + ([lab.baseline_name] if lab.baseline_name else [])


def page_signature(engine: Engine, lab: LabState) -> tuple:
    """What the page outside the live fragment depends on: which runs there are and whether one is going (the
    sidebar locks), and the run settings (the URL); the fragment reruns the page when this changes."""
    runs = tuple((role, run.id) for role, run in engine.items(roles(lab)))
    return runs, engine.any_live(roles(lab)), lab.seed, lab.device, lab.baseline, lab.bp_lr, lab.run_key


def remember_page(engine: Engine, lab: LabState) -> None:
    """Called by a whole-page run: what it drew the page for."""
    st.session_state[f"{lab.experiment}.drawn-page"] = page_signature(engine, lab)


def page_stale(engine: Engine, lab: LabState) -> bool:
    return st.session_state.get(f"{lab.experiment}.drawn-page") != page_signature(engine, lab)


def build_specs(lab: LabState) -> dict[str, RunSpec]:
    """The runs Start makes: the experiment, and the baseline with the shared parameters (raises ParamError)."""
    specs = {lab.experiment: RunSpec(lab.experiment, dict(lab.values), lab.seed, lab.device, lab.preset)}
    if lab.baseline and lab.baseline_name:
        base_cls = get_experiment(lab.baseline_name)
        shared = {name: value for name, value in lab.values.items() if name in base_cls.params}
        if lab.bp_lr is not None and "lr" in base_cls.params:
            shared["lr"] = lab.bp_lr
        preset = lab.preset if lab.preset in base_cls.presets else None
        specs[lab.baseline_name] = RunSpec(lab.baseline_name, base_cls.params.resolve(shared), lab.seed,
                                           lab.device, preset)
    return specs


def apply_live_change(engine: Engine, lab: LabState, name: str, value: Any) -> None:
    """Send a live parameter change to the page's runs that are still going."""
    targets = []
    main = engine.get(lab.experiment)
    if main is not None and not main.status.terminal:
        targets.append(main)
    base = engine.get(lab.baseline_name) if lab.baseline_name else None
    if base is not None and not base.status.terminal and name in base.experiment_cls.params:
        if not (name == "lr" and lab.bp_lr is not None):
            targets.append(base)
    for run in targets:
        try:
            run.set_params(**{name: value})
        except ParamError as exc:
            lab.messages.append(("error", str(exc)))


# -- button callbacks -----------------------------------------------------------
def _start(engine: Engine, lab: LabState, then_step: bool = False) -> None:
    if lab.blockers():
        return
    try:
        specs = build_specs(lab)
        if lab.baseline_name and lab.baseline_name not in specs:
            engine.forget([lab.baseline_name])
        for role, spec in specs.items():  # the page's own run first; the baseline takes the next slot
            after = lab.experiment if role != lab.experiment else None
            run = engine.start(role, spec, speed_delay_s(lab.speed), then_step=then_step, after=after)
            if after is None:
                lab.run_key = run.group_key  # in the URL: a reload or a shared link shows these runs again
    except (ParamError, SettingError) as exc:  # SettingError: the server's environment, named
        engine.forget(roles(lab))
        lab.messages.append(("error", str(exc)))


def _step(engine: Engine, lab: LabState) -> None:
    if engine.any_live(roles(lab)):
        engine.step(roles(lab))
    else:
        _start(engine, lab, then_step=True)


def _reset(engine: Engine, lab: LabState) -> None:
    engine.forget(roles(lab))
    lab.run_key = None


def _set(lab: LabState, attr: str, key: str, clears: str | None = None) -> None:
    setattr(lab, attr, st.session_state[key])
    if clears:
        lab.url_errors.pop(clears, None)


def _set_run_setting(lab: LabState, name: str, key: str) -> bool:
    """Take a run setting's widget value through its declaration (typed text is parsed); False if refused."""
    param, raw = RUN_PARAMS[name], st.session_state[key]
    try:
        value = param.parse(raw) if isinstance(raw, str) else param.validate(raw)
    except ParamError as exc:
        lab.text_errors[name] = str(exc)
        return False
    lab.text_errors.pop(name, None)
    lab.url_errors.pop(name, None)
    setattr(lab, name, value)
    return True


def _baseline(lab: LabState, key: str) -> None:
    _set(lab, "baseline", key, clears="baseline")
    if not lab.baseline:  # the bp lr box goes away with the baseline, and so does a problem in it
        lab.text_errors.pop("bp_lr", None)
        lab.url_errors.pop("bp_lr", None)


def _speed(engine: Engine, lab: LabState, key: str) -> None:
    if _set_run_setting(lab, "speed", key):
        engine.set_delay(speed_delay_s(lab.speed), roles(lab))


def _bp_lr(engine: Engine, lab: LabState, key: str) -> None:
    """The baseline's own lr, typed (empty: the same lr as the page's run), parsed by its declaration."""
    lab.url_errors.pop("bp_lr", None)
    text = str(st.session_state[key] or "").strip()
    try:
        lab.bp_lr = bp_lr_param(lab).parse(text) if text else None
    except ParamError as exc:
        lab.text_errors["bp_lr"] = str(exc)
        return
    lab.text_errors.pop("bp_lr", None)
    base = engine.get(lab.baseline_name) if lab.baseline_name else None
    if base is not None and not base.status.terminal:
        value = lab.bp_lr if lab.bp_lr is not None else lab.values.get("lr")
        if value is not None:
            try:
                base.set_params(lr=value)
            except ParamError as exc:
                lab.messages.append(("error", str(exc)))


def bp_lr_param(lab: LabState) -> Param:
    """The baseline's `lr`, renamed `bp_lr` so that its messages name the box they are about."""
    return replace(get_experiment(lab.baseline_name).params["lr"], name="bp_lr")


def _seed_widget(key: str, value: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


# -- drawing ------------------------------------------------------------------
def render_buttons(engine: Engine, lab: LabState) -> None:
    """Drawn inside the live fragment: a click redraws only the fragment, the command already applied
    (`Engine._command`), so the status below shows its effect in the same redraw."""
    page_roles = roles(lab)
    runs = [run for _, run in engine.items(page_roles)]
    statuses = {run.status for run in runs}
    live = any(not status.terminal for status in statuses)
    blocked = bool(lab.blockers())
    exp = lab.experiment

    cols = st.columns(6)
    cols[0].button("Start", key=f"{exp}.start", type="primary", disabled=live or blocked, on_click=_start,
                   args=(engine, lab), help="Start a new run with these settings (replaces the last one).")
    cols[1].button("Pause", key=f"{exp}.pause", disabled=not statuses & {Status.RUNNING, Status.QUEUED},
                   on_click=engine.pause, args=(page_roles,), help="Pause after the current step.")
    cols[2].button("Resume", key=f"{exp}.resume", disabled=Status.PAUSED not in statuses, on_click=engine.resume,
                   args=(page_roles,), help="Carry on from where the run paused.")
    cols[3].button("Step", key=f"{exp}.step", disabled=not live and blocked, on_click=_step, args=(engine, lab),
                   help="Do one training step, then pause (starts a paused run if none is going).")
    cols[4].button("Stop", key=f"{exp}.stop", disabled=not live, on_click=engine.stop, args=(page_roles,),
                   help="End the run; final metrics are computed on the full test set and the run is saved.")
    cols[5].button("Reset", key=f"{exp}.reset", disabled=not runs, on_click=_reset, args=(engine, lab),
                   help="Stop and forget the runs, clearing the plots (the settings stay).")
    if blocked and not live:
        st.caption("Start is disabled until the problem above is fixed.")


def render_settings(engine: Engine, lab: LabState) -> None:
    """Speed, seed, device and the baseline: drawn by the whole page, outside the live fragment (they lock
    while a run is going, and a start or end reruns the page). Text boxes redrawn by the fragment's timer could
    send an empty value back after a reload, which read as a bad seed and disabled Start."""
    live = engine.any_live(roles(lab))
    exp = lab.experiment
    cols = st.columns([1.8, 1, 1, 1.5, 1.1])
    speed = RUN_PARAMS["speed"]
    key = f"{exp}.speed"
    _seed_widget(key, lab.speed)
    cols[0].select_slider(speed.name, options=list(speed.choices), key=key, on_change=_speed,
                          args=(engine, lab, key), help=help_text(speed))
    seed = RUN_PARAMS["seed"]
    key = f"{exp}.seed"
    _seed_widget(key, seed.to_text(lab.seed))
    cols[1].text_input(seed.name, key=key, disabled=live, on_change=_set_run_setting, args=(lab, seed.name, key),
                       help=help_text(seed))
    device = RUN_PARAMS["device"]
    key = f"{exp}.device"
    has_cuda = torch.cuda.is_available()
    options = [choice for choice in device.choices if has_cuda or choice != "cuda"]
    if lab.device not in options:
        lab.device = device.default
    _seed_widget(key, lab.device)
    auto_means = "cuda" if has_cuda else "cpu"
    cols[2].selectbox(device.name, options, key=key, disabled=live, on_change=_set_run_setting,
                      args=(lab, device.name, key), format_func=lambda d: f"auto ({auto_means})" if d == "auto" else d,
                      help=help_text(device)
                      + ("" if has_cuda else " cuda: not offered, because torch sees no CUDA device here."))
    _errors(lab, RUN_PARAMS.names())
    if not lab.baseline_name:
        return
    key = f"{exp}.baseline"
    _seed_widget(key, lab.baseline)
    cols[3].toggle("backprop baseline", key=key, disabled=live, on_change=_baseline, args=(lab, key),
                   help=BASELINE.describe())
    if lab.baseline:
        key = f"{exp}.bp_lr"
        lr_param = bp_lr_param(lab)
        _seed_widget(key, "" if lab.bp_lr is None else lr_param.to_text(lab.bp_lr))
        cols[4].text_input("bp lr", key=key, placeholder="same as lr", on_change=_bp_lr, args=(engine, lab, key),
                           help=f"Learning rate of the backprop baseline; empty uses the same lr as "
                                f"{lab.experiment}. {lr_param.describe()}")
        _errors(lab, ["bp_lr"])


def show_messages(lab: LabState) -> None:
    """One-off messages from callbacks (a refused Start), shown once."""
    while lab.messages:
        kind, text = lab.messages.pop(0)
        (st.error if kind == "error" else st.info)(plain(text))


def _errors(lab: LabState, names: list[str]) -> None:
    """What was refused in these boxes, under them (as text: it quotes what was typed)."""
    for name in names:
        if name in lab.text_errors:
            st.error(plain(lab.text_errors[name]))
