"""Variants & transfer: Forward-Forward beyond Hinton's recipe, and whether its features carry to a new task."""

import streamlit as st

from fflab.app.nav import ensure_frame
from fflab.app.rooms import chosen_room, show_room

ensure_frame()

EXPERIMENTS = {"cwc": "CwC-FF", "scff": "SCFF", "collab": "Layer collaboration", "dff": "Distance-Forward",
               "transfer": "Transfer", "efficiency": "Efficiency"}  # the URL slug is the experiment's name

st.title("Variants & transfer")
st.markdown(
    "Plain Forward-Forward is one recipe among several. Here: a convolutional variant that needs **no negative "
    "data**, and a test of a bold claim, that FF's features **transfer worse than a random network's**. "
    "Layer collaboration (`collab_gamma`), peer normalisation and the SymBa loss are options of the "
    "Forward-Forward page."
)
name = chosen_room(
    "variants", EXPERIMENTS,
    "Which experiment to show. Each keeps its own settings and run; the choice is kept in the URL.",
)
show_room(name)
