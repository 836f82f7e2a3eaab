"""``{% kept %}``: a part of a page rendered once for what it shows.

Parts of a page that depend only on a few plain values (the language, whether someone is
signed in, the form's chosen values) cost the template language the same work on every request
while they read the same. ``{% kept key ... %}...{% endkept %}`` renders its part once per
process for each set of key values and reuses it afterwards, as the results page's cards and the
forms' widgets are (``caretime.verdicts.cards``, ``caretime.web.form_renderer``). The key is
everything the part shows: the language, the autoescaping, and the values the tag names; a
changed value makes a new key, so nothing is ever invalidated.

What must stay per request is a hole, filled again on every request and never kept:
- the CSRF token, always (it is a secret of the person's session);
- ``name=expression``: the variable ``name`` inside the part (written as ``{{ name }}``);
- ``input_NAME=expression``: the value of the form input named ``NAME`` (what a person typed,
  or an address holding it: kept, it would stay in the worker's memory after their request).
A hole is written escaped, as ``{{ }}`` writes it. An empty hole (``None`` or "") is part of the
key instead, since a template writes an empty value differently (an input leaves out ``value``).

A part marked ``everywhere`` is kept for every worker when the shared cache is Redis
(``caretime.shared.kept_everywhere``): one rendered by one worker serves the others, filed
under its template file and its place in it, with the same key values (a part inside one that
no worker had is not looked for there, but shared once made). The first such part a worker
lacks brings the template's others along, in one round trip. That is for the parts
that cost a page most and are the same for everyone who asks (a clinic page's verdict and
evidence): a part as cheap as a round trip to Redis, or whose keys change with each search, is
better rendered again, and so is every part when the shared cache is the database's table
(a write there costs more than any rendering).

In the tests (``KEPT_PARTS_CHECKED``) every kept part is compared with the same part rendered
afresh, so a key that misses something the part shows fails the tests that render it.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from contextvars import ContextVar
from dataclasses import is_dataclass
from typing import Any

from django import template
from django.conf import settings
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.context import Context
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from caretime.shared.kept_everywhere import KeptEverywhere, digest_of
from caretime.web.form_renderer import Unkeyable, frozen, input_holes, marker

register = template.Library()

# Parts kept per worker: a few hundred bytes to a few kilobytes each.
PARTS_KEPT = 4_096
kept_parts: KeptEverywhere[tuple[str, ...]] = KeptEverywhere("page-part", PARTS_KEPT, in_database_too=False)

_CSRF = "csrf_token"
# True while a part kept for every worker is rendered because no worker had it.
_recording_new: ContextVar[bool] = ContextVar("kept_recording_new", default=False)
_ORDINAL = "caretime.kept.parsed"
_DEPTH = "caretime.kept.depth"  # parts open around the one being parsed
_TOGETHER = "caretime.kept.together"
_LOOKED_UP = "caretime.kept.looked_up"  # per template, the keys of its parts looked for together
_EVERYWHERE = "everywhere"
_INPUT = "input_"
_HOLE = re.compile("\x00hole:(\\w+)\x00")


class KeptNode(Node):
    def __init__(
        self,
        nodelist: NodeList,
        keys: list[FilterExpression],
        holes: dict[str, FilterExpression],
        unless: list[FilterExpression],
        place: tuple[str, int] | None,  # for a part kept for every worker
        together: list[KeptNode],  # the template's parts kept for every worker, outside any other part
    ) -> None:
        self.nodelist = nodelist
        self.keys = keys
        self.holes = holes
        self.unless = unless
        # The template file and the part's place in it, the same in every worker; else the node.
        self.named: Hashable = place if place is not None else self
        self.together = together

    def render(self, context: Context) -> SafeString:
        found = self._key(context)
        if found is None:
            return self.nodelist.render(context)
        key, holes = found
        shared = self.named is not self
        # Inside a part kept for every worker that no worker had (being recorded now), a part of
        # it is not looked for there either: it is as new, and a look-up costs a round trip.
        look_shared = shared and not _recording_new.get()
        if look_shared and kept_parts.here.get(key) is None:
            look_shared = key not in self._look_up_together(context)
        pieces = kept_parts.get(key, shared=look_shared)
        if pieces is None:
            token = _recording_new.set(_recording_new.get() or shared)
            try:
                pieces = self._record(context, holes)
            finally:
                _recording_new.reset(token)
            kept_parts.put(key, pieces, shared=shared)
        html = self._fill(pieces, context, holes)
        if html is None:  # a CSRF token that is not one ("NOTPROVIDED"): the tag writes nothing
            return self.nodelist.render(context)
        if settings.KEPT_PARTS_CHECKED:
            fresh = self.nodelist.render(context)
            if html != fresh:
                raise AssertionError(f"a kept part differs from the same part rendered afresh:\n{html}\n---\n{fresh}")
        return html

    def _key(self, context: Context) -> tuple[Hashable, dict[str, object]] | None:
        """The part's key and its holes' values; None when it is rendered afresh, not kept."""
        if any(condition.resolve(context) for condition in self.unless):
            return None
        try:
            values = tuple(_keyed(key.resolve(context)) for key in self.keys)
        except Unkeyable:
            return None
        holes: dict[str, object] = {name: expression.resolve(context) for name, expression in self.holes.items()}
        empty = tuple(name for name, value in holes.items() if value is None or value == "")
        holes = {name: value for name, value in holes.items() if name not in empty}
        return (self.named, translation.get_language(), context.autoescape, values, empty, _CSRF in context), holes

    def _look_up_together(self, context: Context) -> set[Hashable]:
        """The first part of a template this process lacks brings the template's other parts kept
        for every worker (those not inside another part) from the shared cache too, in the same
        round trip: a clinic page has five side by side, and each round trip costs about as much
        CPU as rendering a small part. Their keys are worked out from the context as it is here;
        a part whose key comes out otherwise where it is rendered (under a loop's variable) is
        looked for again then, as it was before. Returns the keys looked for, for this render
        of the template."""
        render_context: Any = context.render_context  # Django's stubs narrow the values it may hold
        looked: dict[int, set[Hashable]] = render_context.setdefault(_LOOKED_UP, {})
        together = id(self.together)
        if together not in looked:
            keys = [found[0] for node in self.together if (found := node._key(context)) is not None]
            kept_parts.get_many(keys)  # each found is kept in this process for its part's own look-up
            looked[together] = set(keys)
        return looked[together]

    def _record(self, context: Context, holes: dict[str, object]) -> tuple[str, ...]:
        """The part rendered with a marker in each hole, split on them: text, hole, text..."""
        markers = {name: marker(name) for name in holes if not name.startswith(_INPUT)}
        if _CSRF in context:
            markers[_CSRF] = marker(_CSRF)
        inputs = {name.removeprefix(_INPUT): marker(name) for name in holes if name.startswith(_INPUT)}
        with context.push(markers):
            token = input_holes.set(inputs)
            try:
                html = self.nodelist.render(context)
            finally:
                input_holes.reset(token)
        return tuple(_HOLE.split(html))

    def _fill(self, pieces: tuple[str, ...], context: Context, holes: dict[str, object]) -> SafeString | None:
        written = []
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                written.append(piece)
            elif piece == _CSRF:
                csrf = str(context[_CSRF])  # read only where the part writes it: reading it sets the cookie
                if csrf == "NOTPROVIDED":
                    return None
                written.append(conditional_escape(csrf))
            else:
                written.append(conditional_escape(_written(holes[piece])))
        return mark_safe("".join(written))  # the template's own output, and holes escaped


def _keyed(value: object) -> Hashable:
    """A key value: plain values as the form renderer keys them; a frozen dataclass (a verdict,
    a Care Time profile) by the digest of its class and fields, equal exactly when every field
    is, if all of it hashes (a list or a model inside: what it shows cannot be compared)."""
    if is_dataclass(value) and not isinstance(value, type) and value.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        # Made once per object: a page keys several parts on the same care times, and hashing
        # them whole (their reasons, their figures) for each look-up cost more than the look-ups.
        try:
            return ("dataclass", digest_of(value))  # the digest names the class too
        except TypeError:
            raise Unkeyable from None
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_keyed(item) for item in value))
    return frozen(value)


def _written(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


@register.tag
def kept(parser: Parser, token: Token) -> KeptNode:
    """``{% kept key ... [name=expression ...] [everywhere] [unless condition ...] %}...{% endkept %}``:
    the part kept under its keys, with holes (and for every worker); rendered afresh, and not
    kept, when a condition holds."""
    keys: list[FilterExpression] = []
    holes = {}
    unless: list[FilterExpression] = []
    after_unless = everywhere = False
    for bit in token.split_contents()[1:]:
        name, equals, expression = bit.partition("=")
        if bit == _EVERYWHERE and not after_unless:
            everywhere = True
        elif bit == "unless":
            after_unless = True
        elif after_unless:
            unless.append(parser.compile_filter(bit))
        elif equals and name.isidentifier():
            holes[name] = parser.compile_filter(expression)
        else:
            keys.append(parser.compile_filter(bit))
    parsed: dict[str, Any] = parser.extra_data  # type: ignore[attr-defined]  # Django's; its stubs lack it
    parsed[_DEPTH] = parsed.get(_DEPTH, 0) + 1
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    parsed[_DEPTH] -= 1
    # Which of the template's kept parts this is, in the order they were parsed (outside the
    # debug mode a token has a line but no position, and one line may hold two).
    ordinal = parsed[_ORDINAL] = parsed.get(_ORDINAL, 0) + 1
    origin = parser.origin
    place = (origin.name, ordinal) if everywhere and origin is not None and origin.loader is not None else None
    together: list[KeptNode] = parsed.setdefault(_TOGETHER, [])
    node = KeptNode(nodelist, keys, holes, unless, place, together)
    if place is not None and parsed[_DEPTH] == 0:
        together.append(node)
    return node
