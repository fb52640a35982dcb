"""One declaration of an experiment's hyperparameters.

A `Param` holds everything about one hyperparameter: its default, its range or
choices, its unit and one line of help, and whether it may change while a run is
going. The page's sliders, the CLI's `--set` flags, the URL query string and all
validation are built from these declarations; nothing restates a default or a
range elsewhere. Its `group` and the condition under which it `applies` (see
`fflab.param_conditions`) sort and grey the page's widgets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fflab.param_conditions import GROUPS, UNGROUPED_TITLE, Applies, Condition, conditions_of

QUOTE_LIMIT = 80  # characters of a refused value that a message quotes


def quoted(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message quotes it: its repr, cut to about `limit` characters (user input can be huge)."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…"


class ParamError(ValueError):
    """A value that a parameter does not accept; the message names the parameter."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name if len(name) <= QUOTE_LIMIT else name[:QUOTE_LIMIT] + '…'}: {message}")
        self.name = name
        self.reason = message


KINDS = ("int", "float", "choice", "bool", "int_list", "choice_list")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] = ()
    unit: str = ""
    live: bool = False
    log: bool = False
    step: float | None = None
    max_items: int = 8
    choice_help: Mapping[Any, str] = field(default_factory=dict)
    group: str = ""  # one of GROUPS: the page's section and the CLI table's column
    applies: Applies = ()  # when it has an effect: ("loss", "symba"), ("pcl", True) or Condition(s)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown parameter kind {self.kind!r}")
        if self.group and self.group not in GROUPS:
            raise ValueError(f"{self.name}: unknown group {self.group!r}; known: {', '.join(GROUPS)}")
        object.__setattr__(self, "applies", conditions_of(self.applies, self.name))
        self.validate(self.default)

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return self.applies  # type: ignore[return-value]  # normalised in __post_init__

    def inactive_reason(self, values: Mapping[str, Any]) -> str | None:
        """Why the parameter has no effect with these values (None when it has); unknown names count as met."""
        for condition in self.conditions:
            if condition.param in values and not condition.holds(values[condition.param]):
                return condition.explain()
        return None

    # -- describing -------------------------------------------------------
    def allowed(self) -> str:
        """The allowed values, in words, for messages and help text."""
        if self.kind in ("int", "float"):
            return f"a number from {_fmt(self.low)} to {_fmt(self.high)}" + (
                "" if self.kind == "float" else " (whole)"
            )
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(str(c) for c in self.choices)
        if self.kind == "choice_list":
            return "a comma-separated selection of " + ", ".join(str(c) for c in self.choices)
        return (
            f"1 to {self.max_items} comma-separated whole numbers, "
            f"each from {_fmt(self.low)} to {_fmt(self.high)}"
        )

    # -- parsing text (CLI, URL) -----------------------------------------
    def parse(self, raw: str) -> Any:
        """Turn text from a URL or the command line into a validated value."""
        text = str(raw).strip()
        try:
            if self.kind == "int":
                as_float = float(text)
                if not as_float.is_integer():
                    raise ParamError(self.name, f"{quoted(text)} is not a whole number; allowed: {self.allowed()}")
                value: Any = int(as_float)
            elif self.kind == "float":
                value = float(text)
            elif self.kind == "bool":
                lowered = text.lower()
                if lowered in ("1", "true", "yes", "on"):
                    value = True
                elif lowered in ("0", "false", "no", "off"):
                    value = False
                else:
                    raise ParamError(self.name, f"{quoted(text)} is not true or false")
            elif self.kind == "choice":
                value = self._match_choice(text)
            elif self.kind == "choice_list":
                value = tuple(self._match_choice(part.strip()) for part in text.split(",") if part.strip())
            else:
                value = tuple(int(float(part)) for part in text.replace(" ", "").split(",") if part)
        except ParamError:
            raise
        except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("1e400"))
            raise ParamError(self.name, f"{quoted(text)} is not {self.allowed()}") from None
        return self.validate(value)

    def _match_choice(self, text: str) -> Any:
        for choice in self.choices:
            if str(choice) == text:
                return choice
        raise ParamError(self.name, f"{quoted(text)} is not {self.allowed()}")

    def to_text(self, value: Any) -> str:
        """The inverse of `parse`, for URLs and the CLI."""
        if self.kind in ("int_list", "choice_list"):
            return ",".join(str(v) for v in value)
        if self.kind == "bool":
            return "true" if value else "false"
        if self.kind == "float":
            return repr(float(value))
        return str(value)

    # -- validating typed values ------------------------------------------
    def validate(self, value: Any) -> Any:
        """Return the value in canonical form, or raise ParamError naming this parameter."""
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ParamError(self.name, f"{quoted(value)} is not true or false")
            return value
        if self.kind == "choice":
            if value not in self.choices:
                raise ParamError(self.name, f"{quoted(value)} is not {self.allowed()}")
            return value
        if self.kind == "choice_list":
            values = tuple(value) if isinstance(value, (list, tuple)) else (value,)
            if not values:
                raise ParamError(self.name, f"choose at least one; allowed: {self.allowed()}")
            bad = [v for v in values if v not in self.choices]
            if bad:
                raise ParamError(self.name, f"{quoted(bad[0])} is not {self.allowed()}")
            return values
        if self.kind == "int_list":
            values = tuple(value) if isinstance(value, (list, tuple)) else (value,)
            if not 1 <= len(values) <= self.max_items:
                raise ParamError(self.name, f"{len(values)} values given; allowed: {self.allowed()}")
            return tuple(self._check_number(v, whole=True) for v in values)
        return self._check_number(value, whole=self.kind == "int")

    def _check_number(self, value: Any, whole: bool) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParamError(self.name, f"{quoted(value)} is not {self.allowed()}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ParamError(self.name, f"{quoted(value)} is not {self.allowed()}")
        if whole:
            if isinstance(value, float) and not value.is_integer():
                raise ParamError(self.name, f"{quoted(value)} is not a whole number; allowed: {self.allowed()}")
            value = int(value)
        else:
            value = float(value)
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise ParamError(self.name, f"{_fmt(value)} is out of range; allowed: {self.allowed()}")
        return value

    def describe(self, preset: tuple[str, Any] | None = None) -> str:
        """One line for help texts: help, unit, allowed values, default (and a preset's value, `(name, value)`)."""
        unit = f" [{self.unit}]" if self.unit else ""
        live = " Can change while running." if self.live else ""
        default = f"Default: {self.to_text(self.default)}."
        if preset is not None:
            default = f"Preset {preset[0]}: {self.to_text(preset[1])}; default {self.to_text(self.default)}."
        return f"{self.help}{unit} Allowed: {self.allowed()}. {default}{live}"


def _fmt(x: float | None) -> str:
    if x is None:
        return "∞"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:g}"


