"""The README names every command the project ships, and every setting it reads."""

from __future__ import annotations

import re
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
