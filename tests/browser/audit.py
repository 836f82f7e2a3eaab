"""The accessibility audit the browser tests share: axe-core, run in the page, failing on
moderate violations as well as serious and critical ones (only "minor" ones pass)."""

from __future__ import annotations

from typing import Any

FAILING_IMPACTS = frozenset({"moderate", "serious", "critical"})


def violations(page: Any) -> list[tuple[str, str, str, list[Any]]]:
    """(rule, impact, help, the first offending elements) of every violation that fails."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        (v["id"], v["impact"], v["help"], [node["target"] for node in v["nodes"]][:3])
        for v in found
        if v["impact"] in FAILING_IMPACTS
    ]
