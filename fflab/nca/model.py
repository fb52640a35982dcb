"""The growing neural cellular automaton of Mordvintsev et al. (2020), written for fflab.

A state is (batch, 16, H, W): channels 0-2 are premultiplied RGB, 3 is alpha, 4-15 hidden. One step:

    perception = [state, Sobel_x(state), Sobel_y(state)]     (48 numbers per cell, zero padding)
    change     = W2 · ReLU(W1 · perception + b1)              (1×1 convolutions 48→128→16; W2 starts at zero)
    state     += change · fire        (fire: each cell independently with probability `fire_rate`)
    state     *= alive(before) & alive(after)                 (alive: 3×3 max of alpha > 0.1)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

CHANNELS = 16
RGBA = 4
HIDDEN_UNITS = 128
ALIVE_THRESHOLD = 0.1
PERCEPTION = 3 * CHANNELS

SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 8.0
SOBEL_Y = SOBEL_X.T.contiguous()


def perceive(state: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) -> (B, 3C, H, W): every channel, then its Sobel x, then its Sobel y (zero padding)."""
    channels = state.shape[1]
    kernels = torch.stack([SOBEL_X, SOBEL_Y]).to(state)  # (2, 3, 3)
    weight = kernels.repeat(channels, 1, 1)[:, None]  # (2C, 1, 3, 3): x then y for channel 0, then channel 1, ...
    gradients = F.conv2d(state, weight, padding=1, groups=channels)  # (B, 2C, H, W), interleaved x, y
    grad_x, grad_y = gradients[:, 0::2], gradients[:, 1::2]
    return torch.cat([state, grad_x, grad_y], dim=1)


def alive_mask(state: torch.Tensor) -> torch.Tensor:
    """(B, 1, H, W) booleans: a cell is alive while the largest alpha in its 3×3 neighbourhood exceeds 0.1."""
    return F.max_pool2d(state[:, 3:4], kernel_size=3, stride=1, padding=1) > ALIVE_THRESHOLD


class UpdateRule(nn.Module):
    """The rule's two learned layers: `perceive_layer` (48→128, ReLU) and `update_layer` (128→16, zero at first)."""

    def __init__(self, hidden_units: int = HIDDEN_UNITS, generator: torch.Generator | None = None):
        super().__init__()
        self.perceive_layer = nn.Conv2d(PERCEPTION, hidden_units, kernel_size=1)
        self.update_layer = nn.Conv2d(hidden_units, CHANNELS, kernel_size=1, bias=False)
        with torch.no_grad():
            bound = 1.0 / PERCEPTION**0.5
            self.perceive_layer.weight.uniform_(-bound, bound, generator=generator)
            self.perceive_layer.bias.uniform_(-bound, bound, generator=generator)
            self.update_layer.weight.zero_()  # the rule starts by changing nothing

    def hidden(self, perception: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.perceive_layer(perception))

    def change(self, hidden: torch.Tensor) -> torch.Tensor:
        """The change each cell proposes, read from the hidden activity (the FF rule overrides this)."""
        return self.update_layer(hidden)

    def forward(self, state: torch.Tensor) -> torch.Tensor:
        return self.change(self.hidden(perceive(state)))


def ca_step(state: torch.Tensor, rule: UpdateRule, fire_rate: float,
            generator: torch.Generator | None = None) -> torch.Tensor:
    """One stochastic, alive-masked update of every cell (differentiable through `rule` and `state`)."""
    before = alive_mask(state)
    fire = torch.rand(state.shape[0], 1, *state.shape[2:], generator=generator).to(state.device) < fire_rate
    state = state + rule(state) * fire.to(state.dtype)
    return state * (before & alive_mask(state)).to(state.dtype)


def grow(state: torch.Tensor, rule: UpdateRule, steps: int, fire_rate: float,
         generator: torch.Generator | None = None) -> torch.Tensor:
    for _ in range(steps):
        state = ca_step(state, rule, fire_rate, generator)
    return state


def seed_state(batch: int, height: int, width: int, device: torch.device | str = "cpu") -> torch.Tensor:
    """Empty grids with one live cell in the centre: alpha and the hidden channels 1, RGB 0."""
    state = torch.zeros(batch, CHANNELS, height, width, device=device)
    state[:, 3:, height // 2, width // 2] = 1.0
    return state


def damage_disc(state: torch.Tensor, centre: tuple[int, int], radius: float) -> torch.Tensor:
    """A copy of `state` with every channel zeroed inside the disc of `radius` cells around (row, column)."""
    height, width = state.shape[-2:]
    rows = torch.arange(height, device=state.device)[:, None]
    cols = torch.arange(width, device=state.device)[None, :]
    inside = (rows - centre[0]) ** 2 + (cols - centre[1]) ** 2 <= radius**2
    return state * (~inside).to(state.dtype)


def rgba_error(state: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error of the RGBA channels against the (4, H, W) target, one value per grid: (B,)."""
    return ((state[:, :RGBA] - target[None]) ** 2).mean(dim=(1, 2, 3))


def to_rgb_image(state: torch.Tensor) -> torch.Tensor:
    """(C, H, W) state -> (H, W, 3) colours in [0, 1], premultiplied RGB drawn over white."""
    rgba = state[:RGBA].clamp(0.0, 1.0)
    rgb = 1.0 - rgba[3:4] + rgba[:3]
    return rgb.clamp(0.0, 1.0).permute(1, 2, 0)
