"""A review's stars as the page shows them: ★ for each of its stars, ☆ for the rest of five."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def stars(given: int) -> str:
    """Written in one piece, by the reviews written in Python (caretime.reviews.shown) too."""
    return "".join("★" if place <= given else "☆" for place in range(1, 6))
