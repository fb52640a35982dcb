"""fflab: an interactive laboratory for learning without end-to-end backpropagation."""

__version__ = "0.1.0"

import os as _os

# Idle OpenMP threads sleep instead of spinning: with the default, two torch threads of one run
# collapsed 12x when another process held a core (and runs here share the cores by design).
# Set before torch is first imported (fflab's modules import it); a user's own setting wins.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
