"""Efficiency: Forward-Forward against backprop in time, time to a target, and activation memory against depth."""
