"""Fast weights: a slow net learns to program a fast weight matrix that serves as its memory."""

import streamlit as st

from fflab.app.nav import ensure_frame
from fflab.app.rooms import chosen_room, show_room

ensure_frame()

EXPERIMENTS = {"delay": "Unknown-delay recall", "kv": "Key/value binding", "srwm": "Self-referential matrix"}

st.title("Fast weights")
st.markdown(
    "A **slow** network, trained by gradient descent, learns to **program a fast weight matrix**: at every step "
    "it emits a key, a value and a gate, and writes `W_fast ← W_fast + η·g·v kᵀ`. Reading `W_fast q` later "
    "gives back what was written under a key like `q`. The fast weights are the memory; the slow weights learn "
    "how to use it. Gradients flow through every write (autograd), not through a recurrent state."
)
name = chosen_room(
    "fast_weights", EXPERIMENTS,
    "Which fast-weight experiment to show. Each keeps its own settings and run; the choice is kept in the URL.",
)
show_room(name)
