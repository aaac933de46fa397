"""Saving and safely loading trained topic models with their model cards.

A topic model file (``topics.npz``) holds the arrays of a fitted
:class:`~newsml.topic_model.TopicClassifier` that tagging needs
(:class:`newsml.tagger.TopicModel`), written by
:func:`newsml.artifacts.save_arrays` and read with ``allow_pickle=False``:
loading runs no code from the file (a pickle would run whatever it holds) and
needs neither scikit-learn nor SciPy. :func:`load_model` also checks the
file's SHA-256 against the model card written beside it, so a changed or
replaced file is refused.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsml.artifacts import file_sha256
from newsml.errors import EmptyArticleError, ModelError, ModelIntegrityError, ModelNotFoundError

# The estimator (scikit-learn, SciPy) is imported only where a model is saved:
# loading and tagging use the arrays alone.
if TYPE_CHECKING:
    from newsml.tagger import TopicModel
    from newsml.topic_model import TopicClassifier

logger = logging.getLogger(__name__)

#: Name of the default model (``topics.npz`` in the model folder).
DEFAULT_MODEL_NAME = "topics"
#: Suffix of a topic model file; its card has the same stem and ``.json``.
MODEL_SUFFIX = ".npz"
#: Suffix of the topic model files of newsml before 0.1 (skops), refused with a message.
OLD_SUFFIX = ".skops"
#: Environment variable naming the folder that holds models.
MODELS_ENV = "NEWSML_MODELS"
_HOW_TO_CREATE = "create one with `python train.py` or `newsml train`"
#: Where newsml looks for the default topic model, in order (said once, here, and in --help).
LOOKUP_ORDER = (
    "the --model PATH option (a model file or a folder holding topics.npz); "
    f"else the folder ${MODELS_ENV}; else the per-user model folder "
    "(platformdirs' user data folder: ~/.local/share/newsml/models on Linux), "
    "which `python train.py` and `newsml train` write by default"
)


def user_model_dir() -> Path:
    """The per-user model folder (``~/.local/share/newsml/models`` on Linux, honouring ``$XDG_DATA_HOME``)."""
    import platformdirs

    return platformdirs.user_data_path("newsml", appauthor=False) / "models"


def default_model_dir() -> Path:
    """The folder of the default model: ``$NEWSML_MODELS`` if set, else :func:`user_model_dir`.

    ``python train.py`` writes there and ``load_model()`` reads there, from any
    working folder; see :data:`LOOKUP_ORDER`.
    """
    if os.environ.get(MODELS_ENV):
        return Path(os.environ[MODELS_ENV])
    return user_model_dir()


def data_sha256(texts: list[str], labels: list[list[str]]) -> str:
    """Hex SHA-256 of a training corpus (texts and label lists, in order)."""
    digest = hashlib.sha256()
    for text, labs in zip(texts, labels, strict=True):
        digest.update(json.dumps([text, sorted(labs)], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def save_model(
    model: TopicClassifier | TopicModel, path: str | os.PathLike[str], card: dict[str, Any] | None = None
) -> Path:
    """Write ``model`` (fitted) to ``path`` (``.npz``) and its card beside it (``.json``).

    Returns the card's path. The card records the topics, thresholds, the
    estimator's parameters (when given the estimator), library versions, the
    date and the SHA-256 of the model file, plus ``card``'s items.
    """
    from newsml.artifacts import save_arrays
    from newsml.stemming import STEMMER

    path = Path(path)
    if path.suffix != MODEL_SUFFIX:
        raise ValueError(f"model path must end in {MODEL_SUFFIX}, got {path}")
    arrays = getattr(model, "model_", model)  # the estimator's TopicModel, or one given directly
    if hasattr(model, "get_params") and arrays is model:
        raise ValueError(f"save_model: this {type(model).__name__} is not fitted; call fit first")
    if not callable(getattr(arrays, "to_arrays", None)):
        raise TypeError(f"save_model takes a fitted TopicClassifier or a TopicModel, got {type(model).__name__}")
    full_card = {
        "name": path.stem,
        "topics": [str(c) for c in arrays.classes_],
        "single_label": bool(arrays.single_label_),
        "thresholds": None
        if arrays.thresholds_ is None
        else {str(c): round(float(t), 4) for c, t in zip(arrays.classes_, arrays.thresholds_, strict=True)},
        **({"params": _params(model)} if hasattr(model, "get_params") else {}),
        "stored_as": "arrays (newsml.tagger.TopicModel): vocabulary, idf, calibrated SVM weights, thresholds",
        "stemmer": STEMMER,
        **(card or {}),
    }
    return save_arrays(arrays.to_arrays(), path, full_card)


def _params(model: Any) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()}


def load_model(path: str | os.PathLike[str] | None = None) -> TopicModel:
    """Load a trained topic model (:class:`~newsml.tagger.TopicModel`) after checking it against its card.

    ``path`` is a ``.npz`` file, its ``.json`` card, or a folder holding
    ``topics.npz``; ``None`` means the default model. Raises
    :class:`ModelNotFoundError` (saying how to create one) when there is no
    model, :class:`ModelIntegrityError` when the file's SHA-256 does not
    match its card, and :class:`ModelError` when it is not a topic model file
    of this newsml (a ``topics.skops`` of an earlier one is refused with the
    command that replaces it). Loading runs no code from the file.
    """
    from newsml.artifacts import load_arrays
    from newsml.tagger import ARRAYS, TopicModel

    path = model_path(path)
    if path.suffix == OLD_SUFFIX:
        raise ModelError(
            f"{path}: a topic model of an earlier newsml (skops); train it again with `python train.py` "
            "(or `newsml train`), which writes topics.npz"
        )
    _require(path)
    arrays, card = load_arrays(path, ARRAYS)  # checks the file against its card
    try:
        model = TopicModel.from_arrays(arrays)
    except ValueError as exc:
        raise ModelError(f"{path}: {exc}") from None
    _check_stemmer(path, card)
    return model


def check_model_file(path: Path) -> dict[str, Any]:
    """The card of the model file ``path`` once the file matches it; the model is not loaded.

    Raises :class:`ModelNotFoundError` or :class:`ModelIntegrityError` as :func:`load_model` does.
    """
    from newsml.artifacts import read_card

    _require(path)
    card = read_card(path)
    expected, actual = card.get("model_sha256"), file_sha256(path)
    if expected != actual:
        raise ModelIntegrityError(
            f"{path}: SHA-256 {actual} does not match {expected} in {path.with_suffix('.json').name}; "
            "the file was changed or replaced, refusing to load it"
        )
    _check_stemmer(path, card)
    return card


def _check_stemmer(path: Path, card: dict[str, Any]) -> None:
    """Refuse a model whose vocabulary holds other stems: some words would silently miss their terms."""
    from newsml.stemming import STEMMER

    if card.get("stemmer") != STEMMER:
        raise ModelError(
            f"{path}: a topic model whose terms were stemmed by "
            f"{card.get('stemmer') or 'the NLTK Snowball stemmer of an earlier newsml'}, not {STEMMER}; "
            "train it again with `python train.py` (or `newsml train`)"
        )


def _require(path: Path) -> None:
    if not path.is_file():
        raise ModelNotFoundError(f"no model at {path}; {_HOW_TO_CREATE}")


def model_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The absolute model file that ``path`` (as taken by :func:`load_model`) names."""
    path = Path(path) if path is not None else default_model_dir()
    if path.is_dir():
        older = path / f"{DEFAULT_MODEL_NAME}{OLD_SUFFIX}"
        path = path / f"{DEFAULT_MODEL_NAME}{MODEL_SUFFIX}"
        if not path.exists() and older.exists():
            path = older
    if path.suffix == ".json":
        path = path.with_suffix(MODEL_SUFFIX)
    return path.absolute()


