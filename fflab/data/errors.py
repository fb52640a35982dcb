"""The one error a dataset problem raises."""

from __future__ import annotations


class DatasetError(RuntimeError):
    """A dataset that cannot be used: missing, corrupt, or not downloadable.

    The message names the file (or directory) and what is wrong with it.
    """
