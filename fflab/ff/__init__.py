"""Forward-Forward and its relatives: one folder per experiment family.

`core.py` holds the layer-local pieces the families share (layers, goodness, losses) and `classifier.py`
the image-classifier base (data, evaluation, the predictors); the catalog lists the experiments.
"""
