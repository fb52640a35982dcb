"""The backprop baseline: the same net, data and seed as Forward-Forward, trained end to end."""
