"""What the race page draws: each contestant's standing, the negatives each made, the finished seeds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fflab.ff.snapshot import ClassifierSnapshot, ExampleBatch


@dataclass(frozen=True)
class RaceSnapshot:
    classifier: ClassifierSnapshot
    strategies: tuple[str, ...]  # the contestants, in race order
    strategy_help: Mapping[str, str]  # a line on each contestant
    examples: Mapping[str, ExampleBatch]  # per contestant, from the latest batch (every one has the same positives)
    separation: Mapping[str, float]  # per contestant, mean goodness of positives minus negatives, latest batch
    loss: Mapping[str, float]  # per contestant, the latest batch's loss summed over layers
    test_accuracy: Mapping[str, float]  # per contestant, at the latest evaluation of the current seed
    ranking: tuple[tuple[str, float], ...]  # (contestant, test_accuracy), best first
    seed: int  # the seed racing now
    seed_results: tuple[Mapping[str, float], ...]  # each finished seed's full-test accuracy per contestant
