"""State-space layers for `ff-text` (`layer=ssm`): diagonal linear recurrences trained by FF goodness.

Each layer is LRU-style (Orvieto et al. 2023): a complex diagonal state h_t = λ ⊙ h_{t-1} + γ ⊙ B u_t with
λ = exp(−exp(ν) + i·exp(φ)) (ν: `log_decay_rate`, φ: `log_phase`), so |λ| < 1 whatever ν and φ are (stable
by construction), and the input normalisation γ = sqrt(1 − |λ|²) keeps the state's scale independent of how
slowly it decays. The output at each position is ReLU(Re(C h_t) + D u_t + b). Layer 1 reads the characters
one-hot, RMS-normalised (√vocab times a row of B and D per character); each later layer reads the layer
below's output sequence, RMS-normalised at every position (so a layer's goodness cannot leak to the next).

A sequence here is the window with the candidate as its final character, and a layer's goodness is read at
that last position. Causality makes scoring candidates cheap: every candidate shares the window's first k
characters, so each layer runs the context once (its output sequence and final state), then one recurrence
step per candidate from that state. Under FF the stack is trained layer by layer: within a layer, gradients
flow back through time (from the final state into the context's inputs and λ, by the convolution form
h_k = Σ_s λ^(k−s) γ B u_s); nothing flows from a layer into the one below (its inputs are detached).

The context's states for the next layer come from a parallel (Hillis–Steele) scan, log₂ L combining steps.
The BPTT baseline differentiates through that scan: its backward pass is the same scan run backwards with
conj(λ), so autograd keeps only the states, O(L) per layer.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch
import torch.nn.functional as F
from torch import nn

from fflab.ff.core import EPS, normalise

MAX_PHASE = 2 * math.pi  # eigenvalue phases are drawn uniformly from [0, MAX_PHASE) at initialisation


def linear_scan(decay: torch.Tensor, drive: torch.Tensor) -> torch.Tensor:
    """h_t = decay ⊙ h_{t-1} + drive_t from h_0 = 0, for a time-invariant diagonal `decay`.

    `drive` is (..., L, S), `decay` (S,). After the combining step at offset d, h_t holds the sum over the
    last 2d inputs, Σ decay^(t−s) drive_s; doubling d up to L leaves the whole sum.
    """
    length = drive.shape[-2]
    states, power, offset = drive, decay, 1
    while offset < length:
        states = torch.cat([states[..., :offset, :], states[..., offset:, :] + power * states[..., :-offset, :]],
                           dim=-2)
        power, offset = power * power, offset * 2
    return states


def stepwise_recurrence(decay: torch.Tensor, drive: torch.Tensor) -> torch.Tensor:
    """The same recurrence, one step at a time (the reference the scan is tested against)."""
    state = torch.zeros_like(drive[..., 0, :])
    states = []
    for t in range(drive.shape[-2]):
        state = decay * state + drive[..., t, :]
        states.append(state)
    return torch.stack(states, dim=-2)


class _Recurrence(torch.autograd.Function):
    """`linear_scan` with a hand-written backward that keeps only the states (not every scan level)."""

    @staticmethod
    def forward(ctx, decay: torch.Tensor, drive: torch.Tensor) -> torch.Tensor:
        states = linear_scan(decay, drive)
        ctx.save_for_backward(decay, states)
        return states

    @staticmethod
    def backward(ctx, grad_states: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        decay, states = ctx.saved_tensors
        # the gradient reaching h_t from every later h_s is Σ_s conj(decay)^(s−t) grad_s: a scan run backwards
        grad_drive = linear_scan(decay.conj(), grad_states.flip(-2)).flip(-2)
        previous = F.pad(states[..., :-1, :], (0, 0, 1, 0))  # h_{t-1}, with h_0 = 0
        grad_decay = (grad_drive * previous.conj()).reshape(-1, decay.shape[-1]).sum(dim=0)
        return grad_decay, grad_drive


def recurrence(decay: torch.Tensor, drive: torch.Tensor) -> torch.Tensor:
    """The states of h_t = decay ⊙ h_{t-1} + drive_t, differentiable in both (complex `decay`, `drive`)."""
    return _Recurrence.apply(decay, drive)


def rms_normalise(x: torch.Tensor) -> torch.Tensor:
    """Each position's feature vector (the last dimension) scaled to unit root-mean-square."""
    return F.rms_norm(x, (x.shape[-1],), eps=EPS)  # x / sqrt(mean(x²) + EPS), fused


