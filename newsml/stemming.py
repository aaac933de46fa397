"""The stemmer that makes index terms: Snowball English (Porter2), from PyStemmer.

Kept apart from :mod:`newsml.preprocess` so that checking a model card's
stemmer (:mod:`newsml.model_io`, in a batch run's parent process) does not
import the cleaning and sentence-splitting code.
"""

from __future__ import annotations

import threading
from functools import lru_cache

#: Which stems index terms are made of; topic model cards record it, and a
#: model whose terms were stemmed otherwise is refused.
STEMMER = "snowball-english/pystemmer"
# PyStemmer's stemmers are not to be shared between threads: one per thread.
_STEMMERS = threading.local()


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """Snowball English (Porter2) stem of a lower-case word."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        import Stemmer  # here, so that reading STEMMER (a model card check) loads no C extension

        stemmer = _STEMMERS.english = Stemmer.Stemmer("english")
    return stemmer.stemWord(word)
