"""What the Variants page teaches about `cwc`: the paper, what to watch, and what fflab implements."""

from fflab.experiment import Paper, Teaching

CWC_PAPER = Paper("A. Papachristodoulou, C. Kyrkou, S. Timotheou, T. Theocharides", 2024,
                  "Convolutional Channel-wise Competitive Learning for the Forward-Forward Algorithm", "AAAI",
                  "https://arxiv.org/abs/2312.12668")

_FIDELITY = """
Checked against the authors' code (andreaspapac/CwComp, `src/Layer_cnn.py` and `src/Models.py`). What fflab
implements, where the paper leaves room:

- Blocks: conv 3×3 (stride 1, padding 1) → ReLU → 2×2 max-pool (every second layer) →
  BatchNorm (eps 1e-4). Layers alternate a standard convolution and a convolution grouped by
  class (groups = number of classes), the grouped ones pooling: with channels [20, 80, 240, 480]
  that is conv(1→20), grouped conv(20→80) + pool, conv(80→240), grouped conv(240→480) + pool.
  `grouped=false` gives the paper's FF-CNN ablation (every convolution standard).
- Goodness: each layer's channels split into one equal group per class, in order; a group's
  goodness is the mean square of its BatchNorm outputs over its channels and positions.
- Loss: per layer, cross-entropy with the K class goodnesses as logits (the code's `CwC_CE`).
  Each layer has its own optimiser (Adam by default) and sees the previous layer's output
  detached, so no gradient crosses a layer. No negative data.
- Interleaved layer training (the code's `ILT = Acc`): `layer_epochs` gives the epoch at which
  each layer stops learning (its BatchNorm statistics keep updating, as in the code).
- Predictors, all scored at every evaluation: `goodness` = argmax of the class goodness summed
  over layers (the goodness average), `goodness_last` = the last layer's alone (what the
  authors' code calls its average predictor), `softmax` = a linear softmax head on the
  flattened, detached last-layer output. The authors' head applied softmax twice (softmax,
  then a cross-entropy that takes logits) with SGD; fflab's head is plain softmax regression
  trained with Adam at `head_lr`.
- Data: the whole training set each epoch in a new random order, no augmentation.
"""

CWC_TEACHING = Teaching(
    what="**Channel-wise competition.** Each convolutional layer splits its channels into one group per class. "
         "A group's goodness is the mean square of its activities; the layer's loss is a cross-entropy over the "
         "class goodnesses, so the true class's group must win against the others. There is no positive/negative "
         "pair and no label overlaid on the image. Every layer still learns alone (its input is detached).",
    watch="the class-goodness matrices grow a bright diagonal, layer by layer; accuracy climbs without "
          "a single negative example.",
    sources=(CWC_PAPER,),
    cite_as="Source: {0}. Published: 0.58% MNIST and 7.69% Fashion-MNIST test error (20 epochs).",
    fidelity=_FIDELITY,
)
