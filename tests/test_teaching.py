"""Teaching text is data: every experiment carries it, with a source, and every paper is cited in one module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fflab.catalog import all_experiments
from fflab.experiment import Paper, Teaching

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted([*(ROOT / "fflab").rglob("*.py"), *(ROOT / "pages").rglob("*.py")])
EXPERIMENTS = all_experiments()


def _sources() -> list[Paper | str]:
    found: dict[str, Paper | str] = {}
    for cls in EXPERIMENTS.values():
        for source in cls.teaching.sources if cls.teaching else ():
            found[source.cite() if isinstance(source, Paper) else source] = source
    return list(found.values())


def _plain(text: str) -> str:
    """Lower case, every run of other characters one space: a title matches however it is quoted or wrapped."""
    return " " + re.sub(r"[^0-9a-z]+", " ", text.lower()).strip() + " "


def _marks(source: Paper | str) -> list[str]:
    """What cites a source: a paper's identifier (arXiv id or DOI) and its title, unless the title is short
    enough to be plain prose ("A self-referential weight matrix") and an identifier is there; a string's links."""
    if isinstance(source, Paper):
        ident = re.sub(r"^https?://(arxiv\.org/abs/|doi\.org/)?", "", source.url) if source.url else ""
        title = source.title if not ident or len(_plain(source.title).split()) >= 6 else ""
        return [_plain(mark) for mark in (ident, title) if mark]
    return [_plain(url) for url in re.findall(r"\]\((https?://[^)]+)\)", source)]


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_every_experiment_teaches_with_a_source(name):
    teaching = EXPERIMENTS[name].teaching
    assert isinstance(teaching, Teaching), f"{name} has no teaching text (set `teaching` from its text.py)"
    assert teaching.what.strip() and teaching.watch.strip(), name
    assert teaching.sources, f"{name}'s teaching names no source"
    caption = teaching.caption()
    for source in teaching.sources:
        assert (source.cite() if isinstance(source, Paper) else source) in caption, (name, source)
    assert not teaching.more or teaching.more_title, name


@pytest.mark.parametrize("source", _sources(), ids=lambda s: s.short if isinstance(s, Paper) else s[:40])
def test_each_source_is_cited_in_one_module(source):
    texts = {path: _plain(path.read_text(encoding="utf-8")) for path in MODULES}
    for mark in _marks(source):
        citing = [str(path.relative_to(ROOT)) for path, text in texts.items() if mark in text]
        assert len(citing) == 1, f"{mark.strip()!r} appears in {citing or 'no module'}: cite it once, import it"


def test_a_paper_cites_itself_in_markdown():
    paper = Paper("I. Schlag, K. Irie, J. Schmidhuber", 2021, "Linear Transformers Are Secretly Fast Weight "
                  "Programmers", "ICML", "https://arxiv.org/abs/2102.11174")
    assert paper.cite() == ("I. Schlag, K. Irie, J. Schmidhuber (2021), *Linear Transformers Are Secretly Fast "
                            "Weight Programmers*, ICML, [arXiv:2102.11174](https://arxiv.org/abs/2102.11174)")
    assert paper.short == "Schlag et al. (2021)"
    assert Paper("J. Schmidhuber", 1991, "Neural sequence chunkers").cite() == (
        "J. Schmidhuber (1991), *Neural sequence chunkers*")
    teaching = Teaching("what", "watch", (paper, "[a study](https://example.org/s)"), cite_as="See {1} and {0}.")
    assert teaching.text() == "what\n\n**Watch:** watch"
    assert teaching.caption() == f"See [a study](https://example.org/s) and {paper.cite()}."
    assert Teaching("w", "w", (paper,)).caption() == f"Source: {paper.cite()}."


def test_every_experiment_has_a_view():
    from fflab.app.views.catalog import VIEWS

    assert set(VIEWS) == set(EXPERIMENTS)
