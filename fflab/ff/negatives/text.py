"""What the Negative strategies page teaches about the `negatives` race; the study it reruns, cited once.

The published numbers live here, with the study: the race's presets and views import them.
"""

from fflab.experiment import Teaching
from fflab.ff.forward_forward.text import HINTON_2022
from fflab.ff.negatives.registry import NEGATIVE_STRATEGIES

STUDY = "[koriyoshi2041/ff-negative-samples](https://github.com/koriyoshi2041/ff-negative-samples)"

# MNIST test accuracy the koriyoshi2041/ff-negative-samples study reports (1000 full-batch steps per layer).
PUBLISHED_ACCURACY = {"wrong_label": 0.9450, "class_confusion": 0.9215, "same_class_diff_img": 0.9206,
                      "hybrid_mix": 0.6337, "noise_augmented": 0.4610, "masked": 0.3097}

_RACE = """
**The published race.** The study trained a 784-500-500 network for 1000 full-batch steps per layer and
concluded that simple is better. Its baseline FF is weak (90-94%, below the ~98.5% good FF reaches),
several of its runs sit at chance, and its `masked` zeroes random pixels rather than Hinton's blurred-mask
hybrids (here `hinton_hybrid`). The `published-table` preset reruns its six strategies at its setting (a
GPU-scale run); `quick-race` races all nine on MNIST in a few minutes on a CPU; `digits-race` runs on the
8x8 digits, offline, in seconds.

**Things to try.**
- Race `wrong_label` against `random_label`: about one in ten "negatives" of `random_label` is a positive.
- Race `masked` and `noise_augmented` against `wrong_label`: how fast does their separation rise, and does
  accuracy follow?
- Raise `hinton_blur_steps` and look at the gallery: larger blobs, more realistic hybrids.
- Set `seeds` to 3 and read the ± std column before you trust a gap in the ranking.
"""


def _strategies() -> str:
    """One line per registered strategy (the package registers them all before this module runs)."""
    return "\n".join(f"- **`{name}`**: {strategy.help}" for name, strategy in NEGATIVE_STRATEGIES.items())


NEGATIVES_TEACHING = Teaching(
    what="Forward-Forward trains each layer to give high **goodness** to **positive** data (a real image with its "
         "true label written into its first pixels) and low goodness to **negative** data. What a layer learns is "
         "whatever tells the two apart, so the negatives decide the features: if they differ from positives in "
         "something trivial (noise, blanked pixels), the network learns to spot that and little else. Good "
         "negatives look real and differ only in what matters: the image does not fit its label.\n\n"
         "Here several FF networks race in lockstep. They start from **identical weights**, see **identical "
         "positive batches** in the same order, and get the **same number of steps**; only their negatives "
         "differ.",
    watch="the *ranking* and *Accuracy per strategy*, which strategy leads and by how much; "
          "*Goodness separation*, where easy negatives separate at once while accuracy lags; the *Negatives "
          "gallery*, to see what each strategy feeds the network. Set **seeds** above 1 to see the spread over "
          "seeds: a gap smaller than it is noise.",
    sources=(HINTON_2022, STUDY),
    cite_as="Sources: {0} (wrong labels; hybrid images through blurred masks). The comparison study {1} reports, "
            "for MNIST: " + ", ".join(f"{name} {acc:.2%}" for name, acc in PUBLISHED_ACCURACY.items()) + ".",
    more_title="The strategies, and the published race",
    more=_strategies() + "\n" + _RACE,
)
