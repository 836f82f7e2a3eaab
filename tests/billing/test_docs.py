"""The import guide and the methodology stay in step with the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from caretime.core import billing as core

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("command", ["import_medicare", "generate_medicare_file", "compute_billing_indicators"])
def test_every_billing_command_and_option_is_documented(command: str) -> None:
    guide = (DOCS / "data-import.md").read_text()
    assert f"manage.py {command}" in guide
    parser = load_command_class(get_commands()[command], command).create_parser("manage.py", command)
    own = {"--year", "--dry-run", "--skip-indicators", "--replace-year", "--demo", "--rows", "--seed", "--legacy-headers", "--malformed-share",
           "--match-directory"}  # fmt: skip
    for action in parser._actions:
        for option in action.option_strings:
            if option in own:
                assert option in guide, f"{command} {option} is not in docs/data-import.md"


def test_methodology_states_the_thresholds_the_code_uses() -> None:
    text = (DOCS / "methodology.md").read_text()
    assert f"{core.GROUP_SHARE_NOT_ONE_ON_ONE * 100:.0f} % of services or more" in text
    assert f"Weight {core.BILLING_EVIDENCE_WEIGHT}" in text
    assert f"fewer than {core.MIN_BENEFICIARIES} beneficiaries" in text
