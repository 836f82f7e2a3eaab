"""What stays because it names a clinic: the clinic's own names wherever they occur, and a
capitalised word directly followed by business words ("Johnson Physical Therapy", "Martin
Rehab", "Dr. Lee's Rehab Center"), even when that word is a person's name."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from caretime.core.redaction.tokens import WORD, Token, spaced
from caretime.core.redaction.words import (
    ABBREVIATED_TITLES,
    BARE_CREDENTIAL_KEYS,
    BUSINESS_MODIFIERS,
    BUSINESS_WORDS,
    ROLE_NOUNS,
    STOPWORDS,
    fold,
    ordinary_words,
)


@functools.lru_cache(maxsize=256)
def _clinic_pattern(name: str) -> re.Pattern[str] | None:
    parts = re.findall(r"[^\W_]+(?:['’][^\W_]+)*", name)
    if not parts:
        return None
    separator = r"(?:[\s.,&'’+/\-]|\band\b)*"
    body = separator.join(re.escape(p) for p in parts)
    return re.compile(rf"(?<![^\W_]){body}(?:['’]s)?(?![^\W_])", re.IGNORECASE)


def clinic_spans(
    text: str, tokens: Sequence[Token], clinic_names: Sequence[str], person_word: Callable[[Token], bool]
) -> list[tuple[int, int]]:
    """The spans of ``text`` that name a clinic. ``person_word`` says whether a word is a
    person's name (a roster word or a listed first name): "Doe PT" is a person and a
    credential, not a clinic."""
    spans: list[tuple[int, int]] = []
    for name in clinic_names:
        pattern = _clinic_pattern(name)
        if pattern is not None:
            spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    # The first word of the clinic's own names: "Johnson PT" is Johnson Physical Therapy.
    leading = {fold(words[0]) for words in map(WORD.findall, clinic_names) if words}
    for i in range(1, len(tokens)):
        head = tokens[i]
        if not (head.capitalised and (head.key in BUSINESS_WORDS or head.key in BUSINESS_MODIFIERS)):
            continue
        before = tokens[i - 1]
        if not before.capitalised or (before.key in STOPWORDS and before.key not in ABBREVIATED_TITLES):
            continue
        if before.key in BUSINESS_WORDS or before.key in BUSINESS_MODIFIERS or before.key in ROLE_NOUNS:
            continue
        gap = text[before.after : head.start]
        if not gap.isspace() or "\n" in gap:
            continue
        # The run of business words after the name.
        j = i
        while j + 1 < len(tokens) and tokens[j + 1].capitalised and spaced(text, tokens[j], tokens[j + 1]):
            if tokens[j + 1].key not in BUSINESS_WORDS and tokens[j + 1].key not in BUSINESS_MODIFIERS:
                break
            j += 1
        run = [t.key for t in tokens[i : j + 1]]
        if all(k in BUSINESS_MODIFIERS for k in run):
            continue
        if all(k in BARE_CREDENTIAL_KEYS for k in run) and person_word(before) and before.key not in leading:
            continue  # "Doe PT", "Kayla PT": a credential after a name; "Johnson PT" is the clinic
        start = i - 1
        # "Dr. Lee's Rehab Center", "Mary Beth Johnson Physical Therapy".
        for _ in range(2):
            if start == 0:
                break
            prior = tokens[start - 1]
            gap = text[prior.after : tokens[start].start]
            if prior.key in ABBREVIATED_TITLES and gap.strip() in ("", ".") and "\n" not in gap:
                start -= 1
                break
            if prior.capitalised and not prior.possessive and gap.isspace() and prior.key not in ordinary_words():
                start -= 1
                continue
            break
        spans.append((tokens[start].start, tokens[j].after))
    return spans
