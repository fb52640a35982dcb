"""Continual learning: tasks arrive one after another; who forgets?"""

import streamlit as st

from fflab.app.lab import experiment_lab
from fflab.app.nav import ensure_frame
from fflab.app.teaching import show_teaching
from fflab.app.views.catalog import VIEWS
from fflab.catalog import get_experiment

ensure_frame()

st.title("Continual learning")
show_teaching(get_experiment("continual"))
experiment_lab("continual", view=VIEWS["continual"])
