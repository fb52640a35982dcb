"""Surprise detection (threshold semantics) and the compressed stream the chunker sees."""

import math

import torch

from fflab.chunker.blocks22 import ChunkerState, chunker_pass, make_automatizer, make_chunker
from fflab.chunker.streams import BlockStream
from fflab.chunker.surprise import compress, prob_of_actual, surprise_mask


def test_prob_of_actual_reads_the_softmax_at_the_actual_symbol():
    logits = torch.log(torch.tensor([[[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]]))
    p = prob_of_actual(logits, torch.tensor([[1, 2]]))
    assert torch.allclose(p, torch.tensor([[0.2, 0.8]]))


def test_a_surprise_is_a_probability_strictly_below_the_threshold():
    p = torch.tensor([0.1, 0.5, 0.5000001, 0.99])
    assert surprise_mask(p, 0.5).tolist() == [True, False, False, False]
    assert surprise_mask(p, 1.0).all() and not surprise_mask(p, 0.0).any()


def test_compress_keeps_the_surprises_in_order_left_aligned():
    symbols = torch.tensor([[5, 6, 7, 8, 9], [1, 2, 3, 4, 0], [4, 4, 4, 4, 4]])
    mask = torch.tensor([[True, False, True, False, True], [False, False, False, True, False], [False] * 5])
    out = compress(symbols, mask)
    assert out.width == 3
    assert out.counts.tolist() == [3, 1, 0]
    assert out.symbols.tolist() == [[5, 7, 9], [4, 0, 0], [0, 0, 0]]
    assert out.positions.tolist() == [[0, 2, 4], [3, -1, -1], [-1, -1, -1]]
    assert out.valid.tolist() == [[True, True, True], [True, False, False], [False, False, False]]


def test_compress_of_nothing_still_has_one_padded_column():
    out = compress(torch.zeros(2, 4, dtype=torch.long), torch.zeros(2, 4, dtype=torch.bool))
    assert out.width == 1 and not out.valid.any()


def test_an_untrained_automatizer_is_surprised_by_everything_and_the_stream_start_counts():
    torch.manual_seed(0)
    a, c = make_automatizer(8), make_chunker(8)
    blocks, labels, following = BlockStream(3, torch.Generator().manual_seed(0)).next_block()
    state = ChunkerState.fresh(a, c, 3)
    out = chunker_pass(a, c, blocks, labels, following, state, threshold=0.5)  # p ≈ 1/22 everywhere
    assert out.surprises.all() and out.surprises.shape == (3, 21)
    assert math.isfinite(out.loss_chunker.item()) and out.label_logit.shape == (3,)
    low = chunker_pass(a, c, blocks, labels, following, state, threshold=0.001)
    assert low.surprises[:, 0].all() and not low.surprises[:, 1:].any()  # only the stream's first symbol
    assert not low.state.first_is_surprise.any()
