"""Studies that compare other experiments, found through the catalog by name: transfer, efficiency, the γ sweep."""
