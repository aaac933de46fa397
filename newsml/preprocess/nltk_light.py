"""NLTK's Punkt and Treebank tokenizers, imported without the rest of NLTK.

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
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import types

logger = logging.getLogger(__name__)

_PLACEHOLDERS = ("nltk", "nltk.tokenize")


def _is_nltk(name: str) -> bool:
    return name == "nltk" or name.startswith("nltk.")


def load(*names: str) -> list[types.ModuleType]:
    """The modules ``names`` (under ``nltk.tokenize``), imported without ``nltk/__init__``."""
    if "nltk" in sys.modules:
        return [importlib.import_module(name) for name in names]
    before = {name for name in sys.modules if _is_nltk(name)}
    try:
        spec = importlib.util.find_spec("nltk")
        root = list(spec.submodule_search_locations or [])[0] if spec else None
        if root is None:
            raise ImportError("nltk is not installed as a package")
        for package in _PLACEHOLDERS:
            placeholder = types.ModuleType(package)
            placeholder.__path__ = ["/".join([root, *package.split(".")[1:]])]
            placeholder.__package__ = package
            sys.modules[package] = placeholder
        return [importlib.import_module(name) for name in names]
    except Exception as exc:  # NLTK's layout changed: import it whole
        logger.warning("importing NLTK whole, about a second at start-up (its layout is new to newsml: %s)", exc)
        _forget(before)
        return [importlib.import_module(name) for name in names]
    finally:
        if not sys.modules.get("nltk") or not hasattr(sys.modules["nltk"], "__version__"):
            _forget(before)


def _forget(keep: set[str]) -> None:
    for name in [n for n in sys.modules if _is_nltk(n) and n not in keep]:
        del sys.modules[name]


punkt, destructive = load("nltk.tokenize.punkt", "nltk.tokenize.destructive")
