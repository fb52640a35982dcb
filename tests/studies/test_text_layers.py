"""`text-layers`: four nets on the same batches; memory against the window as each kind of layer predicts."""

from __future__ import annotations

import math

import torch

from fflab.ff.ff_text.experiment import FFText
from fflab.studies.text_layers.experiment import TextLayers
from fflab.studies.text_layers.params import MODELS
from tests.training import advance

TINY = {"corpus": "excerpt", "context": 8, "hidden": (32, 32), "state_size": 8, "steps": 120, "batch_size": 64,
        "eval_every": 60, "eval_chars": 300, "final_chars": 600, "lengths": (8, 16, 32)}


def test_the_ssm_nets_memory_grows_with_the_window_ff_below_bptt_and_the_mlps_stay_nearly_flat(one_thread):
    exp = TextLayers(TextLayers.params.resolve({**TINY, "steps": 1}), seed=0)
    advance(exp, len(exp.lengths))
    memory = exp.activation_bytes
    for name in ("ff_ssm", "ssm_bptt"):
        assert memory[name][32] > 3 * memory[name][8], (name, memory[name])
    for n in (8, 16, 32):
        assert memory["ff_ssm"][n] < memory["ssm_bptt"][n]
    for name in ("ff_mlp", "mlp_bp"):
        assert memory[name][32] < 1.5 * memory[name][8], (name, memory[name])


def test_all_four_learn_and_report_every_metric(one_thread):
    exp = TextLayers(TextLayers.params.resolve(TINY), seed=0)
    records = advance(exp)
    evaluated = [r for r in records if "val_nats_per_char.ff_ssm" in r]
    assert len(evaluated) == 2
    final = exp.final_metrics()
    uniform = math.log(exp.runs["mlp"].vocab)
    for name in MODELS:
        assert final[f"val_nats_per_char.{name}"] < uniform - 0.5, (name, final)
        assert final[f"train_seconds.{name}"] > 0
        assert final[f"activation_bytes.{name}"] == final[f"activation_bytes.{name}.window8"]
    snap = exp.snapshot()
    assert snap.phase == "done" and snap.lengths == (8, 16, 32)
    assert [len(snap.curves[name].nats) for name in MODELS] == [2, 2, 2, 2]


def test_the_nets_train_on_the_batches_an_ff_text_run_of_their_kind_draws(one_thread):
    study = TextLayers(TextLayers.params.resolve({**TINY, "steps": 25, "lengths": (8,)}), seed=3)
    advance(study)
    for layer in ("mlp", "ssm"):
        alone = FFText(FFText.params.resolve({**{k: TINY[k] for k in ("corpus", "context", "hidden", "state_size",
                                                                         "batch_size", "eval_chars", "final_chars")},
                                              "steps": 25, "eval_every": 60, "layer": layer}), seed=3)
        advance(alone)
        for part in ("net", "bp"):
            ours, theirs = getattr(study.runs[layer], part).state_dict(), getattr(alone, part).state_dict()
            assert all(torch.equal(ours[k], theirs[k]) for k in theirs), (layer, part)
