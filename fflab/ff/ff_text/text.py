"""What the FF-on-text page teaches about `ff-text`: what it does, what to watch, how it is scored."""

from fflab.experiment import Teaching
from fflab.ff.forward_forward.text import HINTON_2022

_SCORING = """
- **Nats per character** is the validation cross-entropy, −mean ln p(true next character); bits are nats / ln 2.
  A uniform guess over 65 characters scores 4.17 nats; a bigram model (counts of character pairs, add-one
  smoothing, computed in the same run) about 2.5; nanoGPT's CPU configuration (a 4-layer transformer, 128 wide,
  2,000 iterations) 1.88; nanoGPT's `shakespeare_char` on a GPU 1.47.
- **Two FF predictors**, both logged: `goodness` (softmax of the summed goodness over a fitted temperature) and
  `softmax` (a linear head on the layers' activities under a neutral candidate, trained on detached features).
  `predict` chooses which one `val_nats_per_char` reports.
- **Layer 1** is a linear map of the one-hot window (an embedding row per position and character, summed), so
  every candidate costs one addition; the later layers are ordinary FF layers with RMS-normalised inputs.
- Hinton's Aesop's-fables net reached 53% per-character accuracy with teacher forcing and 34% with
  self-generated negatives, on the fables' training strings (reproduced in yaroslavvb/hinton-problems); the
  `aesop-style` preset is that setting as far as it transfers.
"""

FF_TEXT_TEACHING = Teaching(
    what="Can layer-local learning model language? Each FF layer sees a **window** of the last k characters of "
         "Shakespeare together with a **candidate** next character. A *positive* is the window with the character "
         "that really follows; a *negative*, the same window with a wrong one: drawn at random (Hinton's teacher "
         "forcing) or from the net's own prediction (his self-generated negatives). Each layer learns alone to give "
         "positives more goodness. To predict, the net scores all 65 candidates; a softmax over their goodness, with "
         "a temperature fitted on training windows, is its distribution over the next character.",
    watch="the validation nats per character fall from the uniform line (ln 65 = 4.17) towards the bigram "
          "line and below it; backprop on the same net and batches is the green line to beat. The sample below is "
          "written by FF from the validation text's opening, freshly every few seconds.",
    sources=(HINTON_2022,),
    cite_as="Source: {0}, section 3.4 (sequence learning on Aesop's fables). "
            "Data: Tiny Shakespeare from karpathy/char-rnn, 90% train, 10% validation.",
    more_title="How it is scored, and what the references mean",
    more=_SCORING,
)
