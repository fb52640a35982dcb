"""The parameters and presets of `continual`."""

from fflab.data import DATASETS
from fflab.experiment import Preset
from fflab.params import Param, ParamSpec
from fflab.studies.continual.text import VAN_DE_VEN_2019

METHODS = {
    "ff": "Forward-Forward, fine-tuned on each task in turn",
    "bp": "backprop, fine-tuned on each task in turn",
    "ff_replay": "Forward-Forward, each batch joined by as many examples replayed from the buffer",
    "bp_replay": "backprop with the same replay buffer",
    "joint": "backprop on every task's data from the start: the upper bound",
}

SCENARIOS = {
    "split": "class-incremental: each task brings two new classes, and one head answers over all of them",
    "permuted": "domain-incremental: each task holds every class under its own fixed shuffle of the pixels "
                "(the first task unshuffled)",
}

CONTINUAL_PARAMS = ParamSpec([
    Param("scenario", "choice", "split", "What changes from one task to the next.", choices=tuple(SCENARIOS),
          choice_help=SCENARIOS, group="data"),
    Param("tasks", "int", 5, "How many pixel shuffles arrive one after another.", low=2, high=20, unit="tasks",
          applies=("scenario", "permuted"), group="data"),
    Param("dataset", "choice", "mnist", "The images the tasks are made of: split into tasks of two classes, "
          "(0, 1), (2, 3), ..., (8, 9), or shuffled once per task.", choices=DATASETS, group="data"),
    Param("methods", "choice_list", tuple(METHODS), "The learners, trained in lockstep on the same stream.",
          choices=tuple(METHODS), choice_help=METHODS, group="model"),
    Param("hidden", "int_list", (400, 400), "Hidden widths of every learner's net.", low=4, high=4000,
          unit="units", max_items=4, group="model"),
    Param("steps_per_task", "int", 500, "Training steps on each task before the next arrives.", low=1,
          high=100_000, unit="steps", group="schedule"),
    Param("batch_size", "int", 100, "Current-task examples per step (replay adds as many from the buffer).",
          low=1, high=4096, unit="examples", group="schedule"),
    Param("replay_size", "int", 500, "Examples the reservoir replay buffer keeps, over all tasks seen.", low=10,
          high=60_000, unit="examples", group="model"),
    Param("pixels", "choice", "unit", "Pixel scaling, as for the image experiments.",
          choices=("unit", "standardize"), group="data"),
    Param("eval_every", "int", 100, "Steps between live scores of the tasks seen so far.", low=1, high=100_000,
          unit="steps", group="evaluation"),
    Param("eval_samples", "int", 1000, "Test images scored per task at each evaluation (the accuracy matrix "
          "uses every test image of the task).", low=100, high=10_000, unit="images", group="evaluation"),
])

CONTINUAL_PRESETS = {
    "split-mnist": Preset(
        "split-mnist", {"dataset": "mnist"},
        "Class-incremental Split-MNIST: five tasks of two digits, one after another, one 10-way head; 500 steps "
        "of 100 images per task; each learner with its family's quick settings (no learning-rate decay).",
        source=f"{VAN_DE_VEN_2019.short} (class-incremental Split-MNIST)",
        published="class-incremental: fine-tuning about 20%, EWC about 20%, replay methods about 90%, joint "
                  "training about 98% average accuracy",
    ),
    "permuted-mnist": Preset(
        "permuted-mnist", {"dataset": "mnist", "scenario": "permuted"},
        "Domain-incremental Permuted MNIST: five tasks, each all ten digits under its own fixed pixel shuffle "
        "(the first unshuffled); 500 steps of 100 images per task, the same learners as split-mnist.",
        source=f"{VAN_DE_VEN_2019.short} (domain-incremental Permuted MNIST)",
    ),
    "permuted-digits": Preset(
        "permuted-digits", {"dataset": "digits", "scenario": "permuted", "hidden": (200, 200),
                            "steps_per_task": 120, "batch_size": 50, "replay_size": 200, "eval_every": 40},
        "Offline: the 8x8 digits shuffled the same way, 120 steps of 50 per task.",
    ),
    "split-digits": Preset(
        "split-digits", {"dataset": "digits", "hidden": (200, 200), "steps_per_task": 120, "batch_size": 50,
                         "replay_size": 200, "eval_every": 40},
        "Offline: the 8x8 digits split the same way, 120 steps of 50 per task.",
    ),
}
