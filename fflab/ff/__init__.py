"""Forward-Forward (Hinton 2022) and its backprop baseline."""

from fflab.ff.backprop import Backprop
from fflab.ff.forward_forward import ForwardForward
from fflab.ff.race import NegativeRace

__all__ = ["Backprop", "ForwardForward", "NegativeRace"]
