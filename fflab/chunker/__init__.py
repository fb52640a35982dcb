"""History compression (Schmidhuber 1991-93): the 22-symbol chunker and deep trigger recall."""
