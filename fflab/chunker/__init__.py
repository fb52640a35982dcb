"""History compression (Schmidhuber 1991-93): the 22-symbol chunker and deep trigger recall."""

from fflab.chunker.chunker22 import Chunker22
from fflab.chunker.deep import ChunkerDeep

__all__ = ["Chunker22", "ChunkerDeep"]