@lru_cache(maxsize=4)
def _cached_model(path: str, stamp: tuple[int, int, int, int] | None) -> TopicModel:
    # ``stamp`` (size and mtime of the model and its card) makes a retrained or
    # replaced file load, and be checked, again instead of hitting the cache.
    return load_model(path)


def _stamp(path: Path) -> tuple[int, int, int, int] | None:
    try:
        model, card = path.stat(), path.with_suffix(".json").stat()
    except OSError:
        return None
    return model.st_size, model.st_mtime_ns, card.st_size, card.st_mtime_ns


def classify(
    text: str, model: TopicClassifier | TopicModel | str | os.PathLike[str] | None = None
) -> list[tuple[str, float]]:
    """Topics of one article with their probabilities, most likely first.

    Uses the default model (loaded once) unless ``model`` (a fitted
    classifier or a path) is given. Raises :class:`~newsml.errors.EmptyArticleError`
    for empty text and :class:`~newsml.errors.NotTextError` for binary data, as
    :func:`newsml.summarize` does.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not text.strip():
        raise EmptyArticleError("text is empty or whitespace only: nothing to classify", "<text>")
    from newsml.reading import check_text

    check_text(text)
    if not callable(getattr(model, "predict_with_proba", None)):  # a path or None
        model = cached_model(model)
    return model.predict_with_proba([text])[0]


def cached_model(path: str | os.PathLike[str] | None = None) -> TopicModel:
    """:func:`load_model`, once per process for each model file.

    The file is loaded (and checked) again when it or its card changes.
    """
    resolved = model_path(path)
    return _cached_model(os.fspath(resolved), _stamp(resolved))
