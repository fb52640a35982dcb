"""How the rule learns: bptt lowers its loss on tiny grids; FF keeps each gradient in one layer and one step."""

import torch

import fflab.nca.ff as ff_module
from fflab.nca.bptt import BPTTTrainer
from fflab.nca.ff import CODE_CHANNELS, FFRule, FFTrainer, rms_normalise, teacher_growth, teacher_state
from fflab.nca.model import UpdateRule, grow, rgba_error, seed_state
from fflab.nca.targets import draw_target

SETTINGS = {"pool_size": 8, "batch": 4, "train_damage": 0, "damage_radius": 1.0, "grow_min": 4, "grow_max": 6,
            "fire_rate": 0.5, "lr": 2e-3, "ff_lr": 2e-3, "size": 6, "ff_rollout": 2, "threshold": 2.0, "ff_perceive": "goodness"}


def two_pixel_target() -> torch.Tensor:
    """A 5×5 grid whose picture is the seed cell and its right neighbour, both opaque red."""
    target = torch.zeros(4, 5, 5)
    target[0, 2, 2:4] = 1.0
    target[3, 2, 2:4] = 1.0
    return target


def bptt_trainer(target: torch.Tensor, **overrides) -> BPTTTrainer:
    generator = torch.Generator().manual_seed(0)
    return BPTTTrainer(UpdateRule(generator=generator), target, {**SETTINGS, **overrides}, generator)


def test_a_tiny_grid_learns_a_two_pixel_target_by_bptt():
    target = two_pixel_target()
    trainer = bptt_trainer(target, lr=5e-3)
    losses = [trainer.train_step()["loss"] for _ in range(150)]
    assert sum(losses[-10:]) / 10 < 0.3 * sum(losses[:10]) / 10, (losses[:10], losses[-10:])
    with torch.no_grad():
        grown = grow(seed_state(4, 5, 5), trainer.rule, 6, 0.5, torch.Generator().manual_seed(9))
    assert float(rgba_error(grown, target).mean()) < 0.3 * float(rgba_error(seed_state(1, 5, 5), target)[0])
    assert trainer.seconds > 0


def test_a_short_bptt_run_lowers_its_loss_on_a_drawn_target():
    trainer = bptt_trainer(draw_target("rings", 6, 2), lr=5e-3)
    losses = [trainer.train_step()["loss"] for _ in range(40)]
    assert min(losses[-5:]) < losses[0]


def ff_trainer(**overrides) -> FFTrainer:
    generator = torch.Generator().manual_seed(0)
    rule = FFRule(generator=generator)
    with torch.no_grad():
        rule.update_layer.weight.normal_(0.0, 0.05, generator=generator)  # so both layers carry signal
    return FFTrainer(rule, draw_target("smiley", 6, 2), {**SETTINGS, **overrides}, generator)


def grads(module: torch.nn.Module) -> list[torch.Tensor | None]:
    return [p.grad for p in module.parameters()]


def test_each_ff_loss_reaches_only_its_own_layer():
    trainer = ff_trainer()
    with torch.no_grad():  # as the trainer grows its states
        states = grow(seed_state(4, 10, 10), trainer.rule, 3, 1.0, torch.Generator().manual_seed(1))
    loss, _, _, _ = trainer.perceive_loss(states)
    loss.backward()
    assert all(g is not None for g in grads(trainer.rule.perceive_layer))
    assert all(g is None for g in grads(trainer.rule.update_layer))  # goodness never reaches the update layer
    trainer.rule.zero_grad(set_to_none=True)
    trainer.update_loss(states).backward()
    assert all(g is not None for g in grads(trainer.rule.update_layer))
    assert all(g is None for g in grads(trainer.rule.perceive_layer))  # the update's error stops at its input


def test_the_ff_rollout_grows_without_gradient_so_nothing_flows_through_time(monkeypatch):
    trainer = ff_trainer()
    grad_modes: list[bool] = []
    real_step = ff_module.ca_step

    def recording_step(state, rule, fire_rate, generator=None):
        grad_modes.append(torch.is_grad_enabled() or state.requires_grad)
        return real_step(state, rule, fire_rate, generator)

    monkeypatch.setattr(ff_module, "ca_step", recording_step)
    metrics = trainer.train_step()
    assert grad_modes == [False, False]  # one automaton step per local update, none recorded for autograd
    assert not trainer.pool.states.requires_grad
    assert set(metrics) == {"loss", "goodness_loss", "update_loss", "goodness_pos", "goodness_neg"}


def test_a_frozen_perceive_layer_does_not_move():
    trainer = ff_trainer(ff_perceive="frozen")
    before = trainer.rule.perceive_layer.weight.clone()
    trainer.train_step()
    assert torch.equal(trainer.rule.perceive_layer.weight, before)


def test_the_teacher_holds_the_target_and_the_position_and_grows_as_discs():
    target = draw_target("smiley", 6, 2)
    teacher = teacher_state(target, 3.0)
    assert torch.equal(teacher[:4], target)
    x, y = teacher[CODE_CHANNELS[0]], teacher[CODE_CHANNELS[1]]
    assert x[5, 5] == 0 and y[5, 5] == 0  # the centre, where the seed sits
    assert torch.isclose(x[5, 6], torch.tensor(1 / 3)) and torch.isclose(y[6, 5], torch.tensor(1 / 3))
    growth = teacher_growth(teacher, 16, torch.Generator().manual_seed(0))
    sizes = (growth[:, 3] > 0).sum(dim=(1, 2))
    assert growth.shape == (16, 16, 10, 10) and len(set(sizes.tolist())) > 3
    assert torch.allclose(rms_normalise(torch.full((1, 4, 1, 1), 3.0)), torch.ones(1, 4, 1, 1), atol=1e-5)
