"""Named parameter sets for `scff`, each with its source and published number."""

from fflab.experiment import Preset

SCFF_PRESETS = {
    "digits-quick": Preset(
        "digits-quick",
        {"dataset": "digits", "hidden": (500, 500), "lr": 0.003, "batch_size": 100, "epochs": 20.0,
         "eval_every": 50},
        "The offline default.",
    ),
}
