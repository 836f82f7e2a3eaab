"""Values written into a page by Python as a template writes them: the parts of pages written in
Python (a clinic's evidence, reviews and billing figures) must read exactly as the templates
they replace, so each writes its values here, the one way."""

from __future__ import annotations

from datetime import date, datetime

from django.template.defaultfilters import date as date_format
from django.utils.html import conditional_escape
from django.utils.timezone import localtime


def escaped(value: object) -> str:
    """A value as ``{{ value }}`` writes it: escaped, unless marked safe. The numbers these parts
    write are whole, which a template writes plainly too (no thousands separator is set)."""
    return conditional_escape(value if isinstance(value, str) else str(value))


def month(day: date | None) -> str:
    """``{{ day|date:"F Y" }}``: "May 2026", in the page's language; empty without a day."""
    return escaped(date_format(day, "F Y"))


def moment(at: datetime, form: str) -> str:
    """``{{ at|date:form }}`` for a moment: in the site's time zone, as a template turns it."""
    return escaped(date_format(localtime(at), form))
