"""Forward-Forward: train each layer on its own, without backpropagating through the net."""

import streamlit as st

from fflab.app.lab import experiment_lab
from fflab.app.nav import ensure_frame

ensure_frame()

st.title("Forward-Forward")
st.markdown(
    "Each layer learns on its own: it raises its **goodness** (the mean of its squared activities) on "
    "**positive** data, an image with its true label written into its first pixels, and lowers it on "
    "**negative** data, the same image with a wrong label. Nothing is backpropagated between layers. "
    "To classify, the net tries every label and picks the one with the most goodness.\n\n"
    "**Watch:** in *Mean goodness per layer*, positives (solid) rise above θ (dotted) and negatives (dashed) fall "
    "below it; *Accuracy* climbs as they separate. Turn on **backprop baseline** to compare with backprop "
    "on the same net, data and seed."
)
st.caption("Source: G. Hinton (2022), *The Forward-Forward Algorithm: Some Preliminary Investigations*, "
           "[arXiv:2212.13345](https://arxiv.org/abs/2212.13345).")
with st.expander("More on how it works, and what to try"):
    st.markdown(
        """
**The objective.** Layer *i* computes `h = relu(W · norm(x))`. Its goodness is `g = mean(h²)` (or the sum).
The loss pushes `g` above the threshold θ on positive data and below θ on negative data:
`softplus(θ − g_pos) + softplus(g_neg − θ)`. Each layer has its own loss and optimiser; its input
is the previous layer's output, detached, so gradients never cross a layer boundary.

**Why normalise?** Each layer normalises its input (`norm`), so it cannot read the goodness of the
layer below from the input's length: it must find new features to tell positive from negative.

**Negative data.** With `wrong_label`, a negative is a real image with a wrong label overlaid: the
net learns to tell when image and label disagree. Other strategies live in the `negatives` parameter.

**Prediction.** `goodness`: overlay each label in turn and pick the one whose summed goodness is
highest (one forward pass per class). `softmax`: train a linear head on the normalised activities
with a neutral label.

**Variants of the objective** (all off by default, so plain FF is unchanged):
- `collab_gamma` (layer collaboration): each layer's logit adds γ × the other layers' goodness, detached.
  The *Variants & transfer* page sweeps γ in lockstep.
- `modulation` (three-factor learning): a third factor scales each sample's loss: `top_down` (the next layer
  misjudges it), `layer_agreement` (this layer disagrees with the others) or `reward_prediction` (the net
  gets it wrong, against a running baseline).
- `prospective`: each layer is also pulled towards a target inferred through fixed random feedback.
- `pcl` (predictive-coding-light FF): each layer predicts its input and passes on only what it could not
  predict. Open the *Dead units* tab: the preset `pcl-study` reruns the setting where a study saw every unit
  die. On MNIST for 2 epochs (`python -m fflab run ff --preset quick --set epochs=2 ...`, seed 0) each
  modulation and `prospective` moved test accuracy by at most 0.07 points (94.07% plain).

**Things to try.**
- Raise `lr` to 0.1 while running: goodness curves get noisy, and with larger steps the run may diverge.
- Set `threshold` far from the goodness scale (say 50) and watch the losses stall.
- `schedule = greedy` trains layer 1 to the end before layer 2 starts: the curves appear one after another.
- Compare with the backprop baseline: on the digits, backprop usually gets there in fewer samples.
"""
    )

experiment_lab("ff", baseline="bp")
