"""NLTK's Punkt and Treebank tokenizers and Snowball stemmer, imported without the rest of NLTK.

``import nltk`` imports every NLTK subpackage and, through them, scikit-learn
and SciPy: more than a second before a one-article command reads its file.
newsml's parsing needs two NLTK modules, :mod:`nltk.tokenize.punkt` and
:mod:`nltk.tokenize.destructive`, which depend only on NLTK's small helper
modules. :func:`load` imports them under empty placeholder parent packages
and then removes every NLTK module it loaded from ``sys.modules``, keeping a
private copy: a later ``import nltk`` (by the user) loads NLTK whole, as if
this had not happened. When NLTK is imported already, or its layout does not
allow this, the ordinary import is used. This runs once, when
:mod:`newsml.preprocess` is first imported: import newsml before starting
threads that import NLTK.

The Snowball stemmer (:func:`snowball_stemmer`, for topic terms) is imported
the same way, at the same time (about 8 ms; importing it on first use instead
would let another thread see the placeholders while it loads), under a
placeholder ``nltk.stem`` package and a
stand-in ``nltk.corpus`` whose stop-word lists refuse to load (the English
stemmer reads them only when asked to ignore stop words, which newsml never
does).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import types

logger = logging.getLogger(__name__)

_PLACEHOLDERS = ("nltk", "nltk.tokenize")
_STEM_PLACEHOLDERS = ("nltk", "nltk.stem")


def _is_nltk(name: str) -> bool:
    return name == "nltk" or name.startswith("nltk.")


def load(
    *names: str, packages: tuple[str, ...] = _PLACEHOLDERS, stand_ins: tuple[types.ModuleType, ...] = ()
) -> list[types.ModuleType]:
    """The modules ``names``, imported without ``nltk/__init__`` under placeholder ``packages``."""
    if "nltk" in sys.modules:
        return [importlib.import_module(name) for name in names]
    before = {name for name in sys.modules if _is_nltk(name)}
    try:
        spec = importlib.util.find_spec("nltk")
        root = list(spec.submodule_search_locations or [])[0] if spec else None
        if root is None:
            raise ImportError("nltk is not installed as a package")
        for package in packages:
            placeholder = types.ModuleType(package)
            placeholder.__path__ = ["/".join([root, *package.split(".")[1:]])]
            placeholder.__package__ = package
            sys.modules[package] = placeholder
        for module in stand_ins:
            sys.modules[module.__name__] = module
        return [importlib.import_module(name) for name in names]
    except Exception as exc:  # NLTK's layout changed: import it whole
        logger.warning("importing NLTK whole, about a second at start-up (its layout is new to newsml: %s)", exc)
        _forget(before)
        return [importlib.import_module(name) for name in names]
    finally:
        if not sys.modules.get("nltk") or not hasattr(sys.modules["nltk"], "__version__"):
            _forget(before)


class _NoCorpus:
    """Stands in for NLTK's corpus readers: any use raises."""

    def __getattr__(self, name: str) -> None:
        raise RuntimeError(f"nltk.corpus.stopwords.{name}: newsml's private copy of NLTK's stemmer has no corpora")


def _corpus_stand_in() -> types.ModuleType:
    corpus = types.ModuleType("nltk.corpus", "Stand-in: newsml's private NLTK copy reads no corpora.")
    corpus.stopwords = _NoCorpus()  # type: ignore[attr-defined]
    return corpus


def snowball_stemmer():
    """NLTK's English Snowball (Porter2) stemmer, from the copy imported without ``nltk/__init__``."""
    return _snowball.SnowballStemmer("english")


def _forget(keep: set[str]) -> None:
    for name in [n for n in sys.modules if _is_nltk(n) and n not in keep]:
        del sys.modules[name]


punkt, destructive = load("nltk.tokenize.punkt", "nltk.tokenize.destructive")
(_snowball,) = load("nltk.stem.snowball", packages=_STEM_PLACEHOLDERS, stand_ins=(_corpus_stand_in(),))
