"""The hyperparameters of `ff`, one declaration each (the race and the γ sweep reuse them)."""

from fflab.ff.classifier_params import SHARED_PARAMS
from fflab.ff.forward_forward.bio import BIO_PARAMS
from fflab.ff.negatives import NEGATIVE_KNOBS, NEGATIVE_STRATEGIES
from fflab.params import Condition, Param, ParamSpec

FF_PARAMS = ParamSpec(
    SHARED_PARAMS
    + [
        Param("threshold", "float", 2.0, "θ: goodness above it reads as positive, below as negative.", low=0.0,
              high=5000.0, live=True, group="objective",
              applies=Condition("loss", ("threshold",), reason="the SymBa loss has no threshold")),
        Param("goodness", "choice", "mean", "Goodness of a layer: the sum or the mean of its squared activities.",
              choices=("mean", "sum"), group="objective"),
        Param("loss", "choice", "threshold", "`threshold`: logistic loss on goodness − θ (Hinton); `symba`: "
              "softplus(−α(g_pos − g_neg)) on pairs (Lee & Song 2023).", choices=("threshold", "symba"),
              group="objective"),
        Param("symba_alpha", "float", 4.0, "α, the sharpness of the SymBa loss.", low=0.1, high=100.0, live=True,
              group="objective", applies=("loss", "symba")),
        Param("collab_gamma", "float", 0.0, "γ of layer collaboration (Lorberbom et al. 2024): each layer's loss sees "
              "its goodness plus γ × the other layers' goodness, detached (0 is off; simultaneous schedule only).",
              low=0.0, high=10.0, live=True, group="objective", applies=("schedule", "simultaneous")),
        Param("norm", "choice", "l2", "How each layer normalises its input: to unit length (`l2`, mpezeshki), to "
              "unit root-mean-square (`rms`, Hinton), or not at all.", choices=("l2", "rms", "none"), group="model"),
        Param("label_strength", "float", 1.0, "Height of the one-hot label written into the first pixels.",
              low=0.01, high=10.0, group="data"),
        Param("negatives", "choice", "wrong_label", "How negative data is made.",
              choices=tuple(NEGATIVE_STRATEGIES), choice_help={k: v.help for k, v in NEGATIVE_STRATEGIES.items()},
              group="negatives"),
        *NEGATIVE_KNOBS,
        Param("schedule", "choice", "simultaneous", "`greedy`: train layer 1 for all its steps, then layer 2, ...; "
              "`simultaneous`: every layer on every batch, inputs detached (Hinton's code).",
              choices=("simultaneous", "greedy"), group="schedule"),
        Param("predict", "choice", "goodness", "`goodness`: the label whose overlay gives the most goodness summed "
              "over layers; `softmax`: a linear softmax head on the normalised activities (neutral label).",
              choices=("goodness", "softmax"), group="evaluation"),
        Param("skip_first", "bool", False, "Leave layer 1 out of the prediction (Hinton does).", group="evaluation"),
        Param("peer_norm", "float", 0.0, "Weight of peer normalisation, which keeps every unit in use (0 is off).",
              low=0.0, high=1.0, live=True, group="objective"),
        Param("head_lr", "float", 0.01, "Learning rate of the softmax head.", low=1e-6, high=1.0, log=True,
              live=True, group="evaluation", applies=("predict", "softmax")),
        *BIO_PARAMS,
    ]
)