class SSMLayer(nn.Module):
    """One LRU-style layer: input map to (B u, D u + b), complex diagonal recurrence, readout Re(C h), ReLU."""

    def __init__(self, inputs: int, width: int, state_size: int, r_min: float, r_max: float, one_hot: bool):
        super().__init__()
        self.width, self.state_size, self.one_hot = width, state_size, one_hot
        # a one-hot character RMS-normalised, as FF normalises every layer's input, is √vocab times the one-hot
        self.input_scale = math.sqrt(inputs) if one_hot else 1.0
        columns = 2 * state_size + width  # B (real and imaginary part of each state, interleaved), then D
        bound = 1.0 / math.sqrt(inputs)  # nn.Linear's initialisation, also for the one-hot rows
        self.input_weight = nn.Parameter(torch.empty(inputs, columns).uniform_(-bound, bound))  # a row per input
        self.input_bias = nn.Parameter(torch.empty(columns).uniform_(-bound, bound))
        # |λ| uniform on the ring r_min..r_max (by area), phase uniform in [0, MAX_PHASE)
        radius_sq = torch.empty(state_size).uniform_(r_min ** 2, r_max ** 2).clamp_min(1e-8)
        self.log_decay_rate = nn.Parameter(torch.log(-0.5 * torch.log(radius_sq)))
        self.log_phase = nn.Parameter(torch.log(torch.empty(state_size).uniform_(1e-3, MAX_PHASE)))
        readout_scale = 1.0 / math.sqrt(state_size)
        # Re(C) and −Im(C) side by side, so that Re(C h) is one product with [Re h, Im h]
        self.readout = nn.Parameter(torch.randn(width, state_size, 2) * readout_scale)
        self._drive_columns, self._direct_columns = slice(0, 2 * state_size), slice(2 * state_size, columns)

    def log_decay(self) -> torch.Tensor:
        """ln λ = −exp(ν) + i exp(φ), (state_size,) complex."""
        return torch.complex(-torch.exp(self.log_decay_rate), torch.exp(self.log_phase))

    def decay(self) -> torch.Tensor:
        """λ, (state_size,) complex, inside the unit circle."""
        return torch.exp(self.log_decay())

    def _map(self, inputs: torch.Tensor, columns: slice) -> torch.Tensor:
        weight, bias = self.input_weight[:, columns], self.input_bias[columns]
        if self.one_hot:
            return F.embedding(inputs, weight) * self.input_scale + bias
        return F.linear(inputs, weight.t(), bias)

    def _gamma_drive(self, mapped: torch.Tensor) -> torch.Tensor:
        """γ ⊙ B u as a complex tensor, from the B columns of the input map; γ = sqrt(1 − |λ|²)."""
        gamma = torch.sqrt(1 - torch.exp(-2 * torch.exp(self.log_decay_rate)))
        return torch.view_as_complex(mapped.unflatten(-1, (self.state_size, 2))) * gamma

    def drive(self, inputs: torch.Tensor) -> torch.Tensor:
        """γ ⊙ B u_t for (..., L) ids or (..., L, in) features -> (..., L, state) complex."""
        return self._gamma_drive(self._map(inputs, self._drive_columns))

    def direct(self, inputs: torch.Tensor) -> torch.Tensor:
        """D u_t + b -> (..., L, width)."""
        return self._map(inputs, self._direct_columns)

    def _read_out(self, states: torch.Tensor, direct: torch.Tensor) -> torch.Tensor:
        return F.relu(torch.view_as_real(states).flatten(-2) @ self.readout.flatten(1).t() + direct)

    def final_state(self, drive: torch.Tensor) -> torch.Tensor:
        """h_L = Σ_s λ^(L−s) ⊙ drive_s, (N, L, state) -> (N, state): the convolution form, for the last state only.

        Its gradient reaches every position's input through λ^(L−s): backprop through time, keeping only
        the drive (not every state) for the backward pass.
        """
        lags = torch.arange(drive.shape[-2] - 1, -1, -1, device=drive.device, dtype=self.log_decay_rate.dtype)
        return (torch.exp(lags[:, None] * self.log_decay()) * drive).sum(dim=-2)

    def forward(self, inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """A sequence (N, L) of ids or (N, L, in) -> its outputs (N, L, width) and final state (N, state).

        Differentiable everywhere, through the scan (the reference, and the layers below the top under BPTT).
        """
        states = recurrence(self.decay(), self.drive(inputs))
        return self._read_out(states, self.direct(inputs)), states[..., -1, :]

    def context(self, inputs: torch.Tensor, with_outputs: bool) -> tuple[torch.Tensor | None, torch.Tensor]:
        """Under FF: the final state (differentiable) and, if asked, the outputs at every position (not).

        Only the final state feeds the goodness at the candidate position; the context's outputs go, detached,
        to the next layer, so they are computed without a graph.
        """
        drive = self.drive(inputs)
        state = self.final_state(drive)
        if not with_outputs:
            return None, state
        with torch.no_grad():
            return self._read_out(linear_scan(self.decay(), drive), self.direct(inputs)), state

    def step(self, state: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
        """One more position after `state` (N, state) for each of C inputs: (N, C) ids or (N, C, in) -> (N, C, width).

        Inputs broadcast against the states: (1, C) ids serve every sequence with the same C candidates.
        """
        return self._read_out(self.decay() * state[:, None, :] + self.drive(inputs), self.direct(inputs))

    def neutral_step(self, state: torch.Tensor) -> torch.Tensor:
        """One more position with every character at 1/vocab (layer 1's neutral input) -> (N, 1, width)."""
        mapped = self.input_weight.mean(dim=0) * self.input_scale + self.input_bias
        drive = self._gamma_drive(mapped[self._drive_columns])
        return self._read_out((self.decay() * state + drive)[:, None, :], mapped[self._direct_columns])

    def last_output(self, inputs: torch.Tensor) -> torch.Tensor:
        """The output at the last position only, (N, width): the top layer under BPTT needs no other."""
        return self._read_out(self.final_state(self.drive(inputs)), self.direct(inputs[:, -1]))


def _layers(vocab: int, hidden: tuple[int, ...], state_size: int, r_min: float, r_max: float) -> nn.ModuleList:
    inputs = (vocab, *hidden[:-1])
    return nn.ModuleList(SSMLayer(a, b, state_size, r_min, r_max, one_hot=i == 0)
                         for i, (a, b) in enumerate(zip(inputs, hidden, strict=True)))


class TextSSM(nn.Module):
    """The FF stack of SSM layers: each scores a window plus candidate by its goodness at the last position."""

    def __init__(self, vocab: int, hidden: tuple[int, ...], state_size: int, r_min: float, r_max: float):
        super().__init__()
        self.vocab = vocab
        self.layers = _layers(vocab, hidden, state_size, r_min, r_max)

    def layerwise(self, contexts: torch.Tensor, candidates: torch.Tensor, neutral: list[torch.Tensor] | None = None
                  ) -> Iterator[torch.Tensor]:
        """Each layer's activity at the candidate position, (N, C, width), for (N, k) contexts and (N, C) candidates.

        One pass of the context per layer, then one step per candidate. A generator: a caller may backpropagate
        a layer's loss before the next layer runs, so only one layer's graph is alive at a time. A layer's
        inputs carry no gradient back to the layer below (the context's outputs have no graph; the candidate's
        are detached). Given a list, `neutral` collects each layer's activity (N, width) under the neutral
        candidate, without a graph (the softmax head's features, at no second pass of the context).
        """
        context_inputs, candidate_inputs, neutral_inputs = contexts, candidates, None
        for i, layer in enumerate(self.layers):
            context_outputs, state = layer.context(context_inputs, with_outputs=i + 1 < len(self.layers))
            if neutral is not None:
                with torch.no_grad():
                    neutral_outputs = layer.neutral_step(state) if i == 0 else layer.step(state, neutral_inputs)
                neutral.append(neutral_outputs[:, 0])
                neutral_inputs = rms_normalise(neutral_outputs)
            candidate_outputs = layer.step(state, candidate_inputs)
            yield candidate_outputs
            if context_outputs is not None:
                context_inputs = rms_normalise(context_outputs)
                candidate_inputs = rms_normalise(candidate_outputs.detach())

    def activities(self, contexts: torch.Tensor, candidates: torch.Tensor) -> list[torch.Tensor]:
        """Each layer's activity (N, width) for one candidate per window, (N,)."""
        return [h[:, 0] for h in self.layerwise(contexts, candidates[:, None])]

    @torch.no_grad()
    def goodness_of_every_candidate(self, contexts: torch.Tensor) -> torch.Tensor:
        """(N, k) -> (N, vocab): goodness summed over the layers, for each candidate next character."""
        every = torch.arange(self.vocab, device=contexts.device)[None]
        return sum(h.pow(2).mean(dim=-1) for h in self.layerwise(contexts, every))

    @torch.no_grad()
    def features(self, contexts: torch.Tensor) -> torch.Tensor:
        """Every layer's L2-normalised activity under the neutral candidate, concatenated (for the softmax head)."""
        neutral: list[torch.Tensor] = []
        for _ in self.layerwise(contexts, contexts[:, :0], neutral):  # no candidates: only the neutral one
            pass
        return features_of(neutral)


def features_of(neutral: list[torch.Tensor]) -> torch.Tensor:
    """The softmax head's features from each layer's neutral activity: L2-normalised, concatenated."""
    return torch.cat([normalise(h, "l2") for h in neutral], dim=1)


class SSMNet(nn.Module):
    """The BPTT baseline: the same SSM stack on the window, a softmax over the next character, trained end to end."""

    def __init__(self, vocab: int, hidden: tuple[int, ...], state_size: int, r_min: float, r_max: float):
        super().__init__()
        self.layers = _layers(vocab, hidden, state_size, r_min, r_max)
        self.head = nn.Linear(hidden[-1], vocab)

    def forward(self, contexts: torch.Tensor) -> torch.Tensor:
        """(N, k) -> (N, vocab) logits read at the last context position."""
        inputs = contexts
        for layer in self.layers[:-1]:
            outputs, _ = layer(inputs)
            inputs = rms_normalise(outputs)
        return self.head(self.layers[-1].last_output(inputs))
