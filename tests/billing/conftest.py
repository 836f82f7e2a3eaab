"""Fixtures of small Medicare files (tests.billing.medicare_files), in the current and the legacy format."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.billing.medicare_files import write_file


@pytest.fixture
def current_file(tmp_path: Path) -> Path:
    return write_file(tmp_path / "MUP_PHY_R24_P05_V10_D22_Prov_Svc.csv")


@pytest.fixture
def legacy_file(tmp_path: Path) -> Path:
    return write_file(tmp_path / "Medicare_Provider_Util_Payment_PUF_CY2016.csv", legacy=True)
