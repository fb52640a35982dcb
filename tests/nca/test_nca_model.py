"""The automaton by hand: Sobel perception, the alive mask, the zero-initialised rule, the stochastic update."""

import torch

from fflab.nca.model import (
    CHANNELS,
    PERCEPTION,
    UpdateRule,
    alive_mask,
    ca_step,
    damage_disc,
    grow,
    perceive,
    rgba_error,
    seed_state,
    to_rgb_image,
)
from fflab.nca.targets import SHAPES, draw_target


def test_perception_is_the_state_then_sobel_x_then_sobel_y_with_zero_padding():
    state = torch.arange(1.0, 10.0).reshape(1, 1, 3, 3)  # [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    seen = perceive(state)
    assert seen.shape == (1, 3, 3, 3)
    assert torch.equal(seen[0, 0], state[0, 0])
    # centre: Sobel x = ((3-1) + 2(6-4) + (9-7)) / 8 = 1; Sobel y = ((7+16+9) - (1+4+3)) / 8 = 3
    assert torch.isclose(seen[0, 1, 1, 1], torch.tensor(1.0)) and torch.isclose(seen[0, 2, 1, 1], torch.tensor(3.0))
    # top-left corner, zeros outside: x = (2·2 + 5) / 8, y = (2·4 + 5) / 8
    assert torch.isclose(seen[0, 1, 0, 0], torch.tensor(9 / 8))
    assert torch.isclose(seen[0, 2, 0, 0], torch.tensor(13 / 8))
    # a constant field has no gradient away from the border
    flat = perceive(torch.ones(1, 2, 5, 5))
    assert torch.allclose(flat[0, 2:, 1:-1, 1:-1], torch.zeros(4, 3, 3))


def test_perception_keeps_the_channels_apart_and_gives_48_numbers_per_cell():
    state = torch.zeros(1, CHANNELS, 5, 5)
    state[0, 7, 2, 3] = 1.0  # one value in channel 7, right of the centre
    seen = perceive(state)
    assert seen.shape == (1, PERCEPTION, 5, 5)
    nonzero = {int(c) for c in seen[0].abs().sum(dim=(1, 2)).nonzero()}
    assert nonzero == {7, CHANNELS + 7, 2 * CHANNELS + 7}
    assert seen[0, CHANNELS + 7, 2, 2] == 2 / 8  # the centre sees it on its right: Sobel x weight 2


def test_a_cell_is_alive_while_some_alpha_in_its_3x3_neighbourhood_exceeds_a_tenth():
    state = torch.zeros(1, CHANNELS, 5, 5)
    state[0, 3, 2, 2] = 0.5
    state[0, 3, 0, 4] = 0.1  # exactly the threshold: not alive
    alive = alive_mask(state)[0, 0]
    expected = torch.zeros(5, 5, dtype=torch.bool)
    expected[1:4, 1:4] = True
    assert torch.equal(alive, expected)


def test_the_untrained_rule_changes_nothing():
    rule = UpdateRule(generator=torch.Generator().manual_seed(0))
    assert torch.count_nonzero(rule.update_layer.weight) == 0 and rule.update_layer.bias is None
    assert sum(p.numel() for p in rule.parameters()) == 48 * 128 + 128 + 128 * 16  # 8,320
    state = seed_state(2, 9, 9)
    assert torch.equal(grow(state, rule, 10, 0.5, torch.Generator().manual_seed(1)), state)


def test_the_stochastic_update_fires_about_half_the_cells_and_repeats_under_a_seed():
    rule = UpdateRule()
    with torch.no_grad():
        rule.perceive_layer.weight.zero_()
        rule.perceive_layer.bias.fill_(1.0)
        rule.update_layer.weight.fill_(1.0 / 128)  # every cell proposes +1 on every channel
    state = torch.ones(1, CHANNELS, 40, 40)  # all alive
    once = ca_step(state, rule, 0.5, torch.Generator().manual_seed(3))
    again = ca_step(state, rule, 0.5, torch.Generator().manual_seed(3))
    assert torch.equal(once, again)
    fired = (once[0, 0] > 1.5).float().mean()
    assert 0.4 < fired < 0.6
    assert torch.equal(ca_step(state, rule, 1.0)[0, 0], torch.full((40, 40), 2.0))


def test_dead_cells_are_zeroed_and_a_disc_is_erased():
    state = torch.rand(1, CHANNELS, 7, 7)
    state[:, 3] = 0.05  # nothing is alive
    assert torch.count_nonzero(ca_step(state, UpdateRule(), 1.0)) == 0
    full = torch.ones(1, CHANNELS, 7, 7)
    damaged = damage_disc(full, (3, 3), 1.0)
    assert int((damaged[0, 0] == 0).sum()) == 5  # the centre and its four neighbours
    assert torch.count_nonzero(full - 1) == 0  # the input is untouched


def test_the_targets_are_drawn_by_code_cover_the_seed_and_show_over_white():
    for shape in SHAPES:
        target = draw_target(shape, 16, 4)
        assert target.shape == (4, 24, 24) and float(target.min()) >= 0 and float(target.max()) <= 1
        assert target[3, 12, 12] > 0.5, shape  # the seed cell is inside the picture
        assert torch.all(target[:3] <= target[3:4] + 1e-6), shape  # premultiplied by alpha
        assert torch.count_nonzero(target[:, :4]) == 0  # the padding is empty
    picture = to_rgb_image(draw_target("smiley", 16, 4))
    assert picture.shape == (24, 24, 3) and torch.allclose(picture[0, 0], torch.ones(3))  # white where empty
    assert float(rgba_error(seed_state(1, 24, 24), draw_target("smiley", 16, 4))[0]) > 0.05
