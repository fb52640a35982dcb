"""What the FF-on-text page teaches about `ff-text`: what it does, what to watch, how it is scored."""

from fflab.experiment import Paper, Teaching
from fflab.ff.forward_forward.text import HINTON_2022

LRU_2023 = Paper("A. Orvieto, S. L. Smith, A. Gu, A. Fernando, C. Gulcehre, R. Pascanu, S. De", 2023,
                 "Resurrecting Recurrent Neural Networks for Long Sequences", "ICML",
                 "https://arxiv.org/abs/2303.06349")

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

_SSM = """
- **`layer=ssm`** swaps every layer for a diagonal linear recurrence in the style of the LRU: a complex state
  h_t = λ ⊙ h_{t−1} + γ ⊙ B u_t with λ = exp(−exp(ν) + i·exp(φ)) (inside the unit circle for any ν, φ) and
  γ = √(1 − |λ|²), read out as ReLU(Re(C h_t) + D u_t + b). The layer reads the window as a sequence with the
  candidate as its **last character**, and its goodness is its mean squared output **at that last position**:
  the only position where a positive and its negative differ. Layer 1 reads the characters one-hot; each later
  layer reads the layer below's outputs at every position, RMS-normalised.
- **What is backpropagated where.** Each layer is trained by its own goodness loss, and nothing crosses from a
  layer to the one below: its inputs are detached, and each layer's loss is backpropagated before the next
  layer runs. **Within a layer, the gradient flows back through time**: from the last position's output into
  the final state, and through λ^j into every earlier input of the window and into λ itself (truncated at the
  window, k + 1 characters). So FF-SSM is layer-local but not time-local; an FF rule with no backprop through
  time at all would need, for instance, eligibility traces in the state.
- **Scoring every candidate** stays cheap because the candidates differ only in the last character: each layer
  runs the context once (a parallel scan) and then takes one recurrence step per candidate from the context's
  final state, so all 65 candidates cost one context pass plus 65 steps, exactly what 65 full passes give.
- **The backprop line** for `layer=ssm` is the same SSM stack (without the candidate) with a softmax read at
  the last context position, trained end to end by backprop through time with cross-entropy.
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
    sources=(HINTON_2022, LRU_2023),
    cite_as="Sources: {0}, section 3.4 (sequence learning on Aesop's fables); for `layer=ssm`, {1}. "
            "Data: Tiny Shakespeare from karpathy/char-rnn, 90% train, 10% validation.",
    more_title="How it is scored, and what the references mean",
    more=_SCORING,
    fidelity_title="State-space layers (`layer=ssm`): what the goodness reads, what is backpropagated where",
    fidelity=_SSM,
)
