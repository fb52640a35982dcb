"""The server's warm-up imports what the first optimizer would, in a thread of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CODE = """
import sys, threading
import torch
from fflab.runner.warm_up import warm_up_in_background
assert "torch._dynamo" not in sys.modules
warm_up_in_background(); warm_up_in_background()
threads = [t for t in threading.enumerate() if t.name == "fflab-warm-up"]
print(len(threads))
threads[0].join(120)
print("torch._dynamo" in sys.modules)
"""


def test_warm_up_imports_dynamo_once_in_the_background() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "True"]
