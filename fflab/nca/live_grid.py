"""The grids a page watches: each rule grows one from the same seed cell, with the same random firing.

They advance a few automaton steps per training step with the rule as it is now, restart from the seed every
`restart_after` steps, and can be damaged (the same random disc erased in every grid). After a damage each
grid's `RegrowWatch` counts the steps until its error against the target has come back to within 10% of the
jump the damage caused. A rule grown far past its training length may blow up (its cells' values overflow): the
grids then restart from the seed and `blowups` counts it; that is a finding about the rule, not a failed run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from fflab.nca.model import UpdateRule, ca_step, damage_disc, rgba_error, seed_state

RECOVERED_SHARE = 0.1  # regrown once the error is back within this share of the jump the damage caused


@dataclass
class RegrowWatch:
    """One grid's recovery from the latest damage."""

    error_before: float
    error_after: float
    steps_since: int = 0
    regrown_in: int | None = None  # automaton steps it took; None while still regrowing

    def observe(self, error: float) -> None:
        self.steps_since += 1
        jump = self.error_after - self.error_before
        if self.regrown_in is None and error <= self.error_before + RECOVERED_SHARE * max(jump, 0.0):
            self.regrown_in = self.steps_since


class LiveGrids:
    def __init__(self, rules: dict[str, UpdateRule], target: torch.Tensor, seed: int):
        self.rules, self.target, self.seed = rules, target, seed
        self.damage_generator = torch.Generator().manual_seed(seed * 1_000_003 + 7)
        self.restarts = 0
        self.blowups = 0  # restarts forced by a grid whose values stopped being finite
        self.restart()

    def restart(self) -> None:
        """Every grid back to the seed cell, every grid's firing from the same generator state."""
        _, height, width = self.target.shape
        self.states = {name: seed_state(1, height, width, self.target.device) for name in self.rules}
        fire_seed = self.seed * 1_000_003 + 11 + self.restarts
        self.generators = {name: torch.Generator().manual_seed(fire_seed) for name in self.rules}
        self.age = 0
        self.watches: dict[str, RegrowWatch] = {}
        self.restarts += 1

    @torch.no_grad()
    def advance(self, steps: int, fire_rate: float, restart_after: int) -> dict[str, float]:
        """`steps` automaton steps of every grid; their errors after them (a blown-up grid's: after its restart)."""
        for _ in range(steps):
            if restart_after and self.age >= restart_after:
                self.restart()
            for name, rule in self.rules.items():
                self.states[name] = ca_step(self.states[name], rule, fire_rate, self.generators[name])
                if name in self.watches:
                    self.watches[name].observe(float(rgba_error(self.states[name], self.target)[0]))
            self.age += 1
        errors = self.errors()
        if not all(math.isfinite(error) for error in errors.values()):  # its square overflows first
            self.blowups += 1
            self.restart()
            errors = self.errors()
        return errors

    def errors(self) -> dict[str, float]:
        return {name: float(rgba_error(state, self.target)[0]) for name, state in self.states.items()}

    @torch.no_grad()
    def damage(self, radius: float, pad: int, size: int) -> tuple[int, int]:
        """Erase the same disc, centred at random on the target's square, in every grid; returns its centre."""
        low, high = pad, pad + max(size, 1)
        row, col = (int(v) for v in torch.randint(low, high, (2,), generator=self.damage_generator))
        before = self.errors()
        for name in self.states:
            self.states[name] = damage_disc(self.states[name], (row, col), radius)
        after = self.errors()
        self.watches = {name: RegrowWatch(before[name], after[name]) for name in self.states}
        return row, col
