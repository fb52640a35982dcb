"""Forward-Forward (Hinton 2022) and its backprop baseline."""

from fflab.ff.backprop import Backprop
from fflab.ff.collab import CollabSweep
from fflab.ff.cwc import ChannelwiseCompetitive
from fflab.ff.dff import DistanceForward
from fflab.ff.efficiency import Efficiency
from fflab.ff.forward_forward import ForwardForward
from fflab.ff.race import NegativeRace
from fflab.ff.scff import SelfContrastiveFF
from fflab.ff.transfer import Transfer

__all__ = ["Backprop", "CollabSweep", "ChannelwiseCompetitive", "DistanceForward", "Efficiency", "ForwardForward",
           "NegativeRace", "SelfContrastiveFF", "Transfer"]
