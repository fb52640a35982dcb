"""fflab: an interactive laboratory for learning without end-to-end backpropagation."""

__version__ = "0.1.0"
