"""Marking text for translation without importing a framework.

``gettext_noop`` is one of the names Django's ``makemessages`` collects, so text marked with it
here lands in the message catalogue; the pages translate it when they show it
(``{% translate status.label %}``).
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


def ngettext_noop(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message and its plural for the catalogue as one entry (``makemessages`` is told
    of this name: caretime/web/management/commands/makemessages.py); translated where it is
    shown, with ``ngettext``."""
    return singular, plural
