"""The parameters and presets of `ff-text`."""

from fflab.data.text import CORPORA
from fflab.experiment import Preset
from fflab.params import Param, ParamSpec

TEXT_PARAMS = ParamSpec([
    Param("corpus", "choice", "tinyshakespeare", "The text: Tiny Shakespeare (1.1 M characters; offline, the excerpt "
          "shipped with fflab stands in), or that 40,000-character excerpt.", choices=CORPORA),
    Param("context", "int", 16, "Characters the net sees before the one it predicts (the window).", low=1, high=128,
          unit="characters"),
    Param("hidden", "int_list", (512, 512), "FF layer widths, first to last.", low=4, high=4000, unit="units",
          max_items=4),
    Param("layer", "choice", "mlp", "`mlp`: a linear map of the one-hot window, then fully connected FF layers; `ssm`: "
          "diagonal linear recurrent (LRU-style) layers reading the window as a sequence, the candidate last, "
          "goodness read at that last position.", choices=("mlp", "ssm")),
    Param("state_size", "int", 64, "Complex state dimensions of each SSM layer (`layer=ssm` only).", low=1, high=1024,
          unit="dimensions"),
    Param("ssm_r_min", "float", 0.5, "Smallest eigenvalue radius |λ| at initialisation (`layer=ssm` only): a state "
          "with |λ| = r forgets by a factor r per character.", low=0.0, high=0.999),
    Param("ssm_r_max", "float", 0.99, "Largest eigenvalue radius |λ| at initialisation (`layer=ssm` only; at least "
          "`ssm_r_min`).", low=0.0, high=0.9999),
    Param("negatives", "choice", "random", "`random`: the window with a wrong next character drawn uniformly "
          "(Hinton's teacher forcing); `self`: a wrong character drawn from the net's own prediction (his "
          "self-generated negatives).", choices=("random", "self")),
    Param("loss", "choice", "symba", "`threshold`: softplus(θ − g_pos) + softplus(g_neg − θ); `symba`: softplus of "
          "−α times the gap between a positive's goodness and its negative's.", choices=("threshold", "symba")),
    Param("threshold", "float", 2.0, "θ of the threshold loss, on mean goodness.", low=0.0, high=100.0, live=True),
    Param("symba_alpha", "float", 4.0, "α of the SymBa loss.", low=0.1, high=50.0, live=True),
    Param("predict", "choice", "goodness", "Which predictor `val_nats_per_char` reports: `goodness` (softmax of the "
          "summed goodness of every candidate over a temperature fitted on training windows) or `softmax` (a linear "
          "head on the layers' activities under a neutral candidate). Both are logged.",
          choices=("goodness", "softmax")),
    Param("lr", "float", 0.003, "Adam learning rate of the FF layers and the backprop baseline.", low=1e-6, high=1.0,
          log=True, live=True),
    Param("lr_decay", "choice", "linear", "`linear` lowers the learning rate to 0 by the last step.",
          choices=("none", "linear")),
    Param("head_lr", "float", 0.003, "Adam learning rate of the softmax head (trained on detached features).",
          low=1e-6, high=1.0, log=True, live=True),
    Param("batch_size", "int", 128, "Windows per step.", low=1, high=8192, unit="windows"),
    Param("steps", "int", 3000, "Training steps.", low=1, high=1_000_000, unit="steps"),
    Param("baseline", "bool", True, "Train the same net by backprop with cross-entropy on the same batches, "
          "in the same run (`val_nats_per_char.bp`)."),
    Param("eval_every", "int", 250, "Steps between validation scores while training.", low=1, high=100_000,
          unit="steps"),
    Param("eval_chars", "int", 2000, "Validation characters scored at each evaluation while training (the final "
          "figures use `final_chars`).", low=100, high=200_000, unit="characters"),
    Param("final_chars", "int", 20000, "Validation characters scored at the end, evenly spaced over the split.",
          low=100, high=200_000, unit="characters"),
    Param("sample_temperature", "float", 1.0, "Sampling temperature of the generated text, relative to the fitted "
          "one (below 1: safer, above: wilder).", low=0.05, high=5.0, live=True),
    Param("sample_chars", "int", 240, "Characters generated for the live sample.", low=10, high=2000,
          unit="characters", live=True),
])

TEXT_PRESETS = {
    "excerpt-quick": Preset(
        "excerpt-quick", {"corpus": "excerpt", "hidden": (256, 256), "steps": 600, "eval_every": 100,
                          "final_chars": 4000},
        "Offline and fast: the shipped 40,000-character excerpt, 16-character windows, two layers of 256, "
        "600 steps.",
    ),
    "quick": Preset(
        "quick", {"hidden": (512, 512), "steps": 4000, "eval_every": 400},
        "Tiny Shakespeare on a CPU budget: 16-character windows, two FF layers of 512, SymBa loss, Adam 0.003 "
        "decaying linearly, 4000 steps of 128 windows, with the backprop baseline and the bigram model in the "
        "same run. Goal: at most 6 minutes on 2 CPU cores.",
    ),
    "quick-ssm": Preset(
        "quick-ssm", {"layer": "ssm", "hidden": (256, 256), "state_size": 32, "steps": 3000, "eval_every": 500},
        "`quick` with state-space layers on a CPU budget: two LRU-style layers of 256 with 32 complex states each, "
        "reading 16 characters and the candidate; 3000 steps of 128 windows; the backprop line is the same SSM "
        "stack trained end to end through time. (`quick --set layer=ssm`, with 512-wide layers and 64 states, "
        "took 7 min 17 s on 2 quiet CPU cores.) Goal: at most 6 minutes on 2 quiet CPU cores.",
        measured="FF 2.206 nats per character (softmax head 2.188), the SSM by BPTT 1.800, bigram 2.490, "
                 "next-character accuracy 34.1%; 2 min 58 s on 2 quiet CPU cores (2026-12-03)",
    ),
    "aesop-style": Preset(
        "aesop-style", {"context": 10, "hidden": (2000, 2000, 2000), "loss": "threshold", "steps": 3000,
                        "eval_every": 500},
        "Hinton's Aesop's-fables setting as far as it transfers: 10-character windows into three layers of 2000 "
        "ReLUs, the threshold loss; teacher-forced negatives (switch `negatives` to `self` for his "
        "self-generated ones).",
        source="G. Hinton (2022), The Forward-Forward Algorithm, section 3.4 (Aesop's fables)",
        published="53% per-character accuracy with teacher forcing, 34% with self-generated negatives, on the "
                  "fables' training strings (reproduced in yaroslavvb/hinton-problems)",
    ),
    "gpu": Preset(
        "gpu", {"context": 64, "hidden": (2000, 2000, 2000), "batch_size": 512, "steps": 30000, "eval_every": 1000,
                "final_chars": 111000},
        "GPU-scale: 64-character windows, three layers of 2000, 30,000 steps of 512 windows, the whole "
        "validation split at the end.",
    ),
}
