"""What the Variants page teaches about `scff`: the paper, what to watch, and what fflab implements."""

from fflab.experiment import Paper, Teaching

SCFF_PAPER = Paper("X. Chen, D. Liu, J. Laydevant, J. Grollier", 2025, "Self-Contrastive Forward-Forward algorithm",
                   "Nature Communications 16, 5978", "https://arxiv.org/abs/2409.11593")

_FIDELITY = """
Checked against the authors' code (neurophysics-cnrsthales/contrastive-forward-forward, `SCFF_MNIST.py` and
`config.json`, MNIST section). No label reaches the layers. What fflab implements, where the paper leaves room:

- Pairs: a positive is an image paired with itself, (x, x); a negative pairs each image of the
  batch with a different one, (x_i, x_j) with j = (i + r) mod N and one random r in [1, N−1]
  per batch (the authors' batch roll, one negative per positive). Two images of the same class
  can make a negative: nothing here knows the classes.
- How a pair is fed: the first layer normalises each image on its own and sends both through the
  same weights, z = W x̂₁ + W x̂₂ + 2b: the concatenation [x₁, x₂] (2·784 inputs on MNIST) through
  W = [W₁ W₁], as in the authors' code (`concat`), computed as W(x̂₁ + x̂₂) + 2b. Later layers see
  the previous layer's output, one vector per pair.
- Normalisation (`norm`): `std` (the authors') subtracts each sample's mean and divides by its
  standard deviation, at every layer's input. On the first layer it is applied to each image of
  the pair separately (the authors standardise each image, then the whole concatenation, which
  changes nothing more).
- Goodness: the mean over units of relu(z)². Loss per layer: softplus(θ₊ − g_pos) + softplus(g_neg − θ₋),
  each averaged over the batch, plus λ·mean(g_pos) (`threshold_pos`, `threshold_neg` per layer,
  the last value repeating; `goodness_penalty` is one λ for every layer, where the authors use
  1e-4 on layer 1 and 0 on layer 2).
- What a layer passes on (`activation`): `triangle` = relu(z − mean over units of z), the authors'
  MNIST choice, or `relu`. Its input is detached: no gradient crosses a layer.
- Schedule: `greedy` trains layer 1 for its steps, then layer 2 on the frozen layer 1 (the
  authors'; every layer gets the same number of epochs here, where the authors give layer 2 nine
  to layer 1's twenty), or `simultaneous`: every layer on every batch. Each layer has its own
  optimiser. `shift`: while layers after the first train, each image of a pair (and of the image
  it is paired with) is translated by up to this many pixels at random, independently (the
  authors use 2 on MNIST for layer 2 and none for layer 1).
- Probe (`test_accuracy`): a linear softmax head on the features of (x, x): every layer's output,
  standardised per sample, concatenated. It learns alongside the layers from detached features
  (Adam at `head_lr`, on the same batches), then alone on the frozen net for `probe_epochs`. The
  authors fit their probe only after training, with dropout, 50 epochs of batches of 64.
"""

SCFF_TEACHING = Teaching(
    what="**Self-contrastive FF: no labels at all.** A *positive* input is an image paired with itself, (x, x); a "
         "*negative* pairs it with another image of the batch, (x, x′). The first layer sees both images of a pair "
         "through the same weights, so it receives their sum: a doubled digit for a positive, a blend of two digits "
         "for a negative. Each layer learns alone to give positive pairs high goodness and negative pairs low goodness. "
         "Nobody tells it which digit is which: to tell an image from any other it must learn what digits look "
         "like. Accuracy comes from a *linear probe*, one softmax layer trained with labels on the frozen "
         "features.",
    watch="the positive (solid) and negative (dashed) goodness part as soon as each layer starts "
          "learning, and stay apart; the probe reads the digits though the layers never saw a label. The 8x8 "
          "digits are so easy that a probe on an *untrained* net of the same width also reaches about 98%: run "
          "`quick` (MNIST) to see what SCFF adds; its note gives what fflab measured, against an untrained net with "
          "the same probe. In the pairs tab, the numbers are the true classes, for you: some negatives pair two "
          "images of the same digit, and the method does not care.",
    sources=(SCFF_PAPER,),
    cite_as="Source: {0}; published: 98.7% MNIST test accuracy with a linear probe on a two-layer MLP.",
    fidelity=_FIDELITY,
)
