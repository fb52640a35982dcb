"""User input shown as text, never as markup.

Streamlit renders `st.error`, `st.warning` and friends as GitHub-flavoured
markdown (links, autolinks, emphasis, code, HTML, math, `:color[...]`
directives). A message that quotes what a user typed or put in a URL goes
through `plain()` first: every character that could start markup is
backslash-escaped (markdown shows an escaped punctuation character as itself),
and the autolinks and shortcodes that Streamlit finds in plain text are broken
by an invisible word joiner, so the message reads the same and nothing in it is
live (checked in Chromium against Streamlit 1.67's renderer). Values are already cut
to about 80 characters by `fflab.params.quoted`.
"""

from __future__ import annotations

import re

_ALWAYS = re.compile(r"([\\`*\[\]<>&~$|!])")  # code, emphasis, links, images, HTML, entities, math, tables
_LONE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")  # wrong_label is safe; _this_ is emphasis
# Autolinks (http://..., www.example.org, a@b.org), :emoji: and :material/icon: are found in the text after
# parsing, escaped or not; an invisible word joiner after the ":", "www" or "@" breaks them ("lr: 5" stays).
_JOINER = "\u2060"
_TRIGGERS = re.compile(r"(?i):(?=\S)|(?<![A-Za-z0-9])www(?=\.)|@")
_LINE_START = re.compile(r"^(\s*)(?:([#+\-])|(\d+)([.)]))")  # a heading or a list marker


def plain(text: str) -> str:
    """`text` escaped so that markdown shows it literally, on one line."""
    text = " ".join(str(text).splitlines())
    text = _ALWAYS.sub(r"\\\1", text)
    text = _LONE_UNDERSCORE.sub(r"\\_", text)
    text = _TRIGGERS.sub(lambda m: m.group(0) + _JOINER, text)
    return _LINE_START.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"),
                           text)
