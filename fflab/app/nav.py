"""The lab's pages: the live ones and those still to come (each with a one-line summary)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Entry:
    title: str
    slug: str
    icon: str
    summary: str
    path: str | None = None  # None: still to come
    shows: tuple[tuple[str, str], ...] = ()  # (URL `exp` slug, experiment) it shows; the first is the default

    @property
    def names(self) -> dict[str, str]:
        """URL slug -> experiment, for a page that shows several."""
        return dict(self.shows)

    @property
    def live(self) -> bool:
        return self.path is not None


HOME = Entry("Home", "home", ":material/home:", "What the lab holds.", "pages/home.py")
RUNS = Entry("Runs", "runs", ":material/stacked_line_chart:",
             "Every saved run: reopen one, or tick several and overlay their curves.", "pages/runs.py")
ENTRIES = [
    Entry("Forward-Forward", "forward_forward", ":material/fast_forward:",
          "Hinton's layer-local learning on digits, MNIST or Fashion-MNIST, beside a backprop baseline.",
          "pages/forward_forward.py", (("ff", "ff"),)),
    Entry("Negative strategies", "negative_strategies", ":material/compare_arrows:",
          "Wrong labels, hybrid images, random noise: how the choice of negative data shapes what FF learns.",
          "pages/negative_strategies.py", (("negatives", "negatives"),)),
    Entry("Fast weights", "fast_weights", ":material/bolt:",
          "A memory in fast-changing weights: recall after an unknown delay, without backprop through time.",
          "pages/fast_weights.py",
          (("delay", "fastweights-delay"), ("kv", "fastweights-kv"), ("srwm", "srwm"))),
    Entry("Chunker", "chunker", ":material/segment:",
          "History compression: a higher level learns only what the lower one fails to predict.",
          "pages/chunker.py", (("blocks", "chunker-22"), ("deep", "chunker-deep"))),
    Entry("FF on text", "ff_text", ":material/text_fields:",
          "Next-character prediction on Tiny Shakespeare by goodness, beside backprop and a bigram model; "
          "your own prompt; MLP and state-space layers compared.",
          "pages/ff_text.py", (("ff-text", "ff-text"), ("layers", "text-layers"))),
    Entry("Continual learning", "continual", ":material/timeline:",
          "Tasks in order, digits or Shakespeare: do layer-local learners forget less than backprop, with and "
          "without replay?",
          "pages/continual.py", (("continual", "continual"), ("text", "continual-text"))),
    Entry("Variants & transfer", "variants", ":material/tune:",
          "Channel-wise competitive FF (no negative data), and whether FF features transfer to a new task.",
          "pages/variants.py", tuple((name, name) for name in ("cwc", "scff", "collab", "dff", "transfer", "efficiency"))),
    Entry("Growing cellular automata", "nca", ":material/grid_on:",
          "A grid of cells grows a picture from one seed; its rule learns by backprop through time or by FF.",
          "pages/nca.py", (("nca", "nca"),)),
]


SHOWN_AS_BASELINE = {"bp": "ff"}  # experiment -> the one whose page trains it beside


def link_to_run(experiment: str, key: str) -> str | None:
    """The URL path and query that reopen a run of `experiment` on its page (None: no page shows it)."""
    experiment = SHOWN_AS_BASELINE.get(experiment, experiment)
    for entry in ENTRIES:
        for i, (slug, name) in enumerate(entry.shows):
            if name == experiment:
                return f"/{entry.slug}?" + (f"exp={slug}&" if i else "") + f"run={key}"
    return None


def entry(slug: str) -> Entry:
    return next(e for e in ENTRIES if e.slug == slug)


def _coming(entry: Entry) -> Callable[[], None]:
    def render() -> None:
        st.title(entry.title)
        st.info(f"Coming soon. {entry.summary}", icon=":material/construction:")
        st.page_link(page(HOME), label="Back to Home", icon=":material/home:")

    render.__name__ = f"coming_{entry.slug}"
    return render


def page(entry: Entry, default: bool = False) -> st.Page:
    """The `st.Page` for an entry (pages are identified by their url path, so this may be called again)."""
    if entry.live:
        return st.Page(entry.path, title=entry.title, icon=entry.icon, default=default,
                       url_path=None if default else entry.slug)
    return st.Page(_coming(entry), title=f"{entry.title} (coming)", icon=entry.icon, url_path=entry.slug)


def navigation() -> dict[str, list[st.Page]]:
    return {
        "": [page(HOME, default=True), page(RUNS)],
        "Experiments": [page(entry) for entry in ENTRIES if entry.live],
        "Coming": [page(entry) for entry in ENTRIES if not entry.live],
    }


def ensure_frame() -> None:
    """Make sure a page runs inside app.py's `st.navigation`, even on a fresh server.

    Until some session has run `st.navigation`, Streamlit treats a `pages/` folder beside the
    entry point as an old-style multipage app: a link straight to /forward_forward then runs
    the page alone (wrong sidebar, no frame). Switch that mode off and rerun through app.py.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without it has no such mode either
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
