"""What the efficiency page draws: the race to the target, activation memory per depth, layer-parallel FF."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class RaceCurve:
    """One net's test accuracy at each evaluation, against its training seconds and samples so far."""

    seconds: tuple[float, ...] = ()
    samples: tuple[float, ...] = ()
    accuracy: tuple[float, ...] = ()

    def plus(self, seconds: float, samples: float, accuracy: float) -> RaceCurve:
        """This curve with one more evaluation."""
        return RaceCurve((*self.seconds, seconds), (*self.samples, samples), (*self.accuracy, accuracy))


@dataclass(frozen=True)
class ParallelTiming:
    """The layer pipeline's time, run one layer after another and with a thread per layer, on the same ticks."""

    sequential_s: float = 0.0
    concurrent_s: float = 0.0
    ticks: int = 0
    threads: int = 0  # intra-op threads per layer thread

    @property
    def speedup(self) -> float | None:
        """Sequential time over concurrent time (above 1: concurrency helped); None before the first tick."""
        return self.sequential_s / max(self.concurrent_s, 1e-12) if self.ticks else None

    def plus(self, sequential_s: float, concurrent_s: float, ticks: int) -> ParallelTiming:
        """These timings with one more block of ticks."""
        return ParallelTiming(self.sequential_s + sequential_s, self.concurrent_s + concurrent_s, self.ticks + ticks,
                              self.threads)


@dataclass(frozen=True)
class EfficiencySnapshot:
    phase: str  # `memory`, `parallel`, `race` or `done`
    device: str
    dataset: str
    width: int
    depth: int  # of the racing nets
    depths: tuple[int, ...]  # the depths whose memory is measured so far
    activation_bytes: Mapping[str, tuple[int, ...]]  # per series (ff, ff_summed, bp), one per measured depth
    cuda_peak_bytes: Mapping[str, tuple[int, ...]]  # the same from the CUDA allocator; empty on a CPU
    curves: Mapping[str, RaceCurve]  # per racing net (ff, bp)
    target: float  # the target accuracy
    seconds_per_epoch: Mapping[str, float]  # per racing net that has trained
    time_to_target: Mapping[str, float]  # training seconds, per racing net that has reached the target
    parallel: ParallelTiming
