"""The Streamlit layer: the only code in fflab that imports streamlit.

`engine` holds one browser session's runs, `param_panel` builds widgets from a
`ParamSpec`, `url_state` keeps the setup in the query string, `controls` drives
the runs, `live` draws what they have produced, and `lab` puts them together
into an experiment page.
"""
