"""The bio options of `ff`: three-factor modulation, prospective FF, PCL-FF, and the dead-unit count."""

import math

import pytest
import torch

from fflab.catalog import get_experiment
from fflab.ff.core import FFLayer, dead_unit_fractions, ff_loss, goodness
from fflab.ff.forward_forward.bio import (
    PCLLayer,
    _consolidation,
    judgement_margins,
    modulation_factors,
    weighted_ff_loss,
)
from fflab.params import ParamError

SMALL = {"hidden": (48, 48), "eval_every": 10}


def make(steps: int, seed: int = 0, **overrides):
    cls = get_experiment("ff")
    return cls(cls.resolve_params("digits-quick", {**SMALL, "steps": steps, **overrides}), seed=seed, device="cpu")


def train(steps: int, seed: int = 0, **overrides):
    exp = make(steps, seed, **overrides)
    records = []
    while not exp.done:
        records.append(exp.advance())
    return exp, records


def test_options_off_train_exactly_like_a_hand_written_ff_step():
    """With every bio option off, `ff` computes plain FF: the same losses and weights, bit for bit."""
    exp, records = train(4, seed=3)
    ref = make(4, seed=3)
    for record in records:
        x, y = ref.next_batch()
        h_pos, h_neg = ref._make_pair(x, y, ref.gen)
        total, losses = 0.0, []
        for layer in ref.layers:
            out = layer(torch.cat([h_pos.detach(), h_neg.detach()]))
            h_pos, h_neg = out[: len(x)], out[len(x):]
            losses.append(ff_loss(goodness(h_pos, "mean"), goodness(h_neg, "mean"), 2.0))
            total = total + losses[-1]
        ref.optimizers[0].zero_grad()
        total.backward()
        ref.optimizers[0].step()
        assert [record["loss.layer1"], record["loss.layer2"]] == [float(v.detach()) for v in losses]
    for mine, theirs in zip(exp.layers.parameters(), ref.layers.parameters(), strict=True):
        assert torch.equal(mine, theirs)
    assert not any(k.startswith("bio.") for k in exp.state_dict())


@pytest.mark.parametrize("kind", ["top_down", "layer_agreement", "reward_prediction"])
def test_zero_strength_modulation_reproduces_plain_ff_records(kind):
    _, plain = train(12, seed=1)
    _, modulated = train(12, seed=1, modulation=kind, modulation_strength=0.0)
    own = ("modulation.", "reward_baseline")
    assert [{k: v for k, v in r.items() if not k.startswith(own)} for r in modulated] == plain
    assert any(k.startswith("modulation.") for k in modulated[0])


@pytest.mark.parametrize(
    "overrides, own_key",
    [
        ({"modulation": "top_down"}, "modulation.layer1"),
        ({"modulation": "layer_agreement"}, "modulation.layer2"),
        ({"modulation": "reward_prediction", "loss": "symba"}, "reward_baseline"),
        ({"prospective": 0.5}, "consolidation.layer2"),
        ({"pcl": True}, "reconstruction_error.layer1"),
        ({"pcl": True, "schedule": "greedy", "norm": "l2"}, "surprise_mask.layer1"),
    ],
)
def test_each_option_trains_on_digits_with_finite_losses(overrides, own_key):
    start = [p.detach().clone() for p in make(20, **overrides).layers.parameters()]
    exp, records = train(20, **overrides)
    losses = [v for r in records for k, v in r.items() if k.startswith("loss.")]
    assert losses and all(math.isfinite(v) for v in losses)
    assert any(own_key in r for r in records)
    assert all(not torch.equal(a, b) for a, b in zip(start, exp.layers.parameters(), strict=True))
    dead = [r for r in records if "dead_fraction.layer1" in r]
    assert dead and all(0.0 <= r["dead_fraction.layer1"] <= 1.0 for r in dead)


def test_modulated_ff_still_learns_digits():
    exp, _ = train(150, modulation="top_down", modulation_strength=0.5)
    final = exp.final_metrics()  # on the whole test set, dead units included
    assert final["test_accuracy"] > 0.5 and 0.0 <= final["dead_fraction.layer2"] < 1.0


def test_modulation_factors_on_a_hand_made_case():
    # two layers, two samples: margins (the logit of a right judgement) per layer
    layer1, layer2 = torch.tensor([2.0, -2.0]), torch.tensor([0.0, 1.0])
    c1, c2 = torch.tanh(layer1 / 2), torch.tanh(layer2 / 2)
    factors, reward = modulation_factors("top_down", [layer1, layer2], baseline=0.5)
    assert torch.allclose(factors[0], -c2) and torch.equal(factors[1], torch.zeros(2))
    assert torch.equal(reward, torch.tensor([1.0, 0.0]))  # summed margins 2 and -1
    factors, _ = modulation_factors("layer_agreement", [layer1, layer2], baseline=0.5)
    assert torch.allclose(factors[0], -c1 * c2) and torch.allclose(factors[1], -c1 * c2)
    assert factors[0][1] > 0  # layer 1 sure it is wrong, layer 2 leaning right: they disagree
    factors, _ = modulation_factors("reward_prediction", [layer1, layer2], baseline=0.8)
    assert torch.allclose(factors[0], torch.tensor([-0.2, 0.8])) and torch.equal(factors[0], factors[1])


