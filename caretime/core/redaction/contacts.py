"""Phone numbers, e-mail addresses and record, claim or member numbers, found by patterns.

Phone numbers: the US forms ("(312) 555-0199", "312.555.0199", "+1 312 555 0199",
"3125550199", "555-0199" after "call" or "number"), and a plus sign with 8 to 15 digits for
other countries. E-mail addresses, also written "jane at clinic dot com". Record numbers after
a word that names one ("MRN", "claim", "member ID") and, whatever stands before them, numbers
that can only be identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from caretime.core.redaction.found import EMAIL_REMOVED, NUMBER_REMOVED, PHONE_REMOVED, Found, Kind

_EMAIL = re.compile(
    r"(?<![\w.+'-])[\w.+'-]*\w@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b"
    r"|(?<![\w.+-])[\w.+-]*\w\s*(?:\[at\]|\(at\)|\{at\}|\s+at\s+)\s*[\w-]+"
    r"(?:\s*(?:\[dot\]|\(dot\)|\{dot\}|\s+dot\s+)\s*[\w-]+)*\s*(?:\[dot\]|\(dot\)|\{dot\}|\s+dot\s+)\s*"
    r"(?:com|org|net|edu|gov|us|io|co|info|health|care|biz)\b",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\w+/@-])(?:\+\s?1[\s.\-]*|1[\s.\-]+)?(?:\(\s*[2-9]\d{2}\s*\)|[2-9]\d{2})[\s.\-]{0,2}[2-9]\d{2}[\s.\-]{0,2}\d{4}"
    r"(?:\s*(?:ext\.?|extension|x)\s*\d{1,6})?(?![\w-])",
    re.IGNORECASE,
)
_LOCAL_PHONE = re.compile(
    r"\b(?:call(?:ed|ing)?|text(?:ed)?|phone|number|cell|tel|fax|dial(?:ed)?|line)\b[^.\n\d\[\]]{0,24}?"
    r"(?<![\d-])(?P<number>[2-9]\d{2}[\-.][\d]{4})(?![\w-])",
    re.IGNORECASE,
)
_RECORD_CUE = (
    r"(?:MRN|medical\s+record|record|chart|patient\s+(?:ID|account|number)|account|acct\.?|claim|"
    r"member|subscriber|policy|group|insurance\s+ID|ID|invoice|reference|ref\.?|case|ticket|"
    r"authori[sz]ation|auth\.?|referral|confirmation|Medicare|Medicaid|MBI|SSN|social\s+security)"
)
_RECORD = re.compile(
    rf"\b{_RECORD_CUE}(?:\s+(?:ID|number|no\.?|num|nr|#))?\s*(?:is|was|of|:|=)?\s*"
    r"(?P<number>#?\s?(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}[A-Z0-9])(?![\w-])",
    re.IGNORECASE,
)
# Numbers that are identifiers whatever stands before them: a hash and five or more digits,
# letters with six or more digits, seven or more digits in a row, a social security number.
_BARE_RECORD = re.compile(
    r"(?<![\w$.,-])(?:#\s?[A-Z]{0,4}\d{5,}|[A-Z]{1,4}\d{6,}[A-Z]?|\d{7,}|\d{3}-\d{2}-\d{4})(?![\w-])",
    re.IGNORECASE,
)


# International numbers: a plus sign, a country code other than 1, 8 to 15 digits in all.
_INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])\+[2-9]\d{0,2}+(?:[\s.\-]?\(?\d{1,5}+\)?){2,6}+(?![\w-])")


def _phones(text: str) -> Iterable[tuple[int, int]]:
    for match in _PHONE.finditer(text):
        yield match.start(), match.end()
    for match in _LOCAL_PHONE.finditer(text):
        yield match.start("number"), match.end("number")
    for match in _INTERNATIONAL_PHONE.finditer(text):
        if 8 <= sum(c.isdigit() for c in match.group()) <= 15:
            yield match.start(), match.end()


_MASK = "¤"  # stands in for what was found: neither a letter, a digit nor a space


def _contact_in(text: str) -> list[Found]:
    spans: list[Found] = []
    for match in _EMAIL.finditer(text):
        spans.append(Found(Kind.EMAIL, match.start(), match.end(), EMAIL_REMOVED))
    for start, end in _phones(text):
        spans.append(Found(Kind.PHONE, start, end, PHONE_REMOVED))
    for match in _RECORD.finditer(text):
        spans.append(Found(Kind.RECORD_NUMBER, match.start("number"), match.end("number"), NUMBER_REMOVED))
    for match in _BARE_RECORD.finditer(text):
        spans.append(Found(Kind.RECORD_NUMBER, match.start(), match.end(), NUMBER_REMOVED))
    # An e-mail address wins over a number inside it, a longer span over a shorter one.
    order = {Kind.EMAIL: 0, Kind.PHONE: 1, Kind.RECORD_NUMBER: 2}
    spans.sort(key=lambda f: (f.kind is not Kind.EMAIL, -(f.end - f.start), order[f.kind], f.start))
    kept: list[Found] = []
    for item in spans:
        if not any(item.start < k.end and k.start < item.end for k in kept):
            kept.append(item)
    return kept


def contacts(text: str) -> list[Found]:
    """E-mail addresses, phone numbers and record numbers, in text order. What is found is
    masked and the text read again, so that a number that touched another one
    ("0000000(312)555-0199") is not left to be found only once the first is replaced."""
    kept: list[Found] = []
    for _ in range(4):
        more = _contact_in(text)
        if not more:
            break
        kept += more
        for item in more:
            text = text[: item.start] + _MASK * (item.end - item.start) + text[item.end :]
    return sorted(kept, key=lambda f: f.start)
