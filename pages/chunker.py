"""Chunker: history compression, a higher level that learns only from what the lower one fails to predict."""

import streamlit as st

from fflab.app.nav import ensure_frame
from fflab.app.rooms import chosen_room, show_room
from fflab.app.teaching import show_sources
from fflab.catalog import get_experiment

ensure_frame()

EXPERIMENTS = {"blocks": "22-symbol blocks", "deep": "Trigger recall over T steps"}

st.title("Chunker")
st.markdown(
    "**History compression.** An *automatizer* A, a small recurrent net, learns to predict its next input. "
    "Whatever it predicts well carries no news. A second recurrent net, the *chunker* C, sees only the inputs A "
    "failed to predict, the **surprises** (A gave the actual symbol a probability below the threshold), each with "
    "its time stamp, and learns to predict its own next input. Given A, this compressed stream loses nothing, and "
    "it is much shorter: an event many steps back in the raw stream may be only one of C's steps back, so C can "
    "learn what plain backpropagation through time cannot."
)
show_sources(get_experiment("chunker-22"))  # both experiments share their sources: shown once, here
name = chosen_room(
    "chunker", EXPERIMENTS,
    "Which history-compression experiment to show. Each keeps its own settings and run; the choice is kept in the URL.",
)
show_room(name, sources=False)
