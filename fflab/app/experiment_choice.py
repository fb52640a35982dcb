"""A page that holds several experiments: which one it shows, kept in the URL as `?exp=<slug>`.

Each experiment keeps its own setup (`<name>.lab` in the session) and its own runs, so switching back and forth
loses nothing. The URL holds the choice (left out when it is the default) plus the shown experiment's own
parameters: on a switch the previous experiment's parameters are taken out of the URL before the next one reads
it, so one experiment's `hidden=64` never leaks into another that also has a `hidden`.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from fflab.app.plain_text import plain
from fflab.app.url_state import IGNORED_QUERY
from fflab.params import quoted

QUERY_NAME = "exp"  # one of url_state's IGNORED_QUERY, so the experiment's own URL syncing leaves it alone


def choose_experiment(page: str, options: Mapping[str, str], label: str, help: str) -> str:
    """Draw the choice (a segmented control, `options` maps URL slug -> shown label) and return the chosen slug.

    On a session's first visit the choice comes from the URL; a value that is not one of the slugs is reported
    (until the user picks one) and the first option shown instead.
    """
    slugs = list(options)
    key, error_key, last_key = f"{page}.experiment", f"{page}.experiment-error", f"{page}.experiment-last"
    if last_key not in st.session_state:
        raw = st.query_params.get(QUERY_NAME)
        chosen = raw if raw in options else slugs[0]
        if raw is not None and raw not in options:
            st.session_state[error_key] = (f"{QUERY_NAME}: {quoted(raw)} is not one of {', '.join(slugs)}; "
                                           f"showing {options[chosen]} instead.")
        st.session_state[last_key] = chosen
    if key not in st.session_state:  # first draw, or back from another page
        st.session_state[key] = st.session_state[last_key]
    st.segmented_control(label, slugs, format_func=options.__getitem__, key=key, on_change=_switched,
                         args=(key, last_key, error_key, slugs[0]), help=help)
    if error_key in st.session_state:
        st.error(plain(st.session_state[error_key]), icon=":material/error:")
    chosen = st.session_state[last_key]
    _write_choice(chosen, slugs[0])
    return chosen


def _switched(key: str, last_key: str, error_key: str, default: str) -> None:
    chosen = st.session_state[key]
    if chosen is None:  # a click on the selected option clears a segmented control: keep the choice
        st.session_state[key] = st.session_state[last_key]
        return
    st.session_state.pop(error_key, None)
    if chosen == st.session_state[last_key]:
        return
    st.session_state[last_key] = chosen
    kept = {k: v for k, v in st.query_params.to_dict().items() if k in IGNORED_QUERY and k != QUERY_NAME}
    st.query_params.from_dict({**kept, **({QUERY_NAME: chosen} if chosen != default else {})})


def _write_choice(chosen: str, default: str) -> None:
    current = st.query_params.get(QUERY_NAME)
    if chosen == default and current is not None:
        del st.query_params[QUERY_NAME]
    elif chosen != default and current != chosen:
        st.query_params[QUERY_NAME] = chosen
