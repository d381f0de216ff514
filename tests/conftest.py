"""Shared fixtures.

``soffice``: the LibreOffice executable. Tests that need it skip with a
clear reason when LibreOffice is absent, and fail instead when
``XLKOPI_REQUIRE_LIBREOFFICE=1`` (as ``.ci/run`` sets).

Hypothesis: ``XLKOPI_HYPOTHESIS=ci`` (set by ``.ci/run``) draws the same
examples on every run, so a CI result can be reproduced; elsewhere every run
draws new ones, which is how counterexamples are found (each found one is
kept in its test as an ``@example``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from xlkopi.io.libreoffice import find_soffice

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("XLKOPI_HYPOTHESIS") == "ci":
    settings.load_profile("ci")


def _require_libreoffice() -> bool:
    return os.environ.get("XLKOPI_REQUIRE_LIBREOFFICE") == "1"


@pytest.fixture(scope="session")
def soffice() -> str:
    path = find_soffice()
    if path is None:
        if _require_libreoffice():
            pytest.fail("XLKOPI_REQUIRE_LIBREOFFICE=1 but LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) is not installed; install libreoffice-calc-nogui to run this test")
    return path


@pytest.fixture
def recalc(soffice, tmp_path):
    """Recalculate a workbook in LibreOffice headless; returns the recalculated copy's path."""
    from xlkopi.io.libreoffice import recalculate

    def _recalc(path):
        return recalculate(path, tmp_path / "recalculated")

    return _recalc
