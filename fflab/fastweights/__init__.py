"""Fast-weight memories (Schmidhuber 1992-93): unknown-delay recall, key/value binding, a self-referential matrix."""

from fflab.fastweights.delay import FastWeightsDelay
from fflab.fastweights.kv import FastWeightsKV
from fflab.fastweights.srwm import SelfReferentialWeightMatrix

__all__ = ["FastWeightsDelay", "FastWeightsKV", "SelfReferentialWeightMatrix"]
