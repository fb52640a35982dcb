"""The experiments that stand alone, by name: what composite studies and the catalog build on.

A study (transfer, efficiency, the γ sweep, the negative race) asks for its members here by
name, so it never imports another family's module, and this listing never imports a study.
"""

from __future__ import annotations

from fflab.chunker.chunker22 import Chunker22
from fflab.chunker.deep import ChunkerDeep
from fflab.experiment import Experiment
from fflab.fastweights.delay import FastWeightsDelay
from fflab.fastweights.kv import FastWeightsKV
from fflab.fastweights.srwm import SelfReferentialWeightMatrix
from fflab.ff.backprop.experiment import Backprop
from fflab.ff.cwc.experiment import ChannelwiseCompetitive
from fflab.ff.dff.experiment import DistanceForward
from fflab.ff.ff_text.experiment import FFText
from fflab.ff.forward_forward.experiment import ForwardForward
from fflab.ff.scff.experiment import SelfContrastiveFF
from fflab.nca.experiment import NeuralCA
from fflab.params import ParamError

FAMILY_EXPERIMENTS: tuple[type[Experiment], ...] = (
    ForwardForward, Backprop, ChannelwiseCompetitive, DistanceForward, SelfContrastiveFF, FFText,
    FastWeightsDelay, FastWeightsKV, SelfReferentialWeightMatrix, Chunker22, ChunkerDeep,
    NeuralCA,
)
_BY_NAME = {cls.name: cls for cls in FAMILY_EXPERIMENTS}


def member(name: str) -> type[Experiment]:
    """The stand-alone experiment called `name` (e.g. "ff", "bp", "cwc")."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ParamError("experiment", f"{name!r} is not one of {', '.join(_BY_NAME)}") from None
