"""Build step for newsml's one C module; everything else is in pyproject.toml.

The module is optional: without a C compiler, newsml installs without it and
walks its trees with numpy instead (same results, slower).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("newsml._treewalk", ["newsml/_treewalk.c"], optional=True)])
