"""Variants & transfer: Forward-Forward beyond Hinton's recipe, and whether its features carry to a new task."""

import streamlit as st

from fflab.app.experiment_choice import choose_experiment
from fflab.app.lab import experiment_lab
from fflab.app.nav import ensure_frame
from fflab.app.views.cwc import cwc_view
from fflab.app.views.dff import dff_view
from fflab.app.views.efficiency import efficiency_view
from fflab.app.views.negatives import negatives_view
from fflab.app.views.scff import scff_view
from fflab.app.views.transfer import transfer_view

ensure_frame()

CWC_PAPER = ("A. Papachristodoulou, C. Kyrkou, S. Timotheou, T. Theocharides (2024), *Convolutional Channel-wise "
             "Competitive Learning for the Forward-Forward Algorithm*, AAAI, "
             "[arXiv:2312.12668](https://arxiv.org/abs/2312.12668)")
STUDY = "[koriyoshi2041/ff-negative-samples](https://github.com/koriyoshi2041/ff-negative-samples)"

EXPERIMENTS = {"cwc": "CwC-FF", "scff": "SCFF", "collab": "Layer collaboration", "dff": "Distance-Forward",
               "transfer": "Transfer", "efficiency": "Efficiency"}

st.title("Variants & transfer")
st.markdown(
    "Plain Forward-Forward is one recipe among several. Here: a convolutional variant that needs **no negative "
    "data**, and a test of a bold claim, that FF's features **transfer worse than a random network's**. "
    "Layer collaboration (`collab_gamma`), peer normalisation and the SymBa loss are options of the "
    "Forward-Forward page."
)
choice = choose_experiment(
    "variants", EXPERIMENTS, "Experiment",
    "Which experiment to show. Each keeps its own settings and run; the choice is kept in the URL.",
)

if choice == "cwc":
    st.markdown(
        "**Channel-wise competition.** Each convolutional layer splits its channels into one group per class. "
        "A group's goodness is the mean square of its activities; the layer's loss is a cross-entropy over the "
        "class goodnesses, so the true class's group must win against the others. There is no positive/negative "
        "pair and no label overlaid on the image. Every layer still learns alone (its input is detached).\n\n"
        "**Watch:** the class-goodness matrices grow a bright diagonal, layer by layer; accuracy climbs without "
        "a single negative example."
    )
    st.caption(f"Source: {CWC_PAPER}. Published: 0.58% MNIST and 7.69% Fashion-MNIST test error (20 epochs).")
    experiment_lab("cwc", view=cwc_view)
elif choice == "scff":
    st.markdown(
        "**Self-contrastive FF: no labels at all.** A *positive* input is an image paired with itself, (x, x); a "
        "*negative* pairs it with another image of the batch, (x, x′). The first layer sees both images of a pair "
        "through the same weights, so it receives their sum: a doubled digit for a positive, a blend of two digits "
        "for a negative. Each layer learns alone to give positive pairs high goodness and negative pairs low goodness. "
        "Nobody tells it which digit is which: to tell an image from any other it must learn what digits look "
        "like. Accuracy comes from a *linear probe*, one softmax layer trained with labels on the frozen "
        "features.\n\n"
        "**Watch:** the positive (solid) and negative (dashed) goodness part as soon as each layer starts "
        "learning, and stay apart; the probe reads the digits though the layers never saw a label. The 8x8 "
        "digits are so easy that a probe on an *untrained* net of the same width also reaches about 98%: run "
        "`quick` (MNIST) to see what SCFF adds; its note gives what fflab measured, against an untrained net with "
        "the same probe. In the pairs tab, the numbers are the true classes, for you: some negatives pair two "
        "images of the same digit, and the method does not care."
    )
    st.caption("Source: X. Chen, D. Liu, J. Laydevant, J. Grollier (2025), *Self-Contrastive Forward-Forward "
               "algorithm*, Nature Communications 16, 5978, [arXiv:2409.11593](https://arxiv.org/abs/2409.11593); "
               "published: 98.7% MNIST test accuracy with a linear probe on a two-layer MLP.")
    experiment_lab("scff", view=scff_view)
elif choice == "collab":
    st.markdown(
        "**Layer collaboration.** In plain FF each layer judges positive against negative data on its own "
        "goodness alone. With collaboration, each layer's logit also adds γ times the *other* layers' goodness "
        "(detached, so no gradient crosses a layer): a layer is pushed only as far as the whole net still needs. "
        "Here one FF net per γ trains in lockstep: same initial weights, same batches, same negatives.\n\n"
        "**Watch:** the accuracy lines part as training goes on; γ = 0 is plain FF. Run several `seeds` before "
        "reading a small gap as real: the ranking marks gaps smaller than the spread over seeds."
    )
    st.caption("Source: G. Lorberbom, I. Gat, Y. Adi, A. Schwing, T. Hazan (2024), *Layer Collaboration in the "
               "Forward-Forward Algorithm*, AAAI, [arXiv:2305.12393](https://arxiv.org/abs/2305.12393); "
               "published: γ = 0.7 adds about 1.2 points on MNIST.")
    experiment_lab("collab", view=negatives_view)
