"""Hypothesis settings for the whole suite.

The default run is the build's gate, so its property tests draw the same examples every time
(``derandomize``): a red build always means a change broke something, and it reproduces.
Exploring new examples is a separate, deliberate run::

    CLUSTERLAB_HYPOTHESIS=explore .venv/bin/python -m pytest -n 2 tests/test_console_fuzz.py

(and ``benchmarks/soak.py`` for the cluster state machine). A failure found that way becomes a
named regression test, as in tests/test_found_by_fuzzing.py.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("gate", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False, database=None)
settings.load_profile(os.environ.get("CLUSTERLAB_HYPOTHESIS", "gate"))
