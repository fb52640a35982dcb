"""The parameter panel and the run settings on the Forward-Forward page: typed values are checked as the URL and
the CLI check them, the sidebar is grouped and greys what does not apply, and user input is never markup."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from app_helpers import FAST, button, live_run, page

from fflab.app.param_panel import NOT_USED_TITLE
from fflab.app.plain_text import plain
from fflab.app.url_state import initial_state
from fflab.catalog import get_experiment
from fflab.cli import main
from fflab.runner import Status

FF = get_experiment("ff")


def _box(at, name: str):
    """A parameter's text box, or the seed's (below the buttons)."""
    return at.text_input(key="ff.seed") if name == "seed" else at.sidebar.text_input(key=f"ff.param.{name}")


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def _not_used(at):
    matches = [e for e in at.sidebar.expander if e.label.startswith(NOT_USED_TITLE)]
    return matches[0] if matches else None


def _not_used_names(at) -> set[str]:
    section = _not_used(at)
    if section is None:
        return set()
    return {w.label for kind in ("text_input", "slider", "selectbox", "toggle") for w in getattr(section, kind)}


# -- item 5: every input path validates the same way --------------------------------------------------------------
@pytest.mark.parametrize(
    "name, typed, message",
    [
        ("lr", "abc", "lr: 'abc' is not a number from 1e-06 to 1"),
        ("threshold", "NaN", "threshold: nan is not a number from 0 to 5000"),
        ("seed", "xyz", "seed: 'xyz' is not a number from 0 to 2147483647 (whole)"),
        ("lr", "-1", "lr: -1 is out of range; allowed: a number from 1e-06 to 1"),
    ],
)
def test_a_refused_typed_value_gets_the_url_and_cli_message_and_blocks_start(
    name: str, typed: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url_message = initial_state(FF, {name: typed}, "bp").url_errors[name]
    monkeypatch.setenv("FFLAB_HOME", str(tmp_path))
    flags = ["--seed", typed] if name == "seed" else ["--set", f"{name}={typed}"]
    assert main(["run", "ff", *flags, "--quiet"]) == 2
    cli_message = capsys.readouterr().err.strip().removeprefix("error: ")
    assert url_message == cli_message == message

    at = page()
    before = dict(at.session_state["ff.lab"].values), at.session_state["ff.lab"].seed
    _box(at, name).input(typed).run()
    assert message in _errors(at)  # the same words, not clamped, not coerced, not silent
    assert _box(at, name).value == typed  # what was typed stays there to be fixed
    assert button(at, "Start").disabled and button(at, "Step").disabled
    lab = at.session_state["ff.lab"]
    assert (dict(lab.values), lab.seed) == before and name not in at.query_params  # nothing changed
    _box(at, name).input("3" if name == "seed" else "0.5").run()
    assert not at.error and not button(at, "Start").disabled
    assert at.query_params[name] == ("3" if name == "seed" else "0.5")


def test_a_refused_live_change_leaves_the_running_run_alone():
    at = page(FAST)
    button(at, "Start").click().run()
    run = live_run()
    _box(at, "lr").input("-1").run()
    assert "lr: -1 is out of range; allowed: a number from 1e-06 to 1" in _errors(at)
    assert run.spec.params["lr"] == 0.01 and run.status is not Status.FAILED
    _box(at, "lr").input("0.004").run()
    assert run.spec.params["lr"] == 0.004 and not at.error


def test_the_baseline_lr_box_is_checked_too_and_its_problem_goes_with_the_baseline():
    at = page()
    at.toggle(key="ff.baseline").set_value(True).run()
    at.text_input(key="ff.bp_lr").input("fast").run()
    assert "bp_lr: 'fast' is not a number from 1e-06 to 1" in _errors(at)
    assert button(at, "Start").disabled
    at.toggle(key="ff.baseline").set_value(False).run()
    assert not at.error and not button(at, "Start").disabled


# -- item 8: a sidebar a newcomer can read --------------------------------------------------------------------------
def test_parameters_come_in_groups_and_what_does_not_apply_is_greyed_with_the_reason():
    at = page()  # digits-quick: Adam, the threshold loss, pcl off, wrong_label negatives, steps (no epochs)
    titles = [m.value for m in at.sidebar.markdown if m.value.startswith("**")]
    assert titles == ["**Data**", "**Model**", "**Objective**", "**Negatives**", "**Optimiser**", "**Schedule**",
                      "**Evaluation**"]
    hidden = _not_used_names(at)
    assert {"momentum", "symba_alpha", "pcl_alpha", "pcl_sparsity", "pcl_surprise", "hybrid_alpha",
            "head_lr"} <= hidden
    assert not {"lr", "threshold", "steps", "epochs", "loss", "pcl", "optimizer"} & hidden
    section = _not_used(at)
    assert section.slider(key="ff.param.momentum").disabled
    captions = [c.value for c in section.caption]
    assert "Not used: only with optimizer = sgd." in captions and "Not used: only with pcl on." in captions

    at.sidebar.selectbox(key="ff.param.optimizer").set_value("sgd").run()
    at.sidebar.selectbox(key="ff.param.loss").set_value("symba").run()
    at.sidebar.toggle(key="ff.param.pcl").set_value(True).run()
    hidden = _not_used_names(at)
    assert not {"momentum", "symba_alpha", "pcl_alpha"} & hidden and "threshold" in hidden
    assert not at.sidebar.slider(key="ff.param.momentum").disabled
    assert "Not used: the SymBa loss has no threshold." in [c.value for c in _not_used(at).caption]


def test_epochs_decide_the_run_length_and_steps_says_so():
    at = page({"preset": "quick"})  # epochs=24
    assert "steps" in _not_used_names(at)
    steps = _not_used(at).text_input(key="ff.param.steps")
    assert steps.disabled and steps.value == "1000"
    assert "Not used: epochs decides the run length." in [c.value for c in _not_used(at).caption]
    _box(at, "epochs").input("0").run()
    assert "steps" not in _not_used_names(at) and not _box(at, "steps").disabled


def test_tooltips_give_the_presets_value_beside_the_default():
    at = page({"preset": "quick"})
    assert "Preset quick: 0.003; default 0.01." in _box(at, "lr").help
    assert "Default: 2000." in _box(at, "eval_samples").help  # the preset does not set it


def test_a_value_that_does_not_apply_still_reaches_the_run_unchanged():
    at = page({**FAST, "symba_alpha": "7.5"})  # greyed (threshold loss), but a valid value is kept as it was
    assert "symba_alpha" in _not_used_names(at) and not at.error
    button(at, "Start").click().run()
    assert live_run().spec.params["symba_alpha"] == 7.5


# -- item 9: user input is never markup --------------------------------------------------------------------------
def test_a_link_in_the_url_is_shown_as_text():
    at = page({"preset": "[click](http://example.org)"})
    (message,) = [e for e in _errors(at) if e.startswith("preset")]
    assert "[click](" not in message and r"\[click\]" in message
    assert "http://" not in message  # an autolink is broken (by an invisible word joiner)
    assert message.replace("\\", "").replace("\u2060", "").startswith(
        "preset: '[click](http://example.org)' is not one of digits-quick")


def test_markup_typed_into_a_box_is_shown_as_text():
    at = page()
    _box(at, "hidden").input("**big**,<b>").run()
    (message,) = [e.value for e in at.sidebar.error]
    assert "**" not in message.replace(r"\*", "") and "<b>" not in message
    assert button(at, "Start").disabled


@pytest.mark.parametrize("name", ["preset", "lr", "hidden"])
def test_a_huge_value_is_quoted_cut_short_and_quickly(name: str):
    started = time.monotonic()
    at = page({name: "9" * 100_000})
    assert time.monotonic() - started < 20
    (message,) = [e for e in _errors(at) if e.startswith(name)]
    assert len(message) < 400, message
    if name != "lr":  # lr reads it as a number (inf) and says so
        assert "100,000 characters" in message
    assert button(at, "Start").disabled


def test_many_unknown_parameters_get_one_message():
    at = page({f"nope{i}": "1" for i in range(300)})
    assert len(at.warning) == 1
    text = at.warning[0].value
    assert "Ignored 300 URL parameters that ff does not have" in text and "and 290 more" in text
    assert len(text) < 400 and not at.error and not button(at, "Start").disabled


@pytest.mark.parametrize(
    "text",
    [
        "x: '[click](http://example.org)'", "x: '![i](https://e.org/i.png)' <https://e.org> www.e.org a@b.org",
        "x: '_em_ *b* __u__ `c` <b>h</b> &amp; $x^2$ ~~s~~ | ! \\'", "x: ':red[r] :smile: :material/home:'",
        "# heading", "12. item", "- item", "a\n\n# b",
    ],
)
def test_plain_text_reads_the_same_and_holds_no_markup(text: str):
    shown = plain(text)
    assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", shown).replace("\u2060", "") == " ".join(text.splitlines())
    unescaped = re.sub(r"\\.", "", shown)
    assert not re.search(r"[\[\]`*<>&~$|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|://|www\.|@[^\u2060]", unescaped)
    assert not re.search(r":[^\s\u2060]", unescaped) and not re.match(r"\s*([#+-]|\d+[.)])", unescaped)
    assert plain("lr: 5 is out of range; allowed: wrong_label") == "lr: 5 is out of range; allowed: wrong_label"
