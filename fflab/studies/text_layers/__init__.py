"""`text-layers`: FF on an MLP window, FF on state-space layers, and that SSM by backprop through time."""
