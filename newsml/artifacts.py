"""Model files whose loading runs no code, each checked against a JSON card.

Every learned part of newsml is stored as a model file and its card:

* ``NAME.npz`` (the block cleaner, the paragraph joins, the sentence ranker:
  gradient-boosted trees, :class:`newsml.trees.CompiledTrees`; the topic
  model: :class:`newsml.tagger.TopicModel`): plain numpy arrays, read with
  ``allow_pickle=False`` and checked before use (:func:`save_arrays`,
  :func:`load_arrays`); loading them needs neither scikit-learn nor SciPy,
  which keeps a one-article command quick to start;
* ``NAME.json``: the card: what it is, the data and command that rebuild it,
  held-out figures, library versions, and the SHA-256 of the model file.

Loading refuses a file whose SHA-256 differs from its card's and an arrays
file whose arrays are not the ones the caller expects. Rankers of earlier
newsml versions were skops files (``ranker.skops``); :func:`load_artifact`
reads them for conversion only, refusing any type outside the ``trusted``
list that the *calling code* gives (never the card, which whoever can write
the file can also write).

Files shipped inside the package live in :data:`SHIPPED_DIR`
(``newsml/models/``); models that users train go to their own model folder
(see :mod:`newsml.model_io`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsml.errors import ModelError, ModelIntegrityError, ModelNotFoundError

#: Folder of the model files shipped inside the package, each with its card.
SHIPPED_DIR = Path(__file__).resolve().parent / "models"
#: Suffix of a skops model file; its card has the same stem and ``.json``.
SUFFIX = ".skops"
#: Suffix of an arrays model file.
ARRAYS_SUFFIX = ".npz"
#: Largest unpacked size of an arrays model file (the shipped ones unpack to a few MB).
MAX_ARRAYS_BYTES = 200 * 1024 * 1024


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def card_path(path: str | os.PathLike[str]) -> Path:
    """The card (``.json``) beside a model file."""
    return Path(path).with_suffix(".json")


def save_artifact(obj: Any, path: str | os.PathLike[str], card: dict[str, Any]) -> Path:
    """Write ``obj`` to ``path`` (``.skops``) and its card beside it; return the card's path.

    The card gets ``card``'s items plus library versions, the date, the file's
    name and its SHA-256.
    """
    import skops.io as sio

    path = Path(path)
    if path.suffix != SUFFIX:
        raise ValueError(f"model path must end in {SUFFIX}, got {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(SUFFIX + ".tmp")
    sio.dump(obj, tmp, compression=8)  # zipfile.ZIP_DEFLATED
    os.replace(tmp, path)
    return _write_card(path, card)


def save_arrays(arrays: dict[str, Any], path: str | os.PathLike[str], card: dict[str, Any]) -> Path:
    """Write named numpy arrays to ``path`` (``.npz``) and its card beside it; return the card's path."""
    import numpy as np

    path = Path(path)
    if path.suffix != ARRAYS_SUFFIX:
        raise ValueError(f"model path must end in {ARRAYS_SUFFIX}, got {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(ARRAYS_SUFFIX + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, **{name: np.asarray(value) for name, value in arrays.items()})
    os.replace(tmp, path)
    return _write_card(path, card)


def _write_card(path: Path, card: dict[str, Any]) -> Path:
    import platform

    import sklearn

    full = {
        **card,
        "versions": {
            "newsml": _newsml_version(),
            "scikit-learn": sklearn.__version__,
            "python": platform.python_version(),
        },
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model_file": path.name,
        "model_sha256": file_sha256(path),
    }
    out = card_path(path)
    out.write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def read_card(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The card of the model file ``path``; :class:`ModelIntegrityError` when missing or unreadable."""
    card_file = card_path(path)
    if not card_file.is_file():
        raise ModelIntegrityError(f"{path}: no model card {card_file.name} beside it; refusing to load")
    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelIntegrityError(f"{card_file}: unreadable model card ({exc})") from None
    if not isinstance(card, dict):
        raise ModelIntegrityError(f"{card_file}: a model card must be a JSON object")
    return card


def load_artifact(path: str | os.PathLike[str], trusted: Iterable[str], expected_type: type | None = None) -> Any:
    """Load a model file after checking it against its card and the ``trusted`` types.

    Raises :class:`ModelNotFoundError` when there is no file,
    :class:`ModelIntegrityError` when its SHA-256 differs from its card's or
    it holds a type outside ``trusted``, and :class:`ModelError` when it is
    not a readable skops file or not an ``expected_type``.
    """
    import skops.io as sio

    path = Path(path)
    data, _ = _verified_bytes(path)
    allowed = set(trusted)
    try:
        untrusted = set(sio.get_untrusted_types(data=data))
    except Exception as exc:
        raise ModelError(f"{path}: not a readable skops model file ({type(exc).__name__}: {exc})") from None
    unexpected = sorted(untrusted - allowed)
    if unexpected:
        raise ModelIntegrityError(f"{path}: holds types newsml does not trust ({', '.join(unexpected)}); refusing")
    try:
        obj = sio.loads(data, trusted=sorted(untrusted))
    except Exception as exc:
        raise ModelError(f"{path}: could not be loaded ({type(exc).__name__}: {exc})") from None
    if expected_type is not None and not isinstance(obj, expected_type):
        raise ModelError(f"{path}: holds a {type(obj).__name__}, not a {expected_type.__name__}")
    return obj


def load_arrays(path: str | os.PathLike[str], names: Iterable[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The arrays ``names`` of an arrays model file and its card, after checking the file against the card.

    Raises :class:`ModelNotFoundError` when there is no file,
    :class:`ModelIntegrityError` when its SHA-256 differs from its card's, and
    :class:`ModelError` when it is not an ``.npz`` file of exactly those arrays.
    Nothing in the file is run: object arrays are refused.
    """
    import io
    import zipfile

    import numpy as np

    path = Path(path)
    data, card = _verified_bytes(path)
    expected = set(names)
    unreadable = (ValueError, OSError, EOFError, MemoryError, NotImplementedError, zipfile.BadZipFile, TypeError)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
        found = {m.filename.removesuffix(".npy") for m in members}
        if found != expected:
            raise ModelError(
                f"{path}: holds arrays {sorted(found)}, expected {sorted(expected)}; "
                "not a model file of this kind or of this newsml version"
            )
        size = sum(m.file_size for m in members)
        if size > MAX_ARRAYS_BYTES:
            raise ModelError(f"{path}: its arrays unpack to {size} bytes, more than a model file holds")
        npz = np.load(io.BytesIO(data), allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise ModelError(f"{path}: not an .npz archive of arrays")
        with npz:
            arrays = {name: npz[name] for name in expected}
    except unreadable as exc:
        raise ModelError(f"{path}: not a readable arrays model file ({type(exc).__name__}: {exc})") from None
    if not all(isinstance(a, np.ndarray) for a in arrays.values()):
        raise ModelError(f"{path}: not a readable arrays model file (a member is not a .npy array)")
    return arrays, card


def load_trees(
    path: str | os.PathLike[str], feature_names: Sequence[str], extra: Iterable[str] = (), hint: str = ""
) -> tuple[Any, dict[str, Any]]:
    """The :class:`~newsml.trees.CompiledTrees` of a model file, and its ``extra`` arrays.

    Besides what :func:`load_arrays` checks, the file must name the
    ``feature_names`` this newsml computes (``hint`` says what to do when it
    does not) and hold trees over that many features.
    """
    from newsml.trees import CompiledTrees

    arrays, _ = load_arrays(path, [*CompiledTrees.ARRAYS, "feature_names", *extra])
    if arrays["feature_names"].tolist() != list(feature_names):
        raise ModelError(f"{path}: made for other features than this newsml computes" + (f"; {hint}" if hint else ""))
    try:
        trees = CompiledTrees({name: arrays[name] for name in CompiledTrees.ARRAYS})
    except ValueError as exc:
        raise ModelError(f"{path}: {exc}") from None
    if trees.n_features != len(feature_names):
        raise ModelError(f"{path}: trees for {trees.n_features} features; this newsml computes {len(feature_names)}")
    return trees, {name: arrays[name] for name in extra}


def _verified_bytes(path: Path) -> tuple[bytes, dict[str, Any]]:
    """The bytes of model file ``path`` and its card, if the file's SHA-256 is the card's."""
    if not path.is_file():
        raise ModelNotFoundError(f"no model file at {path}")
    card = read_card(path)
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if card.get("model_sha256") != actual:
        raise ModelIntegrityError(
            f"{path}: SHA-256 {actual} does not match {card.get('model_sha256')} in {card_path(path).name}; "
            "the file was changed or replaced, refusing to load it"
        )
    return data, card


def _newsml_version() -> str:
    from newsml import __version__

    return __version__


def predict_positive(model: Any, features: Any) -> Any:
    """``model.predict_proba(features)[:, 1]`` for a binary HistGradientBoosting model, fast on few rows.

    One article is a few dozen rows (sentences, blocks or paragraph
    boundaries). The trees are walked as flat arrays (:mod:`newsml.trees`,
    the same sums as scikit-learn's); a model they cannot hold goes through
    scikit-learn's ``_raw_predict(..., n_threads=1)``: spreading a few rows
    over an OpenMP thread team saves no time and the idle threads spin,
    doubling the CPU cost per article (measured). If a future scikit-learn
    drops that path, the public call is used.
    """
    from newsml.trees import CompiledTrees, compiled

    trees = model if isinstance(model, CompiledTrees) else compiled(model)
    if trees is not None:
        return trees.predict_positive(features)
    try:
        raw = model._raw_predict(features, n_threads=1)
    except (AttributeError, TypeError):
        return model.predict_proba(features)[:, 1]
    from scipy.special import expit

    return expit(raw.ravel())
