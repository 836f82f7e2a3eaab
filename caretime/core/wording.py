"""Minutes in words, written one way on every page: "60 minutes", "45 to 60 minutes",
"30 minutes or less". A range whose ends meet is one number, never "60 to 60".

Framework-free like the rest of ``caretime.core``: the messages are marked with
``gettext_noop`` for the catalogue, and a caller that translates passes its own ``gettext`` and
``ngettext`` (``django.utils.translation`` itself fits); without one the words are English.
"""

from __future__ import annotations

from typing import Protocol

from caretime.core.text import gettext_noop


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

# Marked here so that makemessages collects them; ngettext's two forms are marked one by one.
_ONE_MINUTE = gettext_noop("%(minutes)s minute")
_MINUTES = gettext_noop("%(minutes)s minutes")
_RANGE = gettext_noop("%(low)s to %(high)s minutes")
_OR_LESS = gettext_noop("%(minutes)s minutes or less")
_OR_MORE = gettext_noop("%(minutes)s minutes or more")


def minutes(number: int, *, translation: Translation = ENGLISH) -> str:
    """ "1 minute", "60 minutes"."""
    return translation.ngettext(_ONE_MINUTE, _MINUTES, number) % {"minutes": number}


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
