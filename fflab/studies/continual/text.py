"""What the Continual-learning page teaches about `continual`."""

from fflab.experiment import Paper, Teaching

VAN_DE_VEN_2019 = Paper("G. M. van de Ven, A. S. Tolias", 2019, "Three scenarios for continual learning",
                        "NeurIPS Continual Learning workshop", "https://arxiv.org/abs/1904.07734")
LOPEZ_PAZ_2017 = Paper("D. Lopez-Paz, M. Ranzato", 2017, "Gradient Episodic Memory for Continual Learning",
                       "NeurIPS", "https://arxiv.org/abs/1706.08840")

_HOW = """
- **The stream.** In `split` (class-incremental Split-MNIST) task t holds the training images of two classes;
  in `permuted` (domain-incremental Permuted MNIST) every task holds all ten classes, its pixels shuffled by
  a permutation of its own, drawn once from the seed (the first task unshuffled). Every learner gets the same
  batches of the current task in the same order. A replay learner's batch is the current batch joined by as many examples
  drawn from one reservoir buffer (algorithm R: every example seen so far is equally likely to be in it),
  shared by both replay learners; the buffer fills after each step.
- **The learners** are the lab's own `ff` and `bp` nets with their quick settings (the offline digits use
  their digits settings), the learning rate held constant: nothing tells a learner when a task ends.
  FF's negatives are its usual wrong labels, drawn over all ten classes; its prediction is the label of
  highest goodness over all ten.
- **The measures** (GEM's): R[t, i], the accuracy on task i's test images after task t; average accuracy,
  the mean of the last row; backward transfer, the mean of R[last, i] − R[i, i]; forgetting, the mean drop
  from each old task's best accuracy to its last.
"""

CONTINUAL_TEACHING = Teaching(
    what="New data arrives every day; the old does not come back. Does a net whose layers learn locally forget "
         "less than one trained end to end? Here the digits come in **tasks of two classes**, (0, 1), then (2, 3), "
         "..., and every learner trains on one task after another, in lockstep on the same batches, with **one head "
         "over all ten classes** (class-incremental: at test time nobody says which task an image is from). "
         "Forward-Forward and backprop each learn plainly (fine-tuning) and with a small **replay buffer** of past "
         "examples joined to every batch; backprop on all the data from the start is the upper bound. The `permuted` "
         "scenario asks the other question: the same ten digits every task, but seen through a new shuffle of the "
         "pixels each time (domain-incremental Permuted MNIST).",
    watch="each accuracy matrix fills in one row per task. In the split scenario fine-tuning keeps only its "
          "diagonal, the task it just learnt (with permuted pixels old tasks fade more slowly); replay keeps the "
          "lower triangle lit. The hope of layer-local learning is a brighter lower "
          "triangle without replay: the table at the end says whether it came true.",
    sources=(VAN_DE_VEN_2019, LOPEZ_PAZ_2017),
    cite_as="Scenarios and references: {0} (class-incremental Split-MNIST: fine-tuning and EWC about 20%, replay "
            "about 90%, joint training about 98%; domain-incremental Permuted MNIST); the measures: {1}.",
    more_title="How the stream and the measures are made",
    more=_HOW,
)

CONTINUAL_TEXT_TEACHING = Teaching(
    what="Does a net whose layers learn locally forget less when new text arrives day by day? Shakespeare is "
         "cut into consecutive **parts**, "
         "and every learner reads one part after another, predicting the next character from the last few. The "
         "parts share an alphabet and a language but not their plays, characters or words, so this is closer to "
         "domain-incremental learning than to new classes. The learners are the FF-on-text page's nets: FF "
         "layers on a window of characters, and the same net trained by backprop; each fine-tuned and with a "
         "**replay buffer** of past windows, and backprop on every part from the start as the upper bound.",
    watch="each learner's next-character accuracy on every part's validation text, one row per part. Language "
          "carries over, so old parts should fade less than Split-MNIST's classes; whether FF's layer-local "
          "learning fades less than backprop's, the table at the end says.",
    sources=(VAN_DE_VEN_2019, LOPEZ_PAZ_2017),
    cite_as="Scenarios: {0}; the measures: {1}. Data: Tiny Shakespeare from karpathy/char-rnn, each part's first "
            "90% for training, its last 10% for validation.",
)
