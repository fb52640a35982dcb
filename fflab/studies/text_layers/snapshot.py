"""What the layer-kinds page draws: memory against the window length, validation nats against training time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class NatsCurve:
    """One net's validation nats per character at each evaluation, against its training seconds so far."""

    seconds: tuple[float, ...] = ()
    steps: tuple[int, ...] = ()
    nats: tuple[float, ...] = ()

    def plus(self, seconds: float, step: int, nats: float) -> NatsCurve:
        return NatsCurve((*self.seconds, seconds), (*self.steps, step), (*self.nats, nats))


@dataclass(frozen=True)
class TextLayersSnapshot:
    phase: str  # `memory`, `training` or `done`
    context: int  # the window the nets train on
    lengths: tuple[int, ...]  # the window lengths whose memory is measured so far
    activation_bytes: Mapping[str, tuple[int, ...]]  # per net (`MODELS`), one per measured length
    curves: Mapping[str, NatsCurve]  # per net
    train_seconds: Mapping[str, float]  # per net: its updates alone
