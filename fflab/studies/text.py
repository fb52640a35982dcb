"""What the Variants page teaches about the studies: the γ sweep, transfer and efficiency."""

from fflab.experiment import Paper, Teaching
from fflab.ff.ff_text.text import LRU_2023
from fflab.ff.negatives.text import STUDY

LORBERBOM_2024 = Paper("G. Lorberbom, I. Gat, Y. Adi, A. Schwing, T. Hazan", 2024,
                       "Layer Collaboration in the Forward-Forward Algorithm", "AAAI", "https://arxiv.org/abs/2305.12393")

COLLAB_TEACHING = Teaching(
    what="**Layer collaboration.** In plain FF each layer judges positive against negative data on its own "
         "goodness alone. With collaboration, each layer's logit also adds γ times the *other* layers' goodness "
         "(detached, so no gradient crosses a layer): a layer is pushed only as far as the whole net still needs. "
         "Here one FF net per γ trains in lockstep: same initial weights, same batches, same negatives.",
    watch="the accuracy lines part as training goes on; γ = 0 is plain FF. Run several `seeds` before "
          "reading a small gap as real: the ranking marks gaps smaller than the spread over seeds.",
    sources=(LORBERBOM_2024,),
    cite_as="Source: {0}; published: γ = 0.7 adds about 1.2 points on MNIST.",
)

_FAIR = """
- Every model gets the same seed, the same source data and the same probe: softmax regression on
  standardised features, full-batch Adam for `probe_steps` steps on `probe_samples` target images, scored on
  the whole target test set.
- FF's features: each layer's normalised activities with a *neutral* label (every label pixel equal), all
  layers concatenated, as Hinton's softmax predictor reads them. The random net is the same FF net, untrained.
  Backprop's: its hidden ReLU activities, concatenated. CwC-FF's: its last layer's output, flattened (what its
  softmax head reads).
- A net pretrained longer on the source may transfer worse: the source bar and the target bar show both.
"""

TRANSFER_TEACHING = Teaching(
    what="**The question.** Pretrain each model on the source task (MNIST), freeze it, and fit only a linear "
         "probe on the target task (Fashion-MNIST). Good general features make a good probe. A study reports "
         "standard FF at 54%, *below* a random untrained net (72%), with backprop at 75% and CwC-FF at 89%.",
    watch="the bars fill in as each model finishes; compare the target bar with the random net's, and "
          "the source bar (how well the model solved its own task) with the target bar.",
    sources=(STUDY,),
    cite_as="Claim under test: {0} (README, transfer study). Offline, `digits-low-to-high` pretrains on "
            "the 8x8 digits 0-4 and probes on 5-9.",
    more_title="How the comparison is kept fair",
    more=_FAIR,
)

EFFICIENCY_TEACHING = Teaching(
    what="**What it costs.** The same fully connected net and the same batches, trained by Forward-Forward and by "
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
         "and loses the advantage.",
    watch="where the backprop line crosses the flat FF line; the ratio per epoch (a step of FF does "
          "roughly twice backprop's work) against the ratio to the target (FF needs more epochs); and whether "
          "running layers concurrently helps on this machine (on a few busy CPU cores it rarely does).",
    sources=(STUDY,),
    cite_as="Claim under test: {0} (README). Memory is measured with saved-tensor hooks: the bytes autograd "
            "holds for backward, parameters left out; on CUDA also the allocator's peak.",
)

TEXT_LAYERS_TEACHING = Teaching(
    what="**Can state-space layers replace FF's MLP layers, and what do they cost?** Four nets learn to predict "
         "the next character of Shakespeare on the same batches: FF layers on a window of characters (**FF-MLP**), "
         "the same MLP trained end to end by backprop, FF on diagonal linear recurrent layers in the style of "
         "the LRU (**FF-SSM**: each layer trained by its own goodness, read at the candidate's position), and the "
         "same SSM stack trained end to end by **backprop through time**. Before training, one update of each "
         "net is measured at several window lengths: the bytes autograd holds for its backward pass.\n\n"
         "**What FF saves, and what it does not.** FF-SSM passes nothing from a layer to the one below, so it "
         "holds one layer's graph at a time; but within a layer its gradient still flows back through the "
         "window, so its memory grows with the window like BPTT's, at about the share of one layer. The MLP's "
         "first layer is a sum of embedding rows, nearly flat in the window.",
    watch="the memory lines: FF-SSM and BPTT both rise in proportion to the window, FF-SSM below; the MLPs stay "
          "nearly flat. Then the validation nats against each net's own training seconds: which kind of layer "
          "learns more per second, and how far FF stays above its backprop twin.",
    sources=(LRU_2023,),
    cite_as="State-space layers after {0}. The nets are those of the FF-on-text experiment (`layer=mlp` and "
            "`layer=ssm`, each with its backprop twin); memory is measured with saved-tensor hooks, as the "
            "Efficiency experiment measures it.",
)
