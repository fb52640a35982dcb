"""What the two chunker experiments share: seeded generators, one Adam per net with a live learning rate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn

from fflab.chunker.text import CHUNKERS_1991, COMPRESSION_1992
from fflab.experiment import Experiment

SOURCE = "cybertronai/schmidhuber-problems wave 4"
PAPERS = f"{CHUNKERS_1991.short}; {COMPRESSION_1992.short}"  # cited in full in `text.py`


class ChunkerExperiment(Experiment):
    """Base: subclasses fill `self.nets` (name -> module) and call `self.make_optimizers(lr_param_of)`."""

    max_threads = 1  # tiny matrices: threads only add waiting

    def __init__(self, params: Mapping[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        self.data_gen = torch.Generator().manual_seed(self.seed)
        self.nets: dict[str, nn.Module] = {}
        self.optimizers: dict[str, torch.optim.Optimizer] = {}
        self._lr_param_of: dict[str, str] = {}

    def generator(self, offset: int) -> torch.Generator:
        """A fresh generator, fixed by the seed, independent of the training stream."""
        return torch.Generator().manual_seed(self.seed * 1_000_003 + offset)

    def make_optimizers(self, lr_param_of: Mapping[str, str]) -> None:
        """One Adam per net; `lr_param_of` maps a net's name to the parameter holding its learning rate."""
        self._lr_param_of = dict(lr_param_of)
        for name, net in self.nets.items():
            net.to(self.device)
            self.optimizers[name] = torch.optim.Adam(net.parameters(), lr=self.p[lr_param_of[name]], foreach=True)

    def update_net(self, name: str, loss: torch.Tensor) -> None:
        optimizer = self.optimizers[name]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.p["clip"] > 0:
            nn.utils.clip_grad_norm_(self.nets[name].parameters(), self.p["clip"])
        optimizer.step()

    def on_update(self, changes: Mapping[str, Any]) -> None:
        for net_name, param_name in self._lr_param_of.items():
            if param_name in changes:
                for group in self.optimizers[net_name].param_groups:
                    group["lr"] = self.p[param_name]

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {f"{name}.{key}": value.detach().cpu().clone()
                for name, net in self.nets.items() for key, value in net.state_dict().items()}

    def load_state_dict(self, state: Mapping[str, torch.Tensor]) -> None:
        for name, net in self.nets.items():
            prefix = f"{name}."
            net.load_state_dict({k[len(prefix):]: v.to(self.device) for k, v in state.items() if k.startswith(prefix)})


def to_numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().float().cpu().numpy()


def binary_accuracy(logit: torch.Tensor, target: torch.Tensor) -> float:
    return float(((logit > 0).float() == target).float().mean())
