"""What the Forward-Forward page teaches about `ff`: the paper, what to watch, and fflab's choices."""

from fflab.experiment import Paper, Teaching

HINTON_2022 = Paper("G. Hinton", 2022, "The Forward-Forward Algorithm: Some Preliminary Investigations",
                    url="https://arxiv.org/abs/2212.13345")

_MORE = """
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

# The biologically inspired options (`fflab/ff/forward_forward/bio.py`), against the study that tried them.
_FIDELITY = """
A public study (koriyoshi2041/ff-negative-samples, `models/three_factor_ff.py`, `models/prospective_ff.py`,
`models/pcl_ff.py`) reports that these variants "fail or help marginally" and that PCL-FF kills 100% of
its units. fflab implements the closest honest version of each as an option of `ff`, so the claims can
be tested live beside plain FF. Every option off (`modulation=none`, `prospective=0`, `pcl=false`)
leaves `ff` exactly as it was: no extra parameters, no extra random draws, the same losses.

**Three-factor modulation** (`modulation`, strength s = `modulation_strength` in [-1, 1]; simultaneous
schedule). A third factor M in [-1, 1], computed from detached quantities, scales each sample's local
loss: `loss_k = mean_i (1 + s·M_k,i) · ℓ_k,i`, so the update of layer k is presynaptic × postsynaptic ×
(1 + s·M). Every signal is built from a layer's *judgement margin* on a sample, the logit its own loss
sees: g − θ for a positive and θ − g for a negative under the threshold loss (SymBa: `α(g_pos − g_neg)`
for the pair; layer collaboration's γ term is left out), and from c = tanh(margin / 2) = 2·σ(margin) − 1,
the layer's confidence that it judges the sample right (−1: sure it is wrong).
- `top_down`: `M_k = −c_(k+1)`, the next layer's confidence, negated: with s > 0 a layer learns more on
  the samples the layer above gets wrong, less on those it gets right. The last layer has no layer
  above: M = 0.
- `layer_agreement`: `M_k = −c_k · mean_(j≠k) c_j`, minus the agreement of this layer's positive/negative
  verdict with the other layers' (the product is the same whether computed from verdicts or from
  correctness, so it needs no label): with s > 0 a layer learns more where it disagrees with the rest
  of the net. One layer alone: M = 0.
- `reward_prediction`: one global signal for every layer (dopamine-like). Reward `r_i` = 1 when the whole
  net judges sample i right (its margins summed over layers above 0), else 0; the prediction b is a
  running mean of the reward (momentum 0.99, from 0.5); `M_i = −(r_i − b)`, read before b is updated.

s < 0 flips every sign (learn more where things go right). Adam all but ignores a factor shared by every
sample: mostly how M differs between samples changes what a layer learns.

How this differs from the study's `ThreeFactorFFNetwork`: the study modulates the *goodness*,
g·(1 + a·tanh M), with a learnable a (0.5 at start) inside the layer's optimiser, not the loss; its
top-down signal is p(correct class) − 0.5 from a softmax projection of the last layer trained by
cross-entropy (the negatives use the positives' labels and a negated signal); its layer agreement is
the cosine between the centred activities of this layer and the next (first columns when widths
differ); its reward prediction error is 1 − b for every positive and 0 − b for every negative, b a
per-layer running mean of that "reward", so it carries no information about the sample; and it trains
greedily, layer after layer, on the full batch, taking its signals from the whole net while the layers
above the one in training are still at their initial weights.

**Prospective FF** (`prospective` = λ, 0 is off; simultaneous schedule). After the study's reading of
prospective configuration (Song et al., Nature Neuroscience 2024): each layer first infers a target
activity, then its weights consolidate towards it. The target is `relu(a ± β·P_k·hint_k)`, + for
positives, − for negatives, β = 0.5; `hint_k = B_k·a_(k+1)` (the same sample's next-layer activity) for
every layer but the last, and `U·onehot(label)` for the last (the label overlaid on the sample, so a
negative's wrong label is pushed away). `P_k`, `B_k` and U are fixed random orthogonal matrices (gains
0.1, 0.1, 0.5, as in the study, where they are never trained; fflab keeps their products). The layer's loss
gains `λ·(MSE(a_pos, target_pos) + MSE(a_neg, target_neg))`, targets detached; the study's λ is 0.01.
It is FF plus a random-feedback target, which the study calls prospective configuration; the original
algorithm's energy-based inference phase is not part of it (nor of the study's code).

**PCL-FF** (`pcl`). After the study's `PCLFFLayer`: besides its encoder, each layer has a linear
predictor that reconstructs the layer's normalised input x̂ from its activity; per sample, err = mean
squared reconstruction error, surprise = σ(10·err − 5), and the layer transmits its ReLU activity
times the mask 1 − σs·(1 − surprise) (σs = `pcl_surprise`): predictable inputs are suppressed. Its
training goodness is goodness(h) − α·err − `pcl_sparsity`·mean|h| (α = `pcl_alpha`), its loss the FF
loss plus α·mean(err). Prediction uses the plain goodness of the masked activity, as in the study.
With the study's L2-normalised 784-pixel input the reconstruction error is about 1/784 from the start,
so the mask starts near σ(−5) ≈ 0.007 and scales every activity down about 150-fold. Under `rms`
normalisation the error starts near 1 and the mask near 1, but the predictor soon learns to
reconstruct and the mask falls as well.

**Dead units**: the share of a layer's units whose output is exactly zero for every held-out
evaluation image under every candidate label (the inputs the goodness predictor shows the net),
logged as `dead_fraction.layerN` at every evaluation (the final metrics count them on the same images).
The study counts a unit of the last layer dead when its largest |activity| on the test images, label 0
overlaid, is below 0.01, which also counts units that fire but are scaled down by PCL's mask.
"""

FF_TEACHING = Teaching(
    what="Each layer learns on its own: it raises its **goodness** (the mean of its squared activities) on "
         "**positive** data, an image with its true label written into its first pixels, and lowers it on "
         "**negative** data, the same image with a wrong label. Nothing is backpropagated between layers. "
         "To classify, the net tries every label and picks the one with the most goodness.",
    watch="in *Mean goodness per layer*, positives (solid) rise above θ (dotted) and negatives (dashed) fall "
          "below it; *Accuracy* climbs as they separate. Turn on **backprop baseline** to compare with backprop "
          "on the same net, data and seed.",
    sources=(HINTON_2022,),
    more=_MORE,
    fidelity=_FIDELITY,
)
