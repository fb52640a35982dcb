"""The nets of `ff-text`: FF layers that score a window of characters with a candidate next character.

Layer 1 is a linear map of the one-hot window (k context characters, then the candidate), written as sums
of embedding rows: the same arithmetic, without building the one-hot vectors. A one-hot window always has
k + 1 ones, so the RMS normalisation FF gives every layer's input is a constant factor here (√vocab).
Because layer 1 is linear before its ReLU, the context's part is computed once and every candidate's
column added to it: scoring all 65 candidates costs one context pass plus 65 additions.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from fflab.ff.core import FFLayer, goodness, normalise


class WindowLayer(nn.Module):
    """ReLU(W · rms(one_hot(context) ⊕ one_hot(candidate)) + b), one weight row per (position, character)."""

    def __init__(self, context: int, vocab: int, width: int, with_candidate: bool = True):
        super().__init__()
        self.context, self.vocab = context, vocab
        inputs = (context + int(with_candidate)) * vocab
        bound = 1.0 / math.sqrt(inputs)  # nn.Linear's default initialisation for that many inputs
        self.context_rows = nn.Embedding(context * vocab, width)
        nn.init.uniform_(self.context_rows.weight, -bound, bound)
        self.candidate_rows = nn.Embedding(vocab, width) if with_candidate else None
        if self.candidate_rows is not None:
            nn.init.uniform_(self.candidate_rows.weight, -bound, bound)
        self.bias = nn.Parameter(torch.empty(width).uniform_(-bound, bound))
        self.scale = math.sqrt(vocab)  # 1 / rms of a one-hot window
        self.register_buffer("offsets", torch.arange(context) * vocab, persistent=False)

    def context_part(self, contexts: torch.Tensor) -> torch.Tensor:
        """(N, k) character ids -> (N, width) pre-activations without the candidate."""
        return self.context_rows(contexts + self.offsets).sum(dim=1) * self.scale + self.bias

    def candidate_columns(self) -> torch.Tensor:
        return self.candidate_rows.weight * self.scale

    def forward(self, contexts: torch.Tensor, candidates: torch.Tensor) -> torch.Tensor:
        return F.relu(self.context_part(contexts) + self.candidate_rows(candidates) * self.scale)

    def every_candidate(self, contexts: torch.Tensor) -> torch.Tensor:
        """(N, k) -> (N, vocab, width): the layer's activity for each candidate next character."""
        return F.relu(self.context_part(contexts)[:, None, :] + self.candidate_columns()[None])

    def neutral(self, contexts: torch.Tensor) -> torch.Tensor:
        """The activity with every candidate slot at 1/vocab (Hinton's neutral label)."""
        return F.relu(self.context_part(contexts) + self.candidate_columns().mean(dim=0))


class TextFF(nn.Module):
    """A window layer, then fully connected FF layers; each layer's goodness is its mean squared activity."""

    def __init__(self, context: int, vocab: int, hidden: tuple[int, ...]):
        super().__init__()
        self.first = WindowLayer(context, vocab, hidden[0])
        self.rest = nn.ModuleList(FFLayer(a, b, "rms") for a, b in zip(hidden[:-1], hidden[1:], strict=True))

    def activities(self, contexts: torch.Tensor, candidates: torch.Tensor, detach: bool = True) -> list[torch.Tensor]:
        """Each layer's activity; with `detach`, no gradient crosses from a layer to the one below."""
        h = self.first(contexts, candidates)
        out = [h]
        for layer in self.rest:
            h = layer(h.detach() if detach else h)
            out.append(h)
        return out

    @torch.no_grad()
    def goodness_of_every_candidate(self, contexts: torch.Tensor) -> torch.Tensor:
        """(N, k) -> (N, vocab): goodness summed over the layers, for each candidate next character."""
        h = self.first.every_candidate(contexts)
        n, vocab, width = h.shape
        total = goodness(h.reshape(n * vocab, width), "mean")
        h = h.reshape(n * vocab, width)
        for layer in self.rest:
            h = layer(h)
            total = total + goodness(h, "mean")
        return total.reshape(n, vocab)

    def features(self, contexts: torch.Tensor) -> torch.Tensor:
        """Every layer's normalised activity under the neutral candidate, concatenated (for the softmax head)."""
        h = self.first.neutral(contexts)
        features = [normalise(h, "l2")]
        for layer in self.rest:
            h = layer(h)
            features.append(normalise(h, "l2"))
        return torch.cat(features, dim=1)


class WindowMLP(nn.Module):
    """The backprop baseline: the same window and widths, a softmax over the next character, trained end to end."""

    def __init__(self, context: int, vocab: int, hidden: tuple[int, ...]):
        super().__init__()
        self.first = WindowLayer(context, vocab, hidden[0], with_candidate=False)
        blocks: list[nn.Module] = []
        for a, b in zip(hidden[:-1], hidden[1:], strict=True):
            blocks += [nn.Linear(a, b), nn.ReLU()]
        self.body = nn.Sequential(*blocks, nn.Linear(hidden[-1], vocab))

    def forward(self, contexts: torch.Tensor) -> torch.Tensor:
        return self.body(F.relu(self.first.context_part(contexts)))


def windows(ids: torch.Tensor, positions: torch.Tensor, context: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The k characters before each position, and the character at it: (N, k) and (N,)."""
    steps = torch.arange(-context, 0, device=ids.device)
    return ids[positions[:, None] + steps], ids[positions]


def nats(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Cross-entropy in nats per character."""
    return float(F.cross_entropy(logits, targets))


def fit_temperature(goodness_all: torch.Tensor, targets: torch.Tensor, iterations: int = 40) -> float:
    """The T minimising the cross-entropy of softmax(goodness / T): a golden-section search over log T."""
    def loss(log_t: float) -> float:
        return nats(goodness_all / math.exp(log_t), targets)

    low, high = math.log(1e-3), math.log(1e3)
    ratio = (math.sqrt(5) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = loss(a), loss(b)
    for _ in range(iterations):
        if fa < fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = loss(a)
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = loss(b)
    return math.exp((low + high) / 2)


def bigram_log_probs(train: torch.Tensor, vocab: int, smoothing: float = 1.0) -> torch.Tensor:
    """log p(next | previous) from counts over the training text, add-`smoothing` (Laplace by default)."""
    counts = torch.bincount(train[:-1] * vocab + train[1:], minlength=vocab * vocab).view(vocab, vocab).double()
    counts += smoothing
    return (counts / counts.sum(dim=1, keepdim=True)).log().float()
