"""`ff-text`: the window layer is the one-hot linear map it claims to be, scoring is consistent, and it learns."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from fflab.ff.ff_text.experiment import FFText
from fflab.ff.ff_text.model import TextFF, WindowLayer, bigram_log_probs, fit_temperature, windows
from fflab.ff.ff_text.snapshot import TextSnapshot
from tests.training import advance, torch_threads

SMALL = {"corpus": "excerpt", "context": 6, "hidden": (64, 64), "batch_size": 64, "steps": 200, "eval_every": 100,
         "eval_chars": 400, "final_chars": 800, "sample_chars": 30}


def test_the_window_layer_is_a_linear_map_of_the_rms_normalised_one_hot_window() -> None:
    torch.manual_seed(0)
    k, vocab, width = 3, 5, 7
    layer = WindowLayer(k, vocab, width)
    contexts, candidates = torch.tensor([[0, 4, 2], [1, 1, 3]]), torch.tensor([3, 0])
    one_hot = torch.cat([F.one_hot(contexts, vocab).flatten(1), F.one_hot(candidates, vocab)], dim=1).float()
    x = one_hot / one_hot.pow(2).mean(dim=1, keepdim=True).sqrt()
    weight = torch.cat([layer.context_rows.weight, layer.candidate_rows.weight]).t()  # (width, (k + 1) · vocab)
    expected = F.relu(x @ weight.t() + layer.bias)
    assert torch.allclose(layer(contexts, candidates), expected, atol=1e-5)
    every = layer.every_candidate(contexts)
    assert torch.allclose(every[torch.arange(2), candidates], expected, atol=1e-5)


def test_scoring_every_candidate_matches_one_forward_per_candidate() -> None:
    torch.manual_seed(1)
    net = TextFF(4, 6, (8, 5))
    contexts = torch.randint(0, 6, (3, 4))
    scored = net.goodness_of_every_candidate(contexts)
    for c in range(6):
        h = net.activities(contexts, torch.full((3,), c))
        assert torch.allclose(scored[:, c], sum(a.pow(2).mean(dim=1) for a in h), atol=1e-5)


def test_no_gradient_crosses_a_layer() -> None:
    torch.manual_seed(2)
    net = TextFF(4, 6, (8, 5))
    contexts, candidates = torch.randint(0, 6, (3, 4)), torch.randint(0, 6, (3,))
    net.activities(contexts, candidates)[1].pow(2).mean().backward()
    assert net.first.context_rows.weight.grad is None
    assert net.rest[0].linear.weight.grad is not None


def test_the_fitted_temperature_minimises_the_cross_entropy() -> None:
    torch.manual_seed(3)
    scores, targets = torch.randn(500, 9) * 4, torch.randint(0, 9, (500,))
    scores[torch.arange(500), targets] += 3.0
    best = fit_temperature(scores, targets)

    def loss(t: float) -> float:
        return float(F.cross_entropy(scores / t, targets))

    assert loss(best) <= min(loss(best * 0.9), loss(best * 1.1)) + 1e-6


def test_the_bigram_model_matches_counts_by_hand() -> None:
    ids = torch.tensor([0, 1, 0, 1, 1, 0])
    log_p = bigram_log_probs(ids, 2, smoothing=1.0)
    # pairs: 0→1 twice, 1→0 twice, 1→1 once; add one to each of the four cells
    assert math.isclose(float(log_p[0, 1].exp()), 3 / 4, rel_tol=1e-6)
    assert math.isclose(float(log_p[1, 0].exp()), 3 / 5, rel_tol=1e-6)
    ctx, nxt = windows(ids, torch.tensor([2, 5]), 2)
    assert ctx.tolist() == [[0, 1], [1, 1]] and nxt.tolist() == [0, 0]


def test_it_learns_the_excerpt_better_than_uniform_and_reports_every_metric(one_thread) -> None:
    exp = FFText(FFText.params.resolve(SMALL), seed=0)
    records = advance(exp)
    scored = [r for r in records if "val_nats_per_char" in r]
    assert [len(scored), "val_nats_per_char.bp" in scored[0], "val_nats_per_char.bigram" in scored[0]] == [2, True,
                                                                                                            True]
    final = exp.final_metrics()
    uniform = math.log(exp.vocab)
    assert final["val_nats_per_char"] < uniform - 0.6, final
    assert final["val_nats_per_char.bp"] < uniform - 0.6, final
    losses = [r["loss.layer1"] for r in records]
    assert sum(losses[-20:]) < sum(losses[:20])
    snap = exp.snapshot()
    assert isinstance(snap, TextSnapshot) and len(snap.sample) == 30 and set(snap.sample) <= set(snap.vocab)
    assert math.isclose(float(snap.candidate_probability.sum()), 1.0, rel_tol=1e-4)


def test_self_generated_negatives_are_never_the_true_character(one_thread) -> None:
    exp = FFText(FFText.params.resolve({**SMALL, "negatives": "self"}), seed=0)
    contexts, targets = windows(exp.train_ids, torch.arange(10, 500), exp.p["context"])
    wrong = exp._negatives(contexts, targets)
    assert not bool((wrong == targets).any())


def test_same_seed_same_numbers_and_the_weights_round_trip(one_thread) -> None:
    with torch_threads(1):
        a, b = (FFText(FFText.params.resolve({**SMALL, "steps": 20, "eval_every": 20}), seed=4) for _ in range(2))
        assert advance(a)[-1] == advance(b)[-1]
        c = FFText(FFText.params.resolve({**SMALL, "steps": 20}), seed=9)
        c.load_state_dict(a.state_dict())
        assert torch.equal(c.net.goodness_of_every_candidate(a.val_ids[:6][None]),
                           a.net.goodness_of_every_candidate(a.val_ids[:6][None]))


def test_a_typed_prompt_is_read_through_the_window_with_unknown_characters_left_out(one_thread) -> None:
    exp = FFText(FFText.params.resolve({**SMALL, "steps": 30}), seed=0)
    advance(exp)
    k = exp.p["context"]
    reading = exp.read_prompt("ROMEO§:\nBut soft")
    assert reading.left_out == "§" and reading.prompt == ":\nBut soft"[-k:]
    window = exp.corpus.encode(reading.prompt)[None]
    assert torch.allclose(torch.as_tensor(reading.candidate_goodness), exp.net.goodness_of_every_candidate(window)[0])
    assert math.isclose(float(reading.candidate_probability.sum()), 1.0, rel_tol=1e-4)
    assert len(reading.continuation) == 30 and set(reading.continuation) <= set(exp.corpus.vocab)
    assert exp.read_prompt("ROMEO§:\nBut soft").continuation == reading.continuation, "one seed, one continuation"
    short = exp.read_prompt("Hi")
    assert short.prompt == "Hi".rjust(k) and short.step == 30


def test_reloaded_weights_give_the_same_temperature_and_reading(one_thread) -> None:
    params = FFText.params.resolve({**SMALL, "steps": 30})
    a = FFText(params, seed=2)
    advance(a)
    b = FFText(params, seed=2)
    b.load_state_dict(a.state_dict())
    assert math.isclose(b.temperature, a.temperature, rel_tol=1e-6)
    assert torch.allclose(torch.as_tensor(b.read_prompt("To be").candidate_probability),
                          torch.as_tensor(a.read_prompt("To be").candidate_probability))


def test_the_sample_is_kept_a_few_seconds_while_training_and_renewed_once_the_net_stops_moving(one_thread) -> None:
    exp = FFText(FFText.params.resolve({**SMALL, "steps": 30}), seed=0)
    advance(exp, 5)
    assert exp.snapshot().step == 5
    advance(exp, 5)
    assert exp.snapshot().step == 5, "within a few seconds of the last sample, it is kept"
    assert exp.snapshot().step == 10, "no step since the last snapshot: paused or ended, the sample is renewed"
