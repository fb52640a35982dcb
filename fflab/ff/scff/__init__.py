"""Self-Contrastive Forward-Forward (Chen et al. 2025): positives (x, x), negatives (x, x'), no labels."""
