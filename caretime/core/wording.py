"""Minutes in words, written one way on every page: "60 minutes", "45 to 60 minutes",
"30 minutes or less". A range whose ends meet is one number, never "60 to 60".

Framework-free like the rest of ``caretime.core``: the messages are marked with
``gettext_noop`` for the catalogue, and a caller that translates passes its own ``gettext`` and
``ngettext`` (``django.utils.translation`` itself fits); without one the words are English.

The core's sentences are ``Message`` values: a message id and its parameters, worded only
when shown, and worded in one place, ``Message.render``. Shown without a translation passed in
(``str(message)``, a template's ``{{ reason.text }}``), a message is worded with the
translation the site installs at start-up (``install``; caretime.web.apps passes
``django.utils.translation``, whose active language is the request's), so a sentence built
once reads in the language of each page that shows it, and is never glued from fragments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from caretime.core.text import gettext_noop, ngettext_noop


class Translation(Protocol):
    """What these functions need to translate: Django's ``django.utils.translation`` module
    has both, so it can be passed as it is."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, number: int, /) -> str: ...


class _English:
    """No translation: the messages as written."""

    @staticmethod
    def gettext(message: str, /) -> str:
        return message

    @staticmethod
    def ngettext(singular: str, plural: str, number: int, /) -> str:
        return singular if number == 1 else plural


ENGLISH: Translation = _English()

# Marked here so that makemessages collects them (the two forms of a plural as one entry).
_MINUTE_FORMS = ngettext_noop("%(minutes)s minute", "%(minutes)s minutes")
_RANGE = gettext_noop("%(low)s to %(high)s minutes")
_OR_LESS = gettext_noop("%(minutes)s minutes or less")
_OR_MORE = gettext_noop("%(minutes)s minutes or more")


def minutes(number: int, *, translation: Translation = ENGLISH) -> str:
    """ "1 minute", "60 minutes"."""
    return translation.ngettext(*_MINUTE_FORMS, number) % {"minutes": number}


def minutes_range(low: int, high: int, *, translation: Translation = ENGLISH) -> str:
    """ "45 to 60 minutes"; when both ends are the same, that one figure: "60 minutes"."""
    if low > high:
        raise ValueError(f"a range runs from low to high, not from {low} to {high}")
    if low == high:
        return minutes(low, translation=translation)
    return translation.gettext(_RANGE) % {"low": low, "high": high}


def minutes_or_less(number: int, *, translation: Translation = ENGLISH) -> str:
    """ "30 minutes or less" (the number before its unit, as people say it)."""
    return translation.gettext(_OR_LESS) % {"minutes": number}


def minutes_or_more(number: int, *, translation: Translation = ENGLISH) -> str:
    """ "45 minutes or more"."""
    return translation.gettext(_OR_MORE) % {"minutes": number}


_installed: list[Translation] = [ENGLISH]


def install(translation: Translation) -> None:
    """The translation messages are worded with when none is passed (the site's, at start-up)."""
    _installed[0] = translation


def installed() -> Translation:
    return _installed[0]


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence by its message id (marked with ``gettext_noop`` or ``ngettext_noop`` where it
    is written) and its parameters, which may be messages themselves. ``plural`` and ``count``
    choose the form with ``ngettext``."""

    text: str
    params: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    count: int = 1

    @classmethod
    def counted(cls, forms: tuple[str, str], count: int, **params: object) -> Message:
        """``forms`` from ``ngettext_noop``, worded for ``count`` (a parameter too, as "count")."""
        return cls(forms[0], {"count": count, **params}, forms[1], count)

    def render(self, translation: Translation | None = None) -> str:
        words = translation or installed()
        message = (
            words.gettext(self.text) if self.plural is None else words.ngettext(self.text, self.plural, self.count)
        )
        if not self.params:
            return message
        return message % {name: _worded(value, words) for name, value in self.params.items()}

    def __str__(self) -> str:
        return self.render()

    def __hash__(self) -> int:
        # A value like any other, so that what holds one (a piece of evidence) can be a key
        # of a cache: the parameters' mapping is hashed as its items.
        return hash((self.text, tuple(sorted(self.params.items())), self.plural, self.count))


def _worded(value: object, translation: Translation) -> object:
    if isinstance(value, Message):
        return value.render(translation)
    if isinstance(value, Listed):
        return value.render(translation)
    return value


@dataclass(frozen=True, slots=True)
class Listed:
    """Messages shown one after the other, "3 calls, 2 patient reports": a list, not a sentence."""

    items: tuple[Message, ...]
    separator: str = ", "

    def render(self, translation: Translation | None = None) -> str:
        words = translation or installed()
        return self.separator.join(item.render(words) for item in self.items)

    def __str__(self) -> str:
        return self.render()
