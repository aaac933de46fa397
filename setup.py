"""Build step for newsml's three small C modules; everything else is in pyproject.toml.

All are optional: without a C compiler, newsml installs without them and
uses numpy and regular expressions instead (same results, slower).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("newsml._treewalk", ["newsml/_treewalk.c"], optional=True),
        Extension("newsml._words", ["newsml/_words.c"], optional=True),
        Extension("newsml._features", ["newsml/_features.c"], optional=True),
    ]
)
