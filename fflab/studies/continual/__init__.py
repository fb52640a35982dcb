"""Continual learning: data arriving task by task (Split-MNIST), FF against backprop, with and without replay."""
