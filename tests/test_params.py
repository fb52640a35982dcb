import pytest

from fflab.catalog import get_experiment
from fflab.params import Param, ParamError, ParamSpec

SPEC = ParamSpec(
    [
        Param("lr", "float", 0.01, "Learning rate.", low=1e-6, high=1.0, live=True),
        Param("steps", "int", 100, "Steps.", low=1, high=1000),
        Param("hidden", "int_list", (500, 500), "Widths.", low=4, high=4000, max_items=3),
        Param("norm", "choice", "l2", "Norm.", choices=("l2", "rms", "none")),
        Param("skip", "bool", False, "Skip."),
    ]
)


def test_defaults_and_overrides_are_typed():
    values = SPEC.resolve({"lr": "0.5", "steps": "20", "hidden": "10, 20", "norm": "rms", "skip": "true"})
    assert values == {"lr": 0.5, "steps": 20, "hidden": (10, 20), "norm": "rms", "skip": True}
    assert SPEC.resolve() == SPEC.defaults()


@pytest.mark.parametrize(
    "name, raw, fragment",
    [
        ("lr", "5", "lr: 5 is out of range; allowed: a number from 1e-06 to 1"),
        ("lr", "fast", "lr: 'fast' is not a number from 1e-06 to 1"),
        ("lr", "nan", "lr: nan is not a number"),
        ("steps", "2.5", "steps: '2.5' is not a whole number"),
        ("steps", "0", "steps: 0 is out of range; allowed: a number from 1 to 1000 (whole)"),
        ("hidden", "1,2,3,4", "hidden: 4 values given"),
        ("hidden", "10,x", "hidden: '10,x' is not"),
        ("hidden", "2", "hidden: 2 is out of range"),
        ("norm", "layer", "norm: 'layer' is not one of l2, rms, none"),
        ("skip", "maybe", "skip: 'maybe' is not true or false"),
    ],
)
def test_bad_text_is_refused_with_the_parameter_named(name, raw, fragment):
    with pytest.raises(ParamError) as err:
        SPEC.resolve({name: raw})
    assert err.value.name == name
    assert fragment in str(err.value)


def test_unknown_parameter_and_bad_assignment():
    with pytest.raises(ParamError, match="bogus: unknown parameter; known: lr, steps"):
        SPEC.resolve({"bogus": "1"})
    with pytest.raises(ParamError, match="expected PARAM=VALUE"):
        SPEC.parse_assignments(["lr"])
    assert SPEC.parse_assignments(["lr=0.1", "hidden=8"]) == {"lr": 0.1, "hidden": (8,)}


def test_typed_values_are_validated_too():
    with pytest.raises(ParamError, match="lr: 2 is out of range"):
        SPEC.resolve({"lr": 2.0})
    with pytest.raises(ParamError, match="skip"):
        SPEC.resolve({"skip": 1})


def test_query_holds_only_non_defaults_and_round_trips():
    values = SPEC.resolve({"lr": 0.2, "hidden": (8, 9)})
    query = SPEC.to_query(values)
    assert query == {"lr": "0.2", "hidden": "8,9"}
    assert SPEC.resolve(query) == values


def test_bad_default_is_caught_at_declaration():
    with pytest.raises(ParamError, match="x: 5 is out of range"):
        Param("x", "int", 5, "X.", low=0, high=1)


def test_preset_values_pass_validation_and_unknown_preset_is_named():
    ff = get_experiment("ff")
    for name in ff.presets:
        ff.resolve_params(name)
    with pytest.raises(ParamError, match="preset: 'nope' is not one of"):
        ff.resolve_params("nope")
    assert ff.resolve_params("mpezeshki", {"lr": 0.05})["lr"] == 0.05
