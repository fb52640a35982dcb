"""FF on text: next-character prediction on Tiny Shakespeare by goodness."""

import streamlit as st

from fflab.app.lab import experiment_lab
from fflab.app.nav import ensure_frame
from fflab.app.teaching import show_teaching
from fflab.app.views.catalog import VIEWS
from fflab.app.views.ff_text import prompt_panel
from fflab.catalog import get_experiment

ensure_frame()

st.title("Forward-Forward on text")
show_teaching(get_experiment("ff-text"))
experiment_lab("ff-text", view=VIEWS["ff-text"])
prompt_panel("ff-text")
