"""What the FF-on-text page draws: the live sample and candidates (`TextSnapshot`), and a typed prompt read."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TextSnapshot:
    corpus: str
    vocab: tuple[str, ...]
    prompt: str  # the context the sample starts from (the validation split's opening)
    sample: str  # generated from the current net, `sample_temperature` × the fitted temperature
    candidate_goodness: np.ndarray  # (vocab,) the net's goodness of every next character after `prompt`
    candidate_probability: np.ndarray  # (vocab,) softmax(goodness / T)
    temperature: float  # the fitted T
    step: int  # the training step the sample was generated at


@dataclass(frozen=True)
class PromptReading:
    """What the net makes of a prompt someone typed: each candidate's goodness after it, and a continuation."""

    vocab: tuple[str, ...]
    prompt: str  # as the net read it: its last `context` characters, padded on the left with spaces
    left_out: str  # the typed characters the corpus does not have (dropped), each once
    candidate_goodness: np.ndarray  # (vocab,)
    candidate_probability: np.ndarray  # (vocab,) softmax(goodness / T)
    continuation: str  # generated after the prompt at `sample_temperature` × the fitted T
    step: int  # the training step the net had taken
