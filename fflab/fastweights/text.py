"""What the Fast weights page teaches about its three experiments; the papers, cited once."""

from fflab.experiment import Paper, Teaching

SCHMIDHUBER_1992 = Paper("J. Schmidhuber", 1992, "Learning to control fast-weight memories: an alternative to "
                         "dynamic recurrent networks", "Neural Computation 4(1):131-139",
                         "https://doi.org/10.1162/neco.1992.4.1.131")
SCHMIDHUBER_1993 = Paper("J. Schmidhuber", 1993, "A 'self-referential' weight matrix", "ICANN '93, pp. 446-450",
                         "https://doi.org/10.1007/978-1-4471-2063-6_107")
SCHLAG_2021 = Paper("I. Schlag, K. Irie, J. Schmidhuber", 2021, "Linear Transformers Are Secretly Fast Weight "
                    "Programmers", "ICML", "https://arxiv.org/abs/2102.11174")
REPRODUCED = "Task settings and reference numbers as reproduced in cybertronai/schmidhuber-problems (wave 4)."

DELAY_TEACHING = Teaching(
    what="**The task.** A pattern of ±1 bits arrives with a *store* flag, then K random distractor steps "
         "(K drawn from `delay_min..delay_max`), then a *recall* flag: the output at recall must be the pattern. "
         "The slow net is feed-forward, it sees only the current input, so the only path from the store step to "
         "the recall step is `W_fast`.",
    watch="the gate opens at the store step and stays shut on distractors; `W_fast` gets its picture at "
          "t = 0 and keeps it; ‖W_fast‖ is flat across the gap. At the end the held-out accuracy on delays longer "
          "than any trained on (up to `test_delay_max`) shows that the memory does not fade with time.",
    sources=(SCHMIDHUBER_1992, REPRODUCED),
    cite_as="Source: {0}. {1}",
    more="""
**The net.** `h = tanh(W x_t)`; heads give the key `k` and query `q` (tanh, 8 units), the value `v` (tanh, one
per pattern bit) and the gate `g = sigmoid(·)`. `W_fast` starts each episode at zero; the read-out at recall is
`y = W_fast q`, trained by mean squared error against the pattern. The reference setting has 917 slow parameters.

**Why it generalises to longer delays.** A write adds `η·g·v kᵀ`; with the gate shut, distractors add (almost)
nothing, however many there are. A recurrent net would have to learn to hold a state for K steps.

**Things to try.**
- Lower `eta` to 0.05: each write is weaker, so the gate has to open wider and training takes longer.
- Train on short delays only (`delay_max` 8) and test up to 60: does the accuracy on long delays hold?
- Set `hidden` to 4: can a tiny programmer still learn to gate?
- Move `show_delay` while a run goes to trace episodes of other lengths.
""",
)

KV_TEACHING = Teaching(
    what="**The task.** N key/value pairs are written into `W_fast = Σ v (W_K k)ᵀ`; then one key is presented and "
         "`y = W_fast W_K k` should be its value. The raw keys all lean along one shared direction (`key_bias`), "
         "so they overlap and every read drags in the other values. A trained linear map `W_K` (plain SGD through "
         "the writes) learns to project the keys apart.",
    watch="the key cosine matrix turns from uniformly high to nearly diagonal; retrieval cosines rise "
          "(about 0.43 before to 0.75 after in the reference). The capacity curve shows how retrieval falls as N "
          "grows past what d = 8 dimensions can keep apart, for the sum rule and the delta rule.",
    sources=(SCHMIDHUBER_1992, SCHLAG_2021, REPRODUCED),
    cite_as="Sources: {0}; the delta rule: {1}. {2}",
    more="""
**Sum rule and delta rule.** The 1992 rule adds every pair: `W += v kᵀ`. If two keys overlap, their values
mix. The delta rule `W += β (v − W k) kᵀ` first reads what `W` already stores under `k` and writes only the
difference, so a key written twice keeps the newer value; its keys are normalised to unit length.

**Things to try.**
- Switch `rule` to `delta` and compare the capacity curves.
- Raise `key_bias` to 3: the keys overlap more; how much can `W_K` recover?
- Set `pairs` to 12 (more than `key_dim`): no projection can make 12 keys orthogonal in 8 dimensions.
""",
)

SRWM_TEACHING = Teaching(
    what="**The task.** Each episode picks one boolean function of two bits (AND, OR, XOR or NAND). Four *demo* "
         "steps show all four inputs with their label; four *query* steps show them again without it. The net "
         "must answer the queries, so it must learn the function from the demos, within the episode.\n\n"
         "**The net** is recurrent with `W_eff = W_slow + W_fast`, and at every step it writes into its own "
         "matrix: soft row and column pointers pick where, a value and a gate how much (`η·g·val·row colᵀ`). "
         "`W_fast` is reset every episode.",
    watch="query accuracy climbs well above the 69% a demo-blind guesser can reach; `W_fast` after the "
          "demos differs from task to task; writes concentrate in the demo phase. *Writes off* shows what the "
          "trained net loses without its self-modification.",
    sources=(SCHMIDHUBER_1993, REPRODUCED),
    cite_as="Source: {0}, in a continuous relaxation. {1}",
    more="""
**Self-reference.** The matrix the net rewrites is the one it runs on: each step `h = tanh(W_eff h + W_in x)`,
then heads read `h` to emit the output, the pointers, the value and the gate. The slow weights learn by
backpropagation through all 8 steps and every write (Adam, each gradient tensor's norm clipped).

**Things to try.**
- Pick the `no-self-modification` preset: a plain RNN of the same size must hold the demos in its 6 units.
- Set `eta` to 0 while a run goes: the writes vanish; watch the query accuracy at the next evaluations.
- Raise `hidden` to 16: a larger matrix to write into.
""",
)
