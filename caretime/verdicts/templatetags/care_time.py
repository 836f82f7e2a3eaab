"""Figures of the Care Time profile as the pages show them."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(share: float | None) -> int | str:
    """A share from 0 to 1 as a whole percentage; empty when unknown."""
    return "" if share is None else round(share * 100)
