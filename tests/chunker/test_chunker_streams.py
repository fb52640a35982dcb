"""The two stream generators: block structure and labels; trigger, filler and recall target."""

import pytest
import torch

from fflab.chunker.streams import (
    BLOCK_LEN,
    BLOCK_SYMBOLS,
    DEEP_SYMBOLS,
    SYMBOL_A,
    SYMBOL_X,
    BlockStream,
    filler,
    make_blocks,
    trigger_sequences,
)


def test_there_are_22_symbols_and_blocks_are_a_or_x_then_b1_to_b20():
    assert len(BLOCK_SYMBOLS) == 22 and len(set(BLOCK_SYMBOLS)) == 22 and BLOCK_LEN == 21
    blocks = make_blocks(torch.tensor([True, False]))
    assert [BLOCK_SYMBOLS[i] for i in blocks[0]] == ["a"] + [f"b{i}" for i in range(1, 21)]
    assert [BLOCK_SYMBOLS[i] for i in blocks[1]] == ["x"] + [f"b{i}" for i in range(1, 21)]


def test_block_stream_labels_say_which_blocks_start_with_a_and_look_one_block_ahead():
    stream = BlockStream(batch=64, generator=torch.Generator().manual_seed(0))
    previous_following = None
    starts = []
    for _ in range(20):
        blocks, labels, following = stream.next_block()
        assert blocks.shape == (64, BLOCK_LEN)
        assert torch.equal(labels == 1, blocks[:, 0] == SYMBOL_A)
        assert set(blocks[:, 0].tolist()) <= {SYMBOL_A, SYMBOL_X}
        assert torch.equal(blocks[:, 1:], torch.arange(2, 22).repeat(64, 1))  # b1 .. b20, always
        if previous_following is not None:
            assert torch.equal(blocks[:, 0], previous_following)  # the promised next first symbol
        previous_following = following
        starts.append(labels)
    share_a = torch.cat(starts).mean().item()
    assert 0.4 < share_a < 0.6  # a and x at random, about half each


def test_block_streams_repeat_with_the_seed_and_differ_across_seeds():
    def draw(seed):
        stream = BlockStream(4, torch.Generator().manual_seed(seed))
        return torch.stack([stream.next_block()[0][:, 0] for _ in range(30)])

    assert torch.equal(draw(1), draw(1)) and not torch.equal(draw(1), draw(2))


def test_trigger_sequences_are_trigger_filler_trigger():
    sequences, triggers = trigger_sequences(32, 12, torch.Generator().manual_seed(0))
    assert sequences.shape == (32, 12) and len(DEEP_SYMBOLS) == 7
    assert torch.equal(sequences[:, 0], triggers) and torch.equal(sequences[:, -1], triggers)
    assert set(triggers.tolist()) == {0, 1}
    names = [DEEP_SYMBOLS[i] for i in sequences[0, 1:-1]]
    assert names == ["1", "2", "3", "4", "5", "1", "2", "3", "4", "5"]
    assert torch.equal(sequences[:, 1:-1], filler(10).repeat(32, 1))  # the same filler in every sequence


def test_trigger_sequences_are_deterministic_given_the_seed():
    a, _ = trigger_sequences(8, 50, torch.Generator().manual_seed(3))
    b, _ = trigger_sequences(8, 50, torch.Generator().manual_seed(3))
    c, _ = trigger_sequences(8, 50, torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and not torch.equal(a[:, 0], c[:, 0])


def test_trigger_sequences_need_room_for_the_recall():
    with pytest.raises(ValueError, match="at least 3"):
        trigger_sequences(1, 2, torch.Generator())
