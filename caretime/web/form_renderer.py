"""Form widgets rendered once per worker for what they show.

A page's form fields cost more to render than anything else in its template: each widget is a
template of its own, and a select renders one more template per option (the insurance list has
dozens). The same widgets come up on page after page (the search form, the bar form), so a
widget's HTML is kept under what it shows: its template, the language and the whole context
the widget passes (name, value, attributes, options with their labels and which is chosen).
Only widgets of choices (selects, radio buttons, ticked lists) are kept: their cost is one
template per option, and what they show is a list the site wrote, never what a person typed, so
no one's words stay in a worker's memory after their request. Only a context made of plain
values (text, numbers, lists and dictionaries of them) is kept; anything else (a form, a bound
field) is rendered as Django would, every time. While ``{% kept %}`` records a part of a page, an
input it names as a hole (the place typed, the address to go back to) writes the hole's marker
instead of its value, and is not kept here either (caretime.web.templatetags.kept).
"""

from __future__ import annotations

from collections.abc import Hashable
from contextvars import ContextVar
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import Promise
from django.utils.safestring import SafeData

from caretime.core.kept import Kept

# Widgets kept per worker: a few hundred bytes to a few kilobytes each; the least recently used
# goes first.
WIDGETS_KEPT = 4_096


# The inputs whose value is a hole of the part of a page ``{% kept %}`` is recording, by name:
# the widget writes the hole's marker instead of the value (caretime.web.templatetags.kept).
input_holes: ContextVar[dict[str, str]] = ContextVar("input_holes", default={})  # noqa: B039 (never changed in place)


def marker(hole: str) -> str:
    """What a part of a page is rendered with in place of a hole: no template output holds a NUL,
    and escaping leaves it as it is."""
    return f"\x00hole:{hole}\x00"


class Unkeyable(Exception):
    """The context holds something other than plain values: render it every time."""


def frozen(value: object) -> Hashable:
    """The value as a key that is equal exactly when the template would write the same."""
    if isinstance(value, Promise):
        value = str(value)  # translated now: the language is part of the key
    if isinstance(value, str):
        # Marked safe, text is written as it is; else escaped: the two differ on the page.
        return ("safe", str(value)) if isinstance(value, SafeData) else value
    if value is None or isinstance(value, (bool, int, float)):
        return (type(value).__name__, repr(value))  # repr: True is not 1, -0.0 is not 0.0
    if isinstance(value, dict):
        return ("dict", tuple((key, frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(frozen(item) for item in value))
    raise Unkeyable


class KeptWidgetsRenderer(DjangoTemplates):
    """Django's form renderer, keeping the HTML of each widget it rendered (FORM_RENDERER)."""

    def __init__(self) -> None:
        self.kept: Kept[str] = Kept(WIDGETS_KEPT)

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        if request is not None:  # a template given the request may write what it holds
            return super().render(template_name, context, request)
        widget = context.get("widget")
        holes = input_holes.get()
        if holes and isinstance(widget, dict) and widget.get("name") in holes and widget.get("value") is not None:
            context = {**context, "widget": {**widget, "value": holes[widget["name"]]}}
            return super().render(template_name, context, request)
        if not isinstance(widget, dict) or "optgroups" not in widget:  # not a widget of choices
            return super().render(template_name, context, request)
        try:
            key = (template_name, translation.get_language(), frozen(context))
        except Unkeyable:
            return super().render(template_name, context, request)
        html = self.kept.get(key)
        if html is None:
            html = super().render(template_name, context, request)
            self.kept.put(key, html)
        return html
