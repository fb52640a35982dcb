"""Pay the process's one-off import costs before the first Start, in a background thread.

The first optimizer a process builds imports `torch._dynamo` (torch.optim wraps its methods with
`torch._disable_dynamo`, which imports it on first call): about 3.7 s on a 2-core machine. On a fresh
server that landed on the first student to press Start, and on everyone who pressed with them.
"""

from __future__ import annotations

import threading

_started = threading.Event()


def _warm() -> None:
    import torch

    torch.optim.Adam([torch.zeros(1, requires_grad=True)])  # imports torch._dynamo


def warm_up_in_background() -> None:
    """Once per process; returns at once."""
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=_warm, name="fflab-warm-up", daemon=True).start()
