"""`ff-text` with `layer=ssm`: the scan is the recurrence, the candidate trick is exact, FF stays layer-local."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from fflab.cli import main
from fflab.ff.ff_text.experiment import FFText
from fflab.ff.ff_text.ssm import SSMLayer, SSMNet, TextSSM, linear_scan, recurrence, rms_normalise, stepwise_recurrence
from tests.training import advance

REPO = Path(__file__).resolve().parents[2]
TINY = {"corpus": "excerpt", "layer": "ssm", "context": 6, "hidden": (48, 48), "state_size": 16, "batch_size": 64,
        "steps": 150, "eval_every": 75, "eval_chars": 300, "final_chars": 600, "sample_chars": 20}


def _decay(size: int) -> torch.Tensor:
    return torch.exp(torch.complex(-torch.rand(size, dtype=torch.double) - 0.01,
                                   torch.rand(size, dtype=torch.double) * 2 * math.pi))


@pytest.mark.parametrize("length", [1, 2, 5, 8, 13, 32])
def test_the_parallel_scan_is_the_step_by_step_recurrence(length: int) -> None:
    torch.manual_seed(length)
    decay, drive = _decay(4), torch.randn(3, length, 4, dtype=torch.cdouble)
    expected = stepwise_recurrence(decay, drive)
    assert torch.allclose(linear_scan(decay, drive), expected, atol=1e-12)
    layer = SSMLayer(5, 3, 4, 0.3, 0.95, one_hot=False).double()
    by_steps = stepwise_recurrence(layer.decay(), drive)[:, -1]
    assert torch.allclose(layer.final_state(drive), by_steps, atol=1e-12)  # the convolution form


def test_the_scans_backward_is_the_gradient_of_the_recurrence() -> None:
    torch.manual_seed(0)
    decay = _decay(3).requires_grad_()
    drive = torch.randn(2, 7, 3, dtype=torch.cdouble, requires_grad=True)
    assert torch.autograd.gradcheck(recurrence, (decay, drive))
    weights = torch.randn(2, 7, 3, dtype=torch.cdouble)
    by_scan = torch.autograd.grad((recurrence(decay, drive) * weights).real.sum(), (decay, drive))
    by_steps = torch.autograd.grad((stepwise_recurrence(decay, drive) * weights).real.sum(), (decay, drive))
    for a, b in zip(by_scan, by_steps, strict=True):
        assert torch.allclose(a, b, atol=1e-12)


def _goodness_of_full_sequences(net: TextSSM, sequences: torch.Tensor) -> torch.Tensor:
    """Each layer run over the whole sequence (candidate last), goodness read at the last position, summed."""
    inputs, total = sequences, torch.zeros(len(sequences), dtype=torch.double)
    for layer in net.layers:
        outputs, _ = layer(inputs)
        total = total + outputs[:, -1].pow(2).mean(dim=1)
        inputs = rms_normalise(outputs)
    return total


def test_one_step_per_candidate_equals_running_every_full_sequence() -> None:
    torch.manual_seed(1)
    vocab, k = 6, 5
    net = TextSSM(vocab, (7, 5, 4), 3, 0.2, 0.99).double()
    contexts = torch.randint(0, vocab, (4, k))
    scored = net.goodness_of_every_candidate(contexts)
    assert scored.shape == (4, vocab)
    for c in range(vocab):
        full = torch.cat([contexts, torch.full((4, 1), c)], dim=1)
        assert torch.allclose(scored[:, c], _goodness_of_full_sequences(net, full), atol=1e-10)
    candidates = torch.randint(0, vocab, (4,))
    one = sum(h.pow(2).mean(dim=1) for h in net.activities(contexts, candidates))
    assert torch.allclose(one, scored[torch.arange(4), candidates], atol=1e-10)
    bp = SSMNet(vocab, (7, 5), 3, 0.2, 0.99).double()
    top = bp.layers[1](rms_normalise(bp.layers[0](contexts)[0]))[0][:, -1]
    assert torch.allclose(bp(contexts), bp.head(top), atol=1e-10)


def test_no_gradient_crosses_a_layer_but_it_flows_back_through_time_within_one() -> None:
    torch.manual_seed(2)
    net = TextSSM(6, (8, 5), 4, 0.5, 0.99)
    contexts, candidates = torch.randint(0, 6, (3, 4)), torch.randint(0, 6, (3, 2))
    first, second = net.layerwise(contexts, candidates)
    second.pow(2).mean().backward()
    assert all(p.grad is None for p in net.layers[0].parameters())
    assert all(p.grad is not None for p in net.layers[1].parameters())
    first.pow(2).mean().backward()
    earliest = net.layers[0].input_weight.grad[contexts[:, 0]]  # rows of the characters k steps before the end
    assert float(earliest.abs().sum()) > 0  # the layer's own goodness reaches its earliest input through λ^k
    assert net.layers[0].log_decay_rate.grad is not None and net.layers[0].log_phase.grad is not None


def test_it_learns_the_excerpt_better_than_uniform_by_ff_and_by_bptt(one_thread) -> None:
    exp = FFText(FFText.params.resolve(TINY), seed=0)
    records = advance(exp)
    final = exp.final_metrics()
    uniform = math.log(exp.vocab)
    assert final["val_nats_per_char"] < uniform - 0.6, final
    assert final["val_nats_per_char.softmax"] < uniform - 0.6, final
    assert final["val_nats_per_char.bp"] < uniform - 0.6, final
    losses = [r["loss.layer1"] for r in records]
    assert sum(losses[-20:]) < sum(losses[:20])
    snap = exp.snapshot()
    assert len(snap.sample) == 20 and set(snap.sample) <= set(snap.vocab)
    restored = FFText(FFText.params.resolve(TINY), seed=5)
    restored.load_state_dict(exp.state_dict())
    window = exp.val_ids[:6][None]
    assert torch.equal(restored.net.goodness_of_every_candidate(window), exp.net.goodness_of_every_candidate(window))


def test_ssm_radii_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="ssm_r_min"):
        FFText(FFText.params.resolve({**TINY, "ssm_r_min": 0.9, "ssm_r_max": 0.5}))


def test_the_cli_runs_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_thread) -> None:
    monkeypatch.setenv("FFLAB_HOME", str(tmp_path))
    settings = ["layer=ssm", "steps=12", "eval_every=6", "hidden=32,32", "state_size=8", "final_chars=300"]
    assert main(["run", "ff-text", "--preset", "excerpt-quick", "--set", *settings, "--no-save", "--quiet"]) == 0
