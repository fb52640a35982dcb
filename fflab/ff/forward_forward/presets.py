"""Named parameter sets for `ff`, each with its source and published number."""

from fflab.experiment import Preset
from fflab.ff.forward_forward.text import HINTON_2022

FF_PRESETS = {
    "digits-quick": Preset(
        "digits-quick",
        {"dataset": "digits", "hidden": (500, 500), "optimizer": "adam", "lr": 0.01, "batch_size": 100,
         "steps": 600, "eval_every": 50, "threshold": 2.0, "goodness": "mean", "norm": "rms",
         "negatives": "wrong_label", "schedule": "simultaneous", "predict": "goodness"},
        "The offline default: scikit-learn's 8x8 digits, two layers, all layers on every batch. "
        "Goal: at least 90% test accuracy in under 30 s on a CPU.",
        measured="95.83% test accuracy in 5.5 s wall on 2 CPU cores (python -m fflab run ff --preset digits-quick)",
    ),
    "quick": Preset(
        "quick",
        {"dataset": "mnist", "hidden": (500, 500), "optimizer": "adam", "lr": 0.003, "lr_decay": "linear",
         "batch_size": 100, "epochs": 24.0, "eval_every": 1200, "goodness": "mean", "loss": "symba",
         "symba_alpha": 4.0, "norm": "rms", "negatives": "wrong_label", "schedule": "simultaneous",
         "predict": "goodness"},
        "The best MNIST test accuracy FF reached in at most 2 minutes on 2 CPU cores: 784-500-500, every layer on "
        "every batch of 100, the SymBa loss, RMS-normalised layer inputs, Adam with the learning rate decaying "
        "linearly to 0 over 24 epochs.",
        source="fflab's own search (the SymBa loss is from Lee & Song 2023)",
        measured="98.17% MNIST test accuracy in 81.6 s wall on 2 CPU cores (python -m fflab run ff --preset quick)",
    ),
    "mpezeshki": Preset(
        "mpezeshki",
        {"dataset": "mnist", "hidden": (500, 500), "pixels": "standardize", "optimizer": "adam", "lr": 0.03,
         "batch_size": 0, "steps": 1000, "eval_every": 250, "threshold": 2.0, "goodness": "mean", "norm": "l2",
         "label_strength": 2.8215, "negatives": "random_label", "schedule": "greedy", "predict": "goodness",
         "skip_first": False},
        "784-500-500, 1000 full-batch Adam steps per layer, one layer after the other, random labels as negatives, "
        "prediction by summed goodness. The label is written at the batch's largest pixel value, "
        "(1 − 0.1307)/0.3081 = 2.8215, as in the original. It trains on all 60,000 images where the original "
        "used a random 50,000. A GPU-scale run (about 1 s per step on 2 CPU cores).",
        source="mpezeshki/pytorch_forward_forward (main.py)",
        published="6.84% MNIST test error",
        measured="6.66% test error in 5070 s on 2 shared CPU cores (python -m fflab run ff --preset mpezeshki)",
    ),
    "hinton": Preset(
        "hinton",
        {"dataset": "mnist", "hidden": (1000, 1000, 1000), "pixels": "standardize", "optimizer": "sgd",
         "lr": 0.001, "momentum": 0.9, "weight_decay": 0.0003, "batch_size": 100, "epochs": 100.0,
         "eval_every": 1200, "threshold": 1000.0, "goodness": "sum", "norm": "rms", "label_strength": 1.0,
         "negatives": "wrong_label", "schedule": "simultaneous", "predict": "softmax", "skip_first": True,
         "peer_norm": 0.03, "head_lr": 0.01},
        "784-1000-1000-1000 with peer normalisation, every layer on every batch of 100, SGD with momentum, "
        "a softmax head on the normalised activities of layers 2-3. Goodness is the sum of squares against a "
        "threshold equal to the width, as in loeweX/Forward-Forward. A GPU-scale run (100 epochs).",
        source=f"{HINTON_2022.short}, and loeweX/Forward-Forward's reimplementation",
        published="1.36% MNIST test error (paper), 1.45% (loeweX), 1.65% (Hinton's own code)",
    ),
}
FF_PRESETS["pcl-study"] = Preset(
    "pcl-study",
    {**FF_PRESETS["mpezeshki"].values, "pcl": True, "steps": 100, "eval_every": 50},
    "PCL-FF in the setting of the study that reported it dead: mpezeshki's net and full-batch greedy training, "
    "100 steps per layer, each layer predicting its input and passing on only the surprise. Watch the Dead units "
    "tab: a unit is dead when it outputs exactly zero for every test image. About 22 minutes on 2 CPU cores.",
    source="koriyoshi2041/ff-negative-samples (the PCL-FF experiment)",
    published="100% dead units",
    measured="seed 0: 98.8% of layer 1's units and 99.6% of layer 2's dead, test accuracy 8.92% (below chance); "
             "1308 s on the quiet 2-core machine (python -m fflab run ff --preset pcl-study)",
)
