"""fflab: the frame around every page (run with `streamlit run app.py`)."""

import streamlit as st

from fflab.app.icon import page_icon
from fflab.app.nav import navigation
from fflab.runner.warm_up import warm_up_in_background

warm_up_in_background()  # once per server process: the first Start need not wait for torch's imports

st.set_page_config(page_title="fflab", page_icon=page_icon(), layout="wide")
st.navigation(navigation()).run()
