"""What the Variants page teaches about `dff`: the paper, what to watch, and what fflab chose."""

from fflab.experiment import Paper, Teaching

DFF_PAPER = Paper("Y. Wu, S. Xu, J. Wu, L. Deng, M. Xu, Q. Wen, G. Li", 2024,
                  "Distance-Forward Learning: Enhancing the Forward-Forward Algorithm Towards High-Performance "
                  "On-Chip Learning", url="https://arxiv.org/abs/2408.14925")

_MORE = """
- **FF as a distance.** The paper reads FF as centroid-based metric learning. In FF the label is written into
  the input, so layer 1 computes ReLU(W·x + w_label): the label's weight column is one fixed offset shared by
  every image of the class, an anchor each image is scored against. Distance-Forward makes such class centres
  explicit: a layer's goodness for class k is minus the distance from its activity to centre k.
- **fflab's version** (the paper's architecture and settings were not available): fully connected layers, each
  normalising its input; `sphere` distance compares unit-length activity and centre (2 − 2·cos), so the margin
  cannot be won by scaling weights up; `rivals` = `all` is the N-pair loss, `hardest` keeps the nearest wrong
  centre, `random` one wrong class (like FF's single negative label). The paper's layer-collaboration schemes
  (DF-O, DF-R) are not reproduced; `collab_gamma` adds the other layers' detached distances instead.
"""

_FIDELITY = """
The authors published no code, and fflab could read only the paper's abstract and summaries of it; where those
leave room, fflab chooses:

- Net: fully connected. Each layer normalises its input's length (`norm`, RMS by default, as FF's
  layers do), then linear and ReLU. The image goes in as it is: no label is overlaid, the centres carry the labels.
- Centres: each layer has one learned vector per class in its activity space (a parameter trained
  with the layer), initialised uniformly in [0, 1) like the non-negative activities.
- Distance: `sphere` (default) compares unit-length activity and centre, d = 2 − 2·cos ∈ [0, 4],
  so a margin cannot be won by scaling weights up; `euclidean` is the squared distance averaged
  over units. A layer's goodness for class k is −d_k.
- Loss: the paper names a goodness-based N-pair margin loss; its exact formula was not available.
  fflab uses `log(1 + Σ_k exp(s·(d_true − d_k + m)))` over rival classes k (Sohn's N-pair loss with
  a margin, on distances), margin m (`margin`) and sharpness s (`scale`). `rivals` picks the negatives: all K − 1
  wrong classes (N-pair, the default), the nearest wrong centre (hard-negative mining), or one
  random wrong class (FF's single negative label).
- Locality: every layer has its own optimiser and sees the previous layer's output detached, so no
  gradient crosses a layer. All layers learn on every batch.
- Layer collaboration: the paper combines DF with layer-collaboration updates (its DF-O and DF-R
  schemes, not reproduced here). fflab offers Lorberbom et al.'s form instead: with `collab_gamma`
  = γ > 0, layer l's loss reads `d_l + γ·Σ_{j≠l} d_j`, the other layers' distances detached.
- Prediction: the nearest centre, distances summed over all layers (`all_layers`) or the last
  layer's alone (`last_layer`); both are scored at every evaluation.
- Snapshot: per layer, the class × centre matrix of mean distances over the held-out images of the
  last evaluation (row: true class, column: centre), and each layer's nearest-centre accuracy.
"""

DFF_TEACHING = Teaching(
    what="**Distance-Forward.** Read FF's goodness as a distance. Every layer owns one learned *centre* per class in "
         "its activity space; an image's activity should lie nearer its own class's centre than any other centre, "
         "by a margin. The loss (an N-pair margin loss) compares the true centre with all the wrong ones at once, "
         "so each image brings its own nine negatives: no negative images, no label written into the pixels. "
         "Every layer still learns alone (its input is detached); the prediction is the class whose centres lie "
         "nearest, distances summed over the layers.",
    watch="the distance matrices grow a bright diagonal, layer by layer; on the margin plot each layer's "
          "dashed line (nearest wrong centre) pulls away from its solid line (own centre).",
    sources=(DFF_PAPER,),
    cite_as="Source: {0}; published: 99.7% MNIST test accuracy. The authors released no code.",
    more_title="Why a distance, and what fflab chose",
    more=_MORE,
    fidelity=_FIDELITY,
)