def test_judgement_margins_and_the_weighted_loss():
    g_pos, g_neg = torch.tensor([3.0, 1.0]), torch.tensor([1.5, 2.5])
    m_pos, m_neg = judgement_margins(g_pos, g_neg, 2.0, "threshold", 4.0)
    assert torch.equal(m_pos, torch.tensor([1.0, -1.0])) and torch.equal(m_neg, torch.tensor([0.5, -0.5]))
    pair, same = judgement_margins(g_pos, g_neg, 2.0, "symba", 4.0)
    assert torch.equal(pair, torch.tensor([6.0, -6.0])) and pair is same
    ones = torch.ones(2)
    for kind in ("threshold", "symba"):
        assert torch.equal(weighted_ff_loss(g_pos, g_neg, ones, ones, 2.0, kind), ff_loss(g_pos, g_neg, 2.0, kind))
    w_pos, w_neg = torch.tensor([2.0, 0.0]), torch.tensor([0.0, 1.0])
    expected = (2 * math.log1p(math.exp(-1.0)) + math.log1p(math.exp(0.5))) / 4
    assert weighted_ff_loss(g_pos, g_neg, w_pos, w_neg, 2.0).item() == pytest.approx(expected)


def test_reward_baseline_follows_the_nets_correctness():
    exp = make(5, modulation="reward_prediction")
    right = (torch.tensor([3.0, 3.0]), torch.tensor([1.0, 1.0]))  # θ = 2: every sample judged right
    wrong = (torch.tensor([1.0, 1.0]), torch.tensor([3.0, 3.0]))
    terms = exp.bio.simultaneous_terms((None, None), [None, None], [right, right])
    assert float(exp.bio.reward_baseline) == pytest.approx(0.99 * 0.5 + 0.01 * 1.0)
    assert float(terms[0].stats["reward_baseline"]) == 0.5  # logged before the update
    assert torch.allclose(terms[0].w_pos, torch.full((2,), 1 - 0.5 * 0.5))  # reward 1 against 0.5: learn less
    terms = exp.bio.simultaneous_terms((None, None), [None, None], [wrong, right])  # summed margins -2 + 2 = 0
    assert torch.allclose(terms[1].w_neg, torch.full((2,), 1 + 0.5 * 0.505))  # no reward: learn more
    other = make(5, modulation="reward_prediction")
    other.load_state_dict(exp.state_dict())
    assert float(other.bio.reward_baseline) == float(exp.bio.reward_baseline)


@pytest.mark.parametrize("option", [{"modulation": "top_down"}, {"prospective": 0.01}])
def test_options_that_need_every_layer_refuse_the_greedy_schedule(option):
    with pytest.raises(ParamError, match=f"{next(iter(option))}: .*simultaneous"):
        make(5, schedule="greedy", **option)


def test_prospective_feedback_comes_from_the_seed_only():
    a, b, c = (make(5, seed=seed, prospective=0.01).bio.feedback for seed in (2, 2, 3))
    assert [f.shape for f in a.values()] == [(48, 48), (48, 10)]  # from the next layer, from the label
    assert torch.equal(a["layer1"], b["layer1"]) and not torch.equal(a["layer1"], c["layer1"])
    plain, pulled = make(5, seed=2), make(5, seed=2, prospective=0.01)  # the feedback has its own generator
    assert all(torch.equal(p, q) for p, q in zip(plain.layers.parameters(), pulled.layers.parameters(), strict=True))


def test_prospective_pull_towards_the_inferred_target_on_a_hand_made_case():
    activity, source, feedback = torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0]]), torch.tensor([[2.0], [-4.0]])
    # positive: target relu([1 + 0.5·2, 0 − 0.5·4]) = [2, 0]; negative: relu([1 − 1, 0 + 2]) = [0, 2]
    assert _consolidation(activity, source, feedback, 1.0).item() == pytest.approx(0.5)
    assert _consolidation(activity, source, feedback, -1.0).item() == pytest.approx(2.5)
    assert _consolidation(activity, source, torch.zeros(2, 1), 1.0).item() == 0.0


def test_pcl_layer_masks_its_activity_by_surprise():
    layer = PCLLayer(4, 3, "none", {"pcl_surprise": 1.0})
    with torch.no_grad():
        layer.linear.weight.fill_(0.5)
        layer.linear.bias.zero_()
        layer.predictor.weight.zero_()
        layer.predictor.bias.zero_()  # predicts 0, so the error is the mean square of the input: 1
    h = layer(torch.ones(1, 4))
    surprise = torch.sigmoid(torch.tensor(10.0 - 5.0))
    assert torch.allclose(h, torch.full((1, 3), 2.0) * surprise)
    assert torch.allclose(layer.reconstruction_error, torch.ones(1))
    layer.params = {"pcl_surprise": 0.0}  # no mask
    assert torch.allclose(layer(torch.ones(1, 4)), torch.full((1, 3), 2.0))


def test_dead_fraction_on_hand_made_layers():
    silent, half = FFLayer(12, 4, "none"), FFLayer(4, 6, "none")
    with torch.no_grad():
        silent.linear.weight.normal_()
        silent.linear.bias.fill_(-1e6)  # all-negative biases: every unit is zero on every input
        half.linear.weight.zero_()
        half.linear.bias.copy_(torch.tensor([1.0, 1.0, 1.0, -1.0, -1.0, -1.0]))
    images = torch.rand(20, 12)
    dead = dead_unit_fractions([silent, half], images, num_classes=3, strength=1.0)
    assert dead == {"dead_fraction.layer1": 1.0, "dead_fraction.layer2": 0.5}
    alive = FFLayer(12, 4, "none")
    with torch.no_grad():
        alive.linear.weight.zero_()
        alive.linear.bias.fill_(-1.0)
        alive.linear.weight[0, 0] = 10.0  # fires only when the candidate label is 0 (pixel 0 set to 1)
    assert dead_unit_fractions([alive], images, num_classes=3, strength=1.0) == {"dead_fraction.layer1": 0.75}
