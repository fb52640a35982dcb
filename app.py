"""fflab: the frame around every page (run with `streamlit run app.py`)."""

import streamlit as st

from fflab.app.icon import page_icon
from fflab.app.nav import navigation

st.set_page_config(page_title="fflab", page_icon=page_icon(), layout="wide")
st.navigation(navigation()).run()