elif choice == "dff":
    st.markdown(
        "**Distance-Forward.** Read FF's goodness as a distance. Every layer owns one learned *centre* per class in "
        "its activity space; an image's activity should lie nearer its own class's centre than any other centre, "
        "by a margin. The loss (an N-pair margin loss) compares the true centre with all the wrong ones at once, "
        "so each image brings its own nine negatives: no negative images, no label written into the pixels. "
        "Every layer still learns alone (its input is detached); the prediction is the class whose centres lie "
        "nearest, distances summed over the layers.\n\n"
        "**Watch:** the distance matrices grow a bright diagonal, layer by layer; on the margin plot each layer's "
        "dashed line (nearest wrong centre) pulls away from its solid line (own centre)."
    )
    st.caption("Source: Y. Wu, S. Xu, J. Wu, L. Deng, M. Xu, Q. Wen, G. Li (2024), *Distance-Forward Learning: "
               "Enhancing the Forward-Forward Algorithm Towards High-Performance On-Chip Learning*, "
               "[arXiv:2408.14925](https://arxiv.org/abs/2408.14925); published: 99.7% MNIST test accuracy. The "
               "authors released no code.")
    with st.expander("Why a distance, and what fflab chose"):
        st.markdown(
            """
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
        )
    experiment_lab("dff", view=dff_view)
elif choice == "efficiency":
    st.markdown(
        "**What it costs.** The same fully connected net and the same batches, trained by Forward-Forward and by "
        "backprop. Three measurements, in this order: the memory of one training step at several depths; a "
        "layer-parallel FF against the same FF one layer after another; then a race of both nets to a target "
        "test accuracy, timing only the training steps.\n\n"
        "**The claims under test.** A study reports that FF costs 30-240× backprop's training time. A folk claim "
        "says FF needs O(width) memory where backprop needs O(depth × width).\n\n"
        "**Why FF's memory should not grow with depth.** Backprop must keep every layer's activations until the "
        "error has come back down through all of them. An FF layer learns from its own goodness alone, on a "
        "detached input: it can take its step and drop its activations before the next layer runs, so only one "
        "layer's worth is ever held. But an FF layer sees positive *and* negative data, twice backprop's batch, "
        "so a shallow FF net can need more than backprop; and FF written as one backward over the summed layer "
        "losses (the grey dashed line, the way the Forward-Forward page trains) holds every layer's graph "
        "and loses the advantage.\n\n"
        "**Watch:** where the backprop line crosses the flat FF line; the ratio per epoch (a step of FF does "
        "roughly twice backprop's work) against the ratio to the target (FF needs more epochs); and whether "
        "running layers concurrently helps on this machine (on a few busy CPU cores it rarely does)."
    )
    st.caption(f"Claim under test: {STUDY} (README). Memory is measured with saved-tensor hooks: the bytes autograd "
               "holds for backward, parameters left out; on CUDA also the allocator's peak.")
    experiment_lab("efficiency", view=efficiency_view)
else:
    st.markdown(
        "**The question.** Pretrain each model on the source task (MNIST), freeze it, and fit only a linear "
        "probe on the target task (Fashion-MNIST). Good general features make a good probe. A study reports "
        "standard FF at 54%, *below* a random untrained net (72%), with backprop at 75% and CwC-FF at 89%.\n\n"
        "**Watch:** the bars fill in as each model finishes; compare the target bar with the random net's, and "
        "the source bar (how well the model solved its own task) with the target bar."
    )
    st.caption(f"Claim under test: {STUDY} (README, transfer study). Offline, `digits-low-to-high` pretrains on "
               "the 8x8 digits 0-4 and probes on 5-9.")
    with st.expander("How the comparison is kept fair"):
        st.markdown(
            """
- Every model gets the same seed, the same source data and the same probe: softmax regression on
  standardised features, full-batch Adam for `probe_steps` steps on `probe_samples` target images, scored on
  the whole target test set.
- FF's features: each layer's normalised activities with a *neutral* label (every label pixel equal), all
  layers concatenated, as Hinton's softmax predictor reads them. The random net is the same FF net, untrained.
  Backprop's: its hidden ReLU activities, concatenated. CwC-FF's: its last layer's output, flattened (what its
  softmax head reads).
- A net pretrained longer on the source may transfer worse: the source bar and the target bar show both.
"""
        )
    experiment_lab("transfer", view=transfer_view)
