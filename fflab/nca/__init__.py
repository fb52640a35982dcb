"""Growing neural cellular automata: the classic rule trained through time, and a Forward-Forward rule."""
