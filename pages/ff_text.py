"""FF on text: next-character prediction on Tiny Shakespeare by goodness, and the layer kinds compared."""

import streamlit as st

from fflab.app.nav import ensure_frame
from fflab.app.rooms import chosen_room, show_room
from fflab.app.views.ff_text import prompt_panel

ensure_frame()

EXPERIMENTS = {"ff-text": "FF on text", "layers": "Layer kinds: MLP, SSM, BPTT"}

st.title("Forward-Forward on text")
name = chosen_room(
    "ff_text", EXPERIMENTS,
    "FF on text: one net, live, with a sample and your own prompt. Layer kinds: FF on an MLP window, FF on "
    "state-space layers and that SSM by backprop through time, on one table. The choice is kept in the URL.",
)
show_room(name)
if name == "ff-text":
    prompt_panel(name)
