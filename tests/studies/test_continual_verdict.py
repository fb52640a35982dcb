"""The continual page's sentence follows the run's numbers, whichever way they come out."""

from fflab.studies.continual.verdict import verdict


def test_a_gap_is_named_in_the_direction_the_numbers_go():
    better = verdict({"average_accuracy.ff": 0.60, "average_accuracy.bp": 0.20,
                      "forgetting.ff": 0.30, "forgetting.bp": 0.95})
    worse = verdict({"average_accuracy.ff": 0.20, "average_accuracy.bp": 0.60})
    assert better == ["Fine-tuned on one task after another, FF ended better than backprop: average accuracy "
                      "60.0% against 20.0% (forgetting 30.0% against 95.0%)."]
    assert "worse than backprop" in worse[0] and "forgetting" not in worse[0]


def test_a_gap_under_two_points_is_a_tie_and_joint_is_quoted():
    said = verdict({"average_accuracy.ff_replay": 0.846, "average_accuracy.bp_replay": 0.835,
                    "average_accuracy.joint": 0.979})
    assert said[0].startswith("With the same replay buffer, FF ended about the same as backprop: average accuracy "
                              "84.6% against 83.5%")
    assert said[1] == "Joint training on all the data reached 97.9%."


def test_nothing_is_said_without_a_pair():
    assert verdict({"average_accuracy.ff": 0.5, "average_accuracy.joint": 0.9}) == []