class ParamSpec:
    """An ordered collection of `Param`s: an experiment's full declaration."""

    def __init__(self, params: Iterable[Param]):
        self._params: dict[str, Param] = {}
        for p in params:
            if p.name in self._params:
                raise ValueError(f"parameter {p.name!r} declared twice")
            self._params[p.name] = p

    def __iter__(self):
        return iter(self._params.values())

    def __contains__(self, name: str) -> bool:
        return name in self._params

    def __getitem__(self, name: str) -> Param:
        return self._params[name]

    def names(self) -> list[str]:
        return list(self._params)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self}

    def resolve(self, overrides: Mapping[str, Any] | None = None, base: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults, then `base` (a preset), then `overrides`; every value validated.

        Values may be typed or text (from a URL or the CLI); unknown names are errors.
        """
        values = self.defaults()
        for layer in (base or {}, overrides or {}):
            for name, raw in layer.items():
                if name not in self._params:
                    raise ParamError(name, f"unknown parameter; known: {', '.join(self._params)}")
                param = self._params[name]
                values[name] = param.parse(raw) if isinstance(raw, str) else param.validate(_listify(raw))
        return values

    def parse_assignments(self, assignments: Sequence[str]) -> dict[str, Any]:
        """`["lr=0.01", "hidden=500,500"]` into typed values (CLI `--set`)."""
        parsed: dict[str, Any] = {}
        for item in assignments:
            if "=" not in item:
                raise ParamError(item, "expected PARAM=VALUE")
            name, raw = item.split("=", 1)
            name = name.strip()
            if name not in self._params:
                raise ParamError(name, f"unknown parameter; known: {', '.join(self._params)}")
            parsed[name] = self._params[name].parse(raw)
        return parsed

    def to_query(self, values: Mapping[str, Any]) -> dict[str, str]:
        """Only the values that differ from the defaults, as text (for a shareable URL)."""
        return {
            name: self._params[name].to_text(value)
            for name, value in values.items()
            if name in self._params and value != self._params[name].default
        }

    def live_names(self) -> list[str]:
        return [p.name for p in self if p.live]

    def inactive(self, values: Mapping[str, Any]) -> dict[str, str]:
        """The parameters that have no effect with these values, each with the reason."""
        reasons = {p.name: p.inactive_reason(values) for p in self}
        return {name: reason for name, reason in reasons.items() if reason is not None}

    def grouped(self) -> list[tuple[str, list[Param]]]:
        """(section title, its parameters) in the order of GROUPS; ungrouped ones last, under "More"."""
        sections = [(title, [p for p in self if p.group == name]) for name, title in GROUPS.items()]
        sections.append((UNGROUPED_TITLE, [p for p in self if not p.group]))
        return [(title, params) for title, params in sections if params]

    def validate_live(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """A change to a going run, in canonical form; the one check of a live change.

        Raises ParamError for an unknown name, a parameter that cannot change while a run
        is going, or a value the parameter does not allow.
        """
        valid: dict[str, Any] = {}
        for name, value in changes.items():
            if name not in self._params:
                raise ParamError(name, "unknown parameter")
            param = self._params[name]
            if not param.live:
                raise ParamError(name, "cannot change while a run is going; stop and start again")
            valid[name] = param.validate(value)
        return valid


def _listify(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
