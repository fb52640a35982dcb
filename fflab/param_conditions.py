"""Where a parameter belongs and when it has an effect, declared beside it.

A `Param` may name its `group` (one of `GROUPS`: the sidebar's sections and a
column of `python -m fflab list --params`) and a condition on other parameters
under which it `applies`: `applies=("loss", "symba")` (the other parameter holds
one of these values), `applies=("pcl", True)`, or a `Condition` with a small
test and a reason in words, e.g. `Condition("epochs", test=lambda e: e == 0,
reason="epochs decides the run length")`. A parameter that does not apply is
greyed on the page with the reason; it is still validated and still reaches
the run, so nothing about a valid setup changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

GROUPS: dict[str, str] = {  # name -> section title, in the order the sidebar shows them
    "data": "Data",
    "model": "Model",
    "objective": "Objective",
    "negatives": "Negatives",
    "optimiser": "Optimiser",
    "schedule": "Schedule",
    "evaluation": "Evaluation",
}
UNGROUPED_TITLE = "More"


@dataclass(frozen=True)
class Condition:
    """The parameter has an effect only when the parameter `param` holds one of `values` (or passes `test`)."""

    param: str
    values: tuple[Any, ...] = ()
    test: Callable[[Any], bool] | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.test is None and not self.values:
            raise ValueError(f"a condition on {self.param!r} needs values or a test")
        if self.test is not None and not self.reason:
            raise ValueError(f"a condition on {self.param!r} with a test needs its reason in words")

    def holds(self, value: Any) -> bool:
        if self.test is not None:
            return bool(self.test(value))
        if isinstance(value, tuple):  # a choice list: any of the chosen will do
            return any(v in self.values for v in value)
        return value in self.values

    def when(self) -> str:
        """The condition in words ("loss = symba", "pcl on"); empty for a test."""
        if self.test is not None:
            return ""
        if len(self.values) == 1 and isinstance(self.values[0], bool):
            return f"{self.param} {'on' if self.values[0] else 'off'}"
        return f"{self.param} = {' or '.join(str(v) for v in self.values)}"

    def explain(self) -> str:
        """Why the parameter has no effect while the condition fails, in words."""
        return self.reason or f"only with {self.when()}"

    def describe(self) -> str:
        """The condition and its reason, for a help text or a table."""
        if self.test is not None or not self.reason:
            return self.explain()
        return f"only with {self.when()}: {self.reason}"


Applies = Condition | tuple[Any, ...]  # a Condition, several, or the shorthand ("param", value or values)


def conditions_of(applies: Applies, owner: str) -> tuple[Condition, ...]:
    """The `applies` declaration of the parameter `owner` as a tuple of conditions (all must hold)."""
    if isinstance(applies, Condition):
        conditions: tuple[Condition, ...] = (applies,)
    elif all(isinstance(item, Condition) for item in applies):
        conditions = tuple(applies)
    elif len(applies) == 2 and isinstance(applies[0], str):
        name, values = applies
        conditions = (Condition(name, tuple(values) if isinstance(values, (tuple, list, set, frozenset))
                                else (values,)),)
    else:
        raise ValueError(f"{owner}: applies must be a Condition, several, or (param, values); got {applies!r}")
    if any(c.param == owner for c in conditions):
        raise ValueError(f"{owner}: a parameter cannot depend on itself")
    return conditions
