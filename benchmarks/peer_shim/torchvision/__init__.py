"""The few pieces of torchvision the Forward-Forward peers use, for a machine without torchvision (see README.md)."""

from . import datasets, transforms

__all__ = ["datasets", "transforms"]
