"""The parameters and presets of `text-layers`; the rest of each net's settings are `ff-text`'s defaults."""

from fflab.data.text import CORPORA
from fflab.experiment import Preset
from fflab.params import Param, ParamSpec

MODELS = ("ff_mlp", "mlp_bp", "ff_ssm", "ssm_bptt")
LABELS = {"ff_mlp": "FF-MLP", "mlp_bp": "MLP by backprop", "ff_ssm": "FF-SSM", "ssm_bptt": "SSM by BPTT"}

TEXT_LAYERS_PARAMS = ParamSpec([
    Param("corpus", "choice", "tinyshakespeare", "The text: Tiny Shakespeare (offline, the shipped excerpt stands "
          "in), or the 40,000-character excerpt.", choices=CORPORA),
    Param("context", "int", 16, "Characters every net sees before the one it predicts (the window it trains on).",
          low=1, high=128, unit="characters"),
    Param("hidden", "int_list", (256, 256), "Layer widths of all four nets, first to last.", low=4, high=2000,
          unit="units", max_items=4),
    Param("state_size", "int", 32, "Complex state dimensions of each SSM layer.", low=1, high=512,
          unit="dimensions"),
    Param("steps", "int", 1500, "Training steps; each trains all four nets once on the same batch.", low=1,
          high=1_000_000, unit="steps"),
    Param("batch_size", "int", 128, "Windows per step.", low=1, high=4096, unit="windows"),
    Param("lr", "float", 0.003, "Adam learning rate of every net, decaying linearly to 0.", low=1e-6, high=1.0,
          log=True),
    Param("eval_every", "int", 250, "Steps between validation scores.", low=1, high=100_000, unit="steps"),
    Param("eval_chars", "int", 2000, "Validation characters scored at each evaluation.", low=100, high=200_000,
          unit="characters"),
    Param("final_chars", "int", 10000, "Validation characters scored at the end, evenly spaced.", low=100,
          high=200_000, unit="characters"),
    Param("lengths", "int_list", (16, 32, 64, 128), "Window lengths at which one training step's activation "
          "memory is measured, for each net (before training).", low=1, high=128, unit="characters",
          max_items=8),
])

TEXT_LAYERS_PRESETS = {
    "excerpt-quick": Preset(
        "excerpt-quick", {"corpus": "excerpt", "hidden": (64, 64), "state_size": 16, "steps": 300, "eval_every": 50,
                          "final_chars": 3000, "lengths": (8, 16, 32, 64)},
        "Offline and fast: the shipped excerpt, two layers of 64, 300 steps.",
    ),
    "quick": Preset(
        "quick", {},
        "Tiny Shakespeare on a CPU budget: 16-character windows, two layers of 256, 32 complex states, 1500 steps "
        "of 128 windows; memory at windows of 16 to 128 characters.",
        measured="val nats per character FF-MLP 2.313, MLP by backprop 1.910, FF-SSM 2.287, SSM by BPTT 1.831; "
                 "memory of one update at 128 characters 1.05 / 0.43 / 25.9 / 50.8 MB; 2 min 18 s on 2 CPU cores "
                 "(2026-12-03)",
    ),
    "long-windows": Preset(
        "long-windows", {"context": 64, "steps": 1000, "lengths": (8, 16, 32, 64, 128)},
        "Where a recurrence should pay: 64-character windows, 1000 steps; memory measured from 8 to 128 "
        "characters.",
    ),
}
