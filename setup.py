"""Only for ``scrapyd-deploy``, which runs ``setup.py clean -a`` and ``setup.py bdist_egg``;
pip and everything else read pyproject.toml (metadata, the ``scrapy: settings`` entry point).

Having this file stops scrapyd-deploy writing its own (which lacks our metadata), and the
build goes to a temporary folder removed on exit, so no ``build/`` is left in the tree
(only ``newscrawl.egg-info/``, which ``pip install -e .`` makes too; it is git-ignored).
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile

from setuptools import setup

options = {}
if {"bdist_egg", "clean"} & set(sys.argv[1:]):
    scratch = tempfile.mkdtemp(prefix="newscrawl-egg-")
    atexit.register(shutil.rmtree, scratch, True)
    options = {"build": {"build_base": scratch}, "bdist_egg": {"bdist_dir": f"{scratch}/bdist"}}
setup(options=options)
