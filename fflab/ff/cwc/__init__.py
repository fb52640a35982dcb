"""Channel-wise Competitive Forward-Forward (Papachristodoulou et al. 2024)."""
