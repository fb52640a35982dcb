"""A server started with a bad numeric setting says so on the page at Start, and the page goes on serving."""

from __future__ import annotations

from app_helpers import ROOT, button, open_page


def test_a_bad_setting_shows_on_the_page_at_start_and_the_page_survives(monkeypatch):
    monkeypatch.setenv("FFLAB_IDLE_PAUSE_S", "soon")
    at = open_page(str(ROOT / "pages" / "fast_weights.py"), {"steps": "5"})
    button(at, "Start").click().run()
    assert not at.exception
    assert any("FFLAB_IDLE_PAUSE_S must be a number of seconds" in e.value for e in at.error)
