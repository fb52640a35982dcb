"""What the NCA page teaches: the classic rule, the FF rule fflab designed for it, and what each achieved."""

from fflab.experiment import Paper, Teaching
from fflab.ff.forward_forward.text import HINTON_2022

MORDVINTSEV_2020 = Paper("A. Mordvintsev, E. Randazzo, E. Niklasson, M. Levin", 2020,
                         "Growing Neural Cellular Automata", "Distill 5(2)", "https://doi.org/10.23915/distill.00023")

_MORE = """
**The automaton.** Every cell holds 16 numbers: premultiplied RGB, alpha, and 12 hidden channels. At each step
a cell *perceives* its 3×3 neighbourhood through fixed filters (its own values and the Sobel x and y gradient of
every channel: 48 numbers), passes them through two learned layers, the **perceive layer** (48→128, ReLU) and
the **update layer** (128→16, no bias, zero at the start: the untrained rule changes nothing, 8,320 weights in
all), and adds the result to its state, but only with probability `fire_rate` (no global clock). A cell lives
while some alpha in its 3×3 neighbourhood exceeds 0.1; the others are set to zero. The seed is one live cell.

**The classic rule (`bptt`).** A batch from a *sample pool* of grown states grows for 24-36 steps (the article:
64-96), its RGBA is compared with the target, and the gradient flows back through every step. The worst state of
each batch is replaced by the seed, and the batch goes back to the pool: the rule learns to grow *and* to keep
what it grew. The hidden channels are free; the rule invents what they carry.

**The FF rule (`ff`), fflab's design.** Nothing crosses time or layers:
1. *States.* Its own pool, grown by the FF rule itself without gradient, `ff_rollout` steps per training step,
   one local update per automaton step.
2. *Teacher.* Each cell should hold the target's RGBA and, in hidden channels 4 and 5, its x and y relative to
   the seed. A rule that learns one step at a time cannot invent a hidden code (no credit reaches the step that
   would have written it), so it is handed one to carry.
3. *Perceive layer, by goodness.* Goodness = mean square activity per cell, logistic loss against `threshold`.
   Positives: neighbourhoods of the teacher's growth (the teacher state inside a disc of random radius around
   the seed). Negatives: the neighbourhoods of the rule's own grids, and of the teacher with its positional code
   shifted by a few cells (the right colours at the wrong place).
4. *Update layer, by a local delta rule.* It reads the perceive layer's activity, detached, and every cell that
   may live after the step learns to propose `teacher − state`. This is FF's read-out: goodness alone says how
   good a neighbourhood is, not which way a cell should change.

**What it achieved (`python -m fflab run nca --preset quick`, seeds 0 / 1).** RGBA mean squared error against
the target, grown from the seed for 36 steps (untrained: 0.169 for both):

| rule | grown | regrown after a disc of radius 4 | after 72 steps | training time |
|---|---|---|---|---|
| bptt | **0.020** / 0.018 | 0.034 / 0.033 | 0.029 / 0.015 | 90 s / 98 s |
| FF (goodness perceive layer) | 0.131 / 0.173 | 0.134 / 0.183 | 0.136 / 0.183 | 75 s / 82 s |
| FF, perceive layer frozen at random (`ff_perceive` = `frozen`, seed 0) | 0.119 | 0.118 | 0.118 | |
| FF, update reads normalised activity (`ff_readout` = `normalised`, seed 0) | 0.164 | 0.187 | 0.187 | |

The classic rule grows a recognisable smiley that persists and regrows. The FF rule does not: it learns the
picture's average colour and spreads a faint yellow square over the whole grid (with seed 1 it ends a little
worse than the untrained rule). It never learns where to stop,
because the positional code it is given does not survive being copied from cell to cell by a one-step rule:
small errors at each new ring add up, and a cell that cannot tell where it is proposes the average of what
cells like it should become (an alpha near 0.5, above the 0.1 that keeps a cell alive). Its error stays flat
after damage and over time only because there is no shape to lose.

**What failed and why.**
- Goodness taught the perceive layer nothing the update could use: the random, frozen layer does a little
  better (0.119 against 0.131). Goodness separates the teacher's neighbourhoods from the rule's own (positive
  goodness about 2.6, negative 1.2), but that is not the information *which colour, which way* needs; and as
  goodness grows, the features under the read-out keep changing scale, so the delta rule chases them.
- FF's normalisation between layers hurts here: the update then sees only the direction of the activity, not
  its size, so a cell cannot scale its correction to how far off it is (0.164, no better than untrained).
- Training the update on the teacher's own growth as well as on the rule's grids (teacher forcing) was tried
  first: it made the rollouts less stable, not more, and was dropped.

**Things to try.**
- Press **Damage** in the live view (or change `damage`): the same disc is erased in both grids; count the
  steps each needs to regrow. Set `train_damage` 1 (of a batch of 4) to train regrowth.
- `ff_perceive` = `frozen`: the FF rule with random, untrained perceive features. If it does as well, goodness
  taught the perceive layer nothing the update could use.
- `target` = `rings`: the colour depends only on the distance from the seed, the easiest picture for a rule that
  must tell where it is.
"""

_FIDELITY = """
- Sizes for a CPU: `quick` grows a 16-cell picture in a 24×24 grid through 24-36 steps with batch 4 and a pool of
  64; `distill` is the article's 40×40 padded by 16, batch 8, pool 1024, 64-96 steps, 8000 steps.
- The article normalises each layer's gradient and uses Adam at 2e-3 decaying to 2e-4 at step 2000; fflab
  normalises the gradients, keeps the rate constant (`lr` is live: lower it by hand).
- The targets are drawn by code (a smiley, a heart, rings, the letter H), not the article's emoji images.
- The damage is a random disc on the picture's square, the same in both grids, not one placed by a click.
- The FF rule is fflab's own: no paper trains an NCA by Forward-Forward. Its update layer learns by a local delta
  rule, not by goodness; its hidden channels carry a given positional code. Both choices are stated above.
- The `quick` preset ran in 2 min 57 s on the project's 2-core CPU machine (bptt 90 s, FF 75 s of training).
"""

NCA_TEACHING = Teaching(
    what="A **neural cellular automaton**: every cell of a grid applies the same small learned rule to its 3×3 "
         "neighbourhood, and from a single seed cell the grid grows a picture, keeps it, and can regrow it after "
         "damage. The classic rule learns by **backprop through time**, through all the steps of the growth. "
         "Here a second rule, with the same two layers, learns by **Forward-Forward**: each layer on its own, one "
         "step at a time. Both grow side by side from the same seed cell.",
    watch="the left grid (bptt) turns from a dot into a blob and then into the picture within a few hundred "
          "steps; its error against the target falls (0.169 to 0.020 in `quick`). The right grid (FF) learns the "
          "picture's average colour but, with no credit through time, not where to stop: it spreads past the "
          "picture's edge (0.131). Damage both and compare the steps each takes to regrow. The update layer's "
          "weights show which hidden units move which channels.",
    sources=(MORDVINTSEV_2020, HINTON_2022),
    cite_as="Sources: the classic NCA, {0}; Forward-Forward, {1}. The FF rule for an NCA is fflab's own design.",
    more_title="How both rules learn, and what to try",
    more=_MORE,
    fidelity=_FIDELITY,
)
