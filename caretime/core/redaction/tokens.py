"""Tokenising review text into words: each with its folded key, its possessive ("Jane's",
"James'"), its case, and whether it starts a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from caretime.core.redaction.words import ABBREVIATED_TITLES, fold

_LETTERS = r"(?:[^\W\d_]|[\u0300-\u036f])+"
WORD = re.compile(rf"[^\W\d_]{_LETTERS[:-1]}*(?:['’]{_LETTERS}|-{_LETTERS})*")
_POSSESSIVE = ("'s", "’s", "'S", "’S")
_SENTENCE_END = ".!?…\n\r\u2029\u2028"
_OPENERS = "\"'“‘([{*-–—•¡¿ \t"


@dataclass(slots=True)
class Token:
    start: int
    end: int  # of the word, without a possessive
    text: str
    key: str
    after: int  # end including a possessive ("'s", or "'" after an s)
    possessive: str  # "", "'s" or "'"
    capitalised: bool
    all_caps: bool
    sentence_start: bool = False


def tokenise(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in WORD.finditer(text):
        word, start, end = match.group(), match.start(), match.end()
        if _glued(text, start - 1) or _glued(text, end):
            continue  # "A000000JENa": part of a code, not a word
        after, possessive = end, ""
        if len(word) > 2 and word.endswith(_POSSESSIVE):
            word, end, possessive = word[:-2], end - 2, "'s"
        elif word[-1:] in "sS" and text[end : end + 1] in ("'", "’") and not text[end + 1 : end + 2].isalpha():
            after, possessive = end + 1, "'"
        tokens.append(_word(start, end, word, after, possessive))
    tokens = _spelled_out(text, tokens)
    previous: Token | None = None
    for token in tokens:
        before = text[previous.after if previous else 0 : token.start]
        stripped = before.strip(_OPENERS)
        if previous is None:
            token.sentence_start = not stripped or stripped[-1] in _SENTENCE_END
        elif "\n" in before or "\r" in before:
            token.sentence_start = True
        elif stripped and stripped[-1] in _SENTENCE_END:
            # "Dr. Smith", "Jane D. was": a title or an initial before the full stop.
            token.sentence_start = not (
                stripped == "." and (previous.key in ABBREVIATED_TITLES or len(previous.text) == 1)
            )
        previous = token
    return tokens


# What may stand between the letters of a word spelled out: "J a n e", "D.O.E", "D*O*E".
_LETTER_GAPS = frozenset({" ", ".", "*"})
_HYPHENATED_LETTERS = re.compile(r"[^\W\d_](?:-[^\W\d_]){2,}")


def _spelled_out(text: str, tokens: list[Token]) -> list[Token]:
    """Words spelled out letter by letter ("J a n e", "D.O.E", "D-o-e"), three letters or
    more, each read as the one word they spell."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        m = k
        gap = ""
        while m + 1 < len(tokens) and len(tokens[m].text) == 1 == len(tokens[m + 1].text) and not tokens[m].possessive:
            between_letters = text[tokens[m].end : tokens[m + 1].start]
            if between_letters not in _LETTER_GAPS or (gap and between_letters != gap):
                break
            gap, m = between_letters, m + 1
        if m - k >= 2:
            letters = "".join(t.text for t in tokens[k : m + 1])
            out.append(_word(tokens[k].start, tokens[m].end, letters, tokens[m].after, tokens[m].possessive))
            k = m + 1
            continue
        token = tokens[k]
        if _HYPHENATED_LETTERS.fullmatch(token.text):
            token = _word(token.start, token.end, token.text.replace("-", ""), token.after, token.possessive)
        out.append(token)
        k += 1
    return out


def _word(start: int, end: int, word: str, after: int, possessive: str) -> Token:
    letters = [c for c in word if c.isalpha()]
    return Token(
        start=start,
        end=end,
        text=word,
        key=fold(word),
        after=after,
        possessive=possessive,
        capitalised=word[0].isupper(),
        all_caps=len(letters) > 1 and all(c.isupper() for c in letters),
    )


def _glued(text: str, at: int) -> bool:
    return 0 <= at < len(text) and text[at].isdigit()


def between(text: str, left: Token, right: Token) -> str:
    """The text between two tokens (after the left one's possessive)."""
    return text[left.after : right.start]


def spaced(text: str, left: Token, right: Token) -> bool:
    """Only spaces (no line break, no punctuation) between two tokens, and no possessive."""
    gap = between(text, left, right)
    return bool(gap) and not left.possessive and gap.isspace() and "\n" not in gap and len(gap) <= 3
