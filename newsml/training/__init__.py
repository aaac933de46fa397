"""Training code: one module per learned part.

* :mod:`newsml.training.topics`: the topic classifier (``python train.py``,
  ``newsml train``), written to the user's model folder.

Models shipped inside the package (``newsml/models/``) are rebuilt by the
training module named in their card.
"""

from newsml.training.topics import (
    Scores,
    TrainResult,
    build_parser,
    cross_validate,
    main,
    run,
    score,
    train,
)

__all__ = ["Scores", "TrainResult", "build_parser", "cross_validate", "main", "run", "score", "train"]
