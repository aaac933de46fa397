"""Saving and safely loading trained topic models with their model cards.

A joblib file runs code when it is loaded, so :func:`load_model` checks the
file's SHA-256 against the model card written beside it before loading.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import warnings
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsml.errors import EmptyArticleError, ModelError, ModelIntegrityError, ModelNotFoundError

# scikit-learn, joblib and the classifier are imported where a model is saved or
# loaded, so that finding the model file (the CLI, the batch parent) stays fast.
if TYPE_CHECKING:
    from newsml.topic_model import TopicClassifier

logger = logging.getLogger(__name__)

#: Name of the default model (``models/topics.joblib``).
DEFAULT_MODEL_NAME = "topics"
#: Environment variable naming the folder that holds models.
MODELS_ENV = "NEWSML_MODELS"
_HOW_TO_CREATE = "create one with `python train.py` or `newsml train`"
#: Where newsml looks for the default topic model, in order (said once, here, and in --help).
LOOKUP_ORDER = (
    "the --model PATH option (a model file or a folder holding topics.joblib); "
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


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_sha256(texts: list[str], labels: list[list[str]]) -> str:
    """Hex SHA-256 of a training corpus (texts and label lists, in order)."""
    digest = hashlib.sha256()
    for text, labs in zip(texts, labels, strict=True):
        digest.update(json.dumps([text, sorted(labs)], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def save_model(model: TopicClassifier, path: str | os.PathLike[str], card: dict[str, Any] | None = None) -> Path:
    """Write ``model`` to ``path`` (``.joblib``) and its card beside it (``.json``).

    Returns the card's path. The card records the topics, thresholds, library
    versions, the date and the SHA-256 of the joblib file, plus ``card``'s items.
    """
    import joblib
    import sklearn

    path = Path(path)
    if path.suffix != ".joblib":
        raise ValueError(f"model path must end in .joblib, got {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".joblib.tmp")
    joblib.dump(model, tmp, compress=3)
    os.replace(tmp, path)
    full_card = {
        "name": path.stem,
        "topics": [str(c) for c in model.classes_],
        "thresholds": {str(c): round(float(t), 4) for c, t in zip(model.classes_, model.thresholds_, strict=True)},
        "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()},
        **(card or {}),
        "versions": {
            "newsml": _newsml_version(),
            "scikit-learn": sklearn.__version__,
            "python": platform.python_version(),
        },
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model_file": path.name,
        "model_sha256": file_sha256(path),
    }
    card_path = path.with_suffix(".json")
    card_path.write_text(json.dumps(full_card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return card_path


def load_model(path: str | os.PathLike[str] | None = None) -> TopicClassifier:
    """Load a trained :class:`TopicClassifier` after checking it against its card.

    ``path`` is a ``.joblib`` file, its ``.json`` card, or a folder holding
    ``topics.joblib``; ``None`` means the default model. Raises
    :class:`ModelNotFoundError` (saying how to create one) when there is no
    model and :class:`ModelIntegrityError` when the file's SHA-256 does not
    match its card; warns when the model was saved with another scikit-learn.
    """
    import joblib
    import sklearn

    from newsml.topic_model import TopicClassifier

    path = model_path(path)
    card = check_model_file(path)
    saved_sklearn = card.get("versions", {}).get("scikit-learn")
    if saved_sklearn and saved_sklearn != sklearn.__version__:
        warnings.warn(
            f"{path} was saved with scikit-learn {saved_sklearn} and is loaded with {sklearn.__version__}; "
            "predictions may differ: retrain with `python train.py`",
            UserWarning,
            stacklevel=2,
        )
    model = joblib.load(path)
    if not isinstance(model, TopicClassifier):
        raise ModelError(f"{path}: holds a {type(model).__name__}, not a TopicClassifier")
    return model


def check_model_file(path: Path) -> dict[str, Any]:
    """The card of the model file ``path`` once the file matches it; the model is not loaded.

    Raises :class:`ModelNotFoundError` or :class:`ModelIntegrityError` as :func:`load_model` does.
    """
    card_path = path.with_suffix(".json")
    if not path.is_file():
        raise ModelNotFoundError(f"no model at {path}; {_HOW_TO_CREATE}")
    if not card_path.is_file():
        raise ModelIntegrityError(f"{path}: no model card {card_path.name} beside it; refusing to load")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelIntegrityError(f"{card_path}: unreadable model card ({exc})") from None
    expected = card.get("model_sha256") if isinstance(card, dict) else None
    actual = file_sha256(path)
    if expected != actual:
        raise ModelIntegrityError(
            f"{path}: SHA-256 {actual} does not match {expected} in {card_path.name}; "
            "the file was changed or replaced, refusing to load it"
        )
    return card


def model_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The absolute ``.joblib`` file that ``path`` (as taken by :func:`load_model`) names."""
    path = Path(path) if path is not None else default_model_dir()
    if path.is_dir():
        path = path / f"{DEFAULT_MODEL_NAME}.joblib"
    if path.suffix == ".json":
        path = path.with_suffix(".joblib")
    return path.absolute()


@lru_cache(maxsize=4)
def _cached_model(path: str, stamp: tuple[int, int, int, int] | None) -> TopicClassifier:
    # ``stamp`` (size and mtime of the model and its card) makes a retrained or
    # replaced file load, and be checked, again instead of hitting the cache.
    return load_model(path)


def _stamp(path: Path) -> tuple[int, int, int, int] | None:
    try:
        model, card = path.stat(), path.with_suffix(".json").stat()
    except OSError:
        return None
    return model.st_size, model.st_mtime_ns, card.st_size, card.st_mtime_ns


def classify(text: str, model: TopicClassifier | str | os.PathLike[str] | None = None) -> list[tuple[str, float]]:
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
    from newsml.topic_model import TopicClassifier

    check_text(text)
    if not isinstance(model, TopicClassifier):
        model = cached_model(model)
    return model.predict_with_proba([text])[0]


def cached_model(path: str | os.PathLike[str] | None = None) -> TopicClassifier:
    """:func:`load_model`, once per process for each model file.

    The file is loaded (and checked) again when it or its card changes.
    """
    resolved = model_path(path)
    return _cached_model(os.fspath(resolved), _stamp(resolved))


def _newsml_version() -> str:
    from newsml import __version__

    return __version__
