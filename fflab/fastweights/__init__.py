"""Fast-weight memories (Schmidhuber 1992-93): unknown-delay recall, key/value binding, a self-referential matrix."""
