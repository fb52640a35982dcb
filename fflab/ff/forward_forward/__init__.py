"""Forward-Forward (Hinton 2022): the experiment, its parameters, presets and biologically inspired options."""
