"""What the Chunker page teaches about its two experiments; the papers, cited once."""

from fflab.experiment import Paper, Teaching

CHUNKERS_1991 = Paper("J. Schmidhuber", 1991, "Neural sequence chunkers", "Technical Report FKI-148-91, Institut "
                      "für Informatik, Technische Universität München")
COMPRESSION_1992 = Paper("J. Schmidhuber", 1992, "Learning complex, extended sequences using the principle of "
                         "history compression", "Neural Computation 4(2):234-242",
                         "https://doi.org/10.1162/neco.1992.4.2.234")
REPRODUCED = "Task settings and reference numbers as reproduced in cybertronai/schmidhuber-problems (wave 4)."
SOURCES = (CHUNKERS_1991, COMPRESSION_1992, REPRODUCED)
CITE_AS = "Sources: {0}; {1}. {2}"  # shown once, under the page's introduction: both experiments share them

BLOCKS_TEACHING = Teaching(
    what="**The task.** An endless stream of 21-symbol blocks, `a b1 b2 .. b20` or `x b1 b2 .. b20`, a or x at "
         "random (22 symbols). At each block's last step the net must say whether the block began with `a`: the "
         "answer lies 20 steps back. The **chunker** system (A predicts, C learns the label from A's surprises) "
         "learns beside a **single** Elman net of the same size trained on both tasks with BPTT within the block.",
    watch="the surprise crosses in the stream, about 21 per block at first, thin out to one per block, "
          "the a or x no one can predict; the raster shows the same collapse block by block. As soon as C's stream "
          "is one symbol per block, its label accuracy jumps to 100%, while the single net stays near 50%.",
    sources=SOURCES,
    cite_as=CITE_AS,
    more="""
**A** (Elman net, 32 tanh units) reads one symbol per step and predicts the next (softmax over 22), trained by
BPTT within each block, its state carried from block to block. A symbol is a **surprise** when A's probability of
it, predicted one step before, was below `threshold`. The stream's first symbol is a surprise by convention.

**C** (Elman net, 32 units) steps only at surprises: its input is the surprising symbol and its position in the
block; its state holds between surprises and carries across blocks. It is trained to predict its next input
(the next surprise) and, read at each block's last step, the label.

**Different from the reference script**: A is trained on the boundary too (it learns p(a) = p(x) = ½ there,
still below any threshold above ½), and C keeps its recurrent state instead of being reset before each step.
Neither costs accuracy: the reference preset measures 100% label accuracy on fresh blocks. A fresh test stream
starts from zero states, so the first block of each is run but not scored.

**Things to try.**
- Raise `threshold` to 0.999 while a run goes: A's near-certain predictions of the b's (p ≈ 0.999) start to count
  as surprises, C's stream grows again, and its label accuracy drops until it relearns.
- Lower `threshold` to 0.3: the a/x symbol (p ≈ ½) is no longer a surprise; C loses its only clue and the label
  accuracy falls to chance.
- Give the single net more units (`hidden_single` 128) or blocks: does BPTT within the block ever find the
  20-step lag?
""",
)

DEEP_TEACHING = Teaching(
    what="**The task.** A sequence of T symbols: a trigger, A or B at random, then a fixed filler cycling through "
         "`1 2 3 4 5`, and at the end the trigger again. Every next symbol is to be predicted; the last one needs "
         "the first, T − 1 steps back. A (16 units, truncated BPTT over 6 steps) learns the filler; C (8 units) sees "
         "only A's surprises, about 2 per sequence: the trigger, and the final symbol A could not foresee. The "
         "**baseline** is one net of A's size trained with full BPTT over all T steps. It gets at least as many "
         "updates as A and C together, and at least their wall time. Recall is scored as a choice between A and B "
         "(chance 50%).",
    watch="A's loss falls within a few dozen steps and the compressed stream shrinks to 2 symbols; then "
          "C's recall goes to 100%. The baseline's recall stays near 50%: its gradient by depth shows why, the "
          "signal from the recall step fades within a few steps back.\n\n"
          "**Cost.** The page starts with the `quick` preset, T = 300. The `reference` preset, T = 1200, costs about "
          "four times as long (mostly the baseline's full BPTT, which grows with T); see each preset's note for the "
          "times fflab measured.",
    sources=SOURCES,
    cite_as=CITE_AS,
    more="""
**A's truncated BPTT.** A first runs over the whole sequence without gradients to get its state at the start of
each 6-step window; then all windows run again as one batch, from those states, and one update follows. The
gradient never crosses a window's start, and A needs no more: each filler symbol follows from the one before.

**C's recall** is its prediction of its next input, read after the last surprise before the final step: with a
trained A that is right after the trigger, one of C's steps back.

**The baseline** is trained on the mean filler loss plus the recall loss (the recall weighs as much as all the
filler). After each of the chunker's steps it trains on fresh sequences until both its update count and its
compute time have caught up with A's and C's. *Gradient by depth* is ‖∂(recall loss)/∂h_t‖ at each distance back;
the *effective depth* is the farthest distance where it is still above 1% of its value at the recall step.

**The reference script** scored its baseline by argmax over all 7 symbols (a filler-predicting net scores 0%
that way) after 120 updates against about 128,000 for its automatizer; here both get a fair two-way test.

**Things to try.**
- Set T to 50: on some seeds the baseline's gradient now reaches back to the trigger (see *Gradient by depth*).
  Is that enough for it to learn the recall?
- Set `threshold` to 0.001 before starting: A gives the final symbol a probability of about 0.01, so it is no
  longer a surprise; C never sees what it should predict.
- Set `truncation` to 1: can A still learn the filler?
""",
)
