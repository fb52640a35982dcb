"""Distance-Forward (Wu et al. 2024): goodness read as the distance to learned class centres."""
