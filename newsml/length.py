"""How long a summary should be: a sentence count, a share of the sentences, or a word budget."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Sentences kept when no length setting is given.
DEFAULT_SENTENCES = 3


def check_length(sentences: int | None, ratio: float | None, words: int | None) -> None:
    """Raise ``ValueError`` unless at most one valid length setting is given."""
    if sum(v is not None for v in (sentences, ratio, words)) > 1:
        raise ValueError("give only one of sentences, ratio or words")
    if ratio is not None and (isinstance(ratio, bool) or not 0 < ratio <= 1):
        raise ValueError(f"ratio must be in (0, 1], got {ratio!r}")
    for name, value in (("words", words), ("sentences", sentences)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


@dataclass(frozen=True)
class SummaryLength:
    """At most one summary length setting; :data:`DEFAULT_SENTENCES` when none."""

    sentences: int | None = None
    ratio: float | None = None
    words: int | None = None

    def __post_init__(self) -> None:
        check_length(self.sentences, self.ratio, self.words)

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`newsml.summarize`."""
        return {"sentences": self.sentences, "ratio": self.ratio, "words": self.words}
