"""The README names every command the project ships, and every setting it reads."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_project_command_is_in_the_readme() -> None:
    ours = sorted(name for name, app in get_commands().items() if app.startswith("caretime."))
    assert ours, "the project ships management commands"
    missing = [name for name in ours if name not in README]
    assert missing == []


def test_every_environment_setting_is_in_the_readme() -> None:
    settings_source = (ROOT / "caretime" / "settings.py").read_text()
    names = sorted(set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', settings_source)))
    assert "DATABASE_URL" in names
    missing = [name for name in names if f"`{name}`" not in README]
    assert missing == []


def test_the_architecture_page_draws_the_layers_the_contract_enforces() -> None:
    """docs/architecture.md shows the layers of the import contract, top to bottom, with the
    same apps on each: the picture cannot drift from what `make layers` checks."""
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    drawn = [
        line.split("  ")[1].strip()
        for line in (ROOT / "docs" / "architecture.md").read_text().split("```")[1].splitlines()
        if line.strip()[:1].isdigit()
    ]
    expected = [layer if layer != "urls" else "caretime/urls.py" for layer in contract["layers"]]
    assert drawn == expected
