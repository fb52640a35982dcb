import pytest

from fflab.catalog import get_experiment
from fflab.params import Condition, Param, ParamError, ParamSpec, quoted

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


def test_a_live_change_is_checked_once_by_the_declaration():
    assert SPEC.validate_live({"lr": 1}) == {"lr": 1.0}
    with pytest.raises(ParamError, match="steps: cannot change while a run is going"):
        SPEC.validate_live({"steps": 3})
    with pytest.raises(ParamError, match="depth: unknown parameter"):
        SPEC.validate_live({"depth": 3})
    with pytest.raises(ParamError, match="lr: 5 is out of range"):
        SPEC.validate_live({"lr": 5.0})


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


def test_a_parameter_declares_its_group_and_when_it_applies():
    spec = ParamSpec(
        [
            Param("loss", "choice", "threshold", "Loss.", choices=("threshold", "symba"), group="objective"),
            Param("alpha", "float", 4.0, "α.", low=0.1, high=10.0, group="objective", applies=("loss", "symba")),
            Param("pcl", "bool", False, "PCL.", group="objective"),
            Param("pcl_alpha", "float", 0.5, "PCL α.", low=0.0, high=1.0, applies=("pcl", True)),
            Param("epochs", "float", 0.0, "Epochs.", low=0.0, high=9.0, group="schedule"),
            Param("steps", "int", 10, "Steps.", low=1, high=99, group="schedule",
                  applies=Condition("epochs", (0.0,), reason="epochs decides the run length")),
            Param("strength", "float", 0.5, "s.", low=0.0, high=1.0,
                  applies=Condition("pcl", test=lambda on: on, reason="only with PCL")),
        ]
    )
    assert [(title, [p.name for p in params]) for title, params in spec.grouped()] == [
        ("Objective", ["loss", "alpha", "pcl"]), ("Schedule", ["epochs", "steps"]), ("More", ["pcl_alpha", "strength"]),
    ]
    assert spec.inactive(spec.defaults()) == {
        "alpha": "only with loss = symba", "pcl_alpha": "only with pcl on", "strength": "only with PCL"}
    assert spec.inactive(spec.resolve({"loss": "symba", "pcl": "true", "epochs": "2"})) == {
        "steps": "epochs decides the run length"}
    assert spec["steps"].conditions[0].describe() == "only with epochs = 0.0: epochs decides the run length"
    assert spec["alpha"].inactive_reason({}) is None  # a condition on a parameter the spec lacks counts as met
    with pytest.raises(ValueError, match="unknown group 'optimizer'"):
        Param("lr", "float", 0.1, "LR.", low=0.0, high=1.0, group="optimizer")
    with pytest.raises(ValueError, match="cannot depend on itself"):
        Param("lr", "float", 0.1, "LR.", low=0.0, high=1.0, applies=("lr", 0.1))
    with pytest.raises(ValueError, match="needs its reason"):
        Condition("pcl", test=bool)


def test_help_gives_the_presets_value_beside_the_default():
    lr = SPEC["lr"]
    assert lr.describe().endswith("Default: 0.01. Can change while running.")
    assert "Preset quick: 0.003; default 0.01. Can change while running." in lr.describe(("quick", 0.003))


def test_a_refused_value_is_quoted_cut_short():
    assert quoted("abc") == "'abc'"
    assert quoted("x" * 100_000) == repr("x" * 80) + "… (100,000 characters)"
    with pytest.raises(ParamError) as err:
        SPEC.resolve({"norm": "[a](http://e.org)" * 10_000})
    assert len(str(err.value)) < 200 and "(170,000 characters)" in str(err.value)
    with pytest.raises(ParamError, match="hidden: '1e400' is not"):
        SPEC.resolve({"hidden": "1e400"})  # an overflow is refused, not raised


def test_every_experiments_groups_and_conditions_are_declared_beside_their_parameters():
    from fflab.catalog import all_experiments
    from fflab.param_conditions import GROUPS

    for cls in all_experiments().values():
        for param in cls.params:
            assert not param.group or param.group in GROUPS
            for condition in param.conditions:  # the race's knobs name `negatives`, which it calls `strategies`
                assert condition.param in cls.params or cls.name in ("negatives",), (cls.name, param.name)
    ff = get_experiment("ff")
    assert all(p.group for p in ff.params)
    assert ff.params.inactive(ff.resolve_params("quick"))["steps"] == "epochs decides the run length"
    assert "symba_alpha" in ff.params.inactive(ff.resolve_params("digits-quick"))
