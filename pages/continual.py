"""Continual learning: tasks arrive one after another; who forgets?"""

import streamlit as st

from fflab.app.nav import ensure_frame
from fflab.app.rooms import chosen_room, show_room

ensure_frame()

EXPERIMENTS = {"continual": "Digits, task by task", "text": "Shakespeare, part by part"}

st.title("Continual learning")
name = chosen_room(
    "continual", EXPERIMENTS,
    "What arrives in order: Split-MNIST or Permuted MNIST (digits), or Tiny Shakespeare cut into consecutive "
    "parts (text). Each keeps its own settings and run; the choice is kept in the URL.",
    label="Stream",
)
show_room(name)
