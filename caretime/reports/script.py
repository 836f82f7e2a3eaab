"""The call script: the three questions to ask a clinic before booking, in plain words.

The clinics speak English. So on a page in another language, each question also comes in
the English to read aloud, and the English answers to listen for come with what they mean.
That English is the same message the English page shows, looked up in English, never a
second copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils import translation
from django.utils.translation import gettext as _

from caretime.core.kept import Kept
from caretime.core.verdict import SHORT_MINUTES, Bar


@dataclass(frozen=True)
class Heard:
    """A few words a clinic may say, and what they mean for the reader. The words stay in
    English on every page, because they are what the reader will hear on the phone."""

    words: tuple[str, ...]
    meaning: str
    good: bool


@dataclass(frozen=True)
class ScriptQuestion:
    number: int
    ask: str
    why: str
    good_answer: str
    bad_answer: str
    hear: tuple[Heard, ...]
    # On a page in another language: the question in English, to read aloud, and the English
    # words to listen for with their meaning in the page's language. None and () in English.
    aloud: str | None = None
    listen_for: tuple[Heard, ...] = ()


def _questions(bar: Bar) -> tuple[ScriptQuestion, ...]:
    """The script in the active language."""
    minimum = bar.min_one_on_one_minutes
    return (
        ScriptQuestion(
            1,
            _("How much time do I get with the therapist at each visit?"),
            _(
                "Time alone with a licensed therapist is the treatment. Time on a machine, with ice or heat, or "
                "with an aide is not."
            ),
            _("“%(minutes)s minutes or more with the therapist.” Ask them to count only the time with the therapist.")
            % {"minutes": minimum},
            _("About %(minutes)s minutes or less, or a long visit with only a short part of it with the therapist.")
            % {"minutes": SHORT_MINUTES},
            (
                Heard(
                    (f"{minimum} minutes with the therapist",),
                    _("Good: that much time with the therapist."),
                    good=True,
                ),
                Heard(
                    ("on the machines", "ice or heat"),
                    _("Not time with the therapist: do not count it."),
                    good=False,
                ),
                Heard(("with an aide",), _("An aide is not a therapist: that time does not count."), good=False),
            ),
        ),
        ScriptQuestion(
            2,
            _("Is it one-on-one, or will the therapist see other patients at the same time?"),
            _("A therapist who treats two or three people at once cannot watch, correct or progress your exercises."),
            _("“One-on-one: the therapist works only with you.”"),
            _("“The therapist moves between a few patients”, or “an aide will help you while the therapist is busy”."),
            (
                Heard(("one-on-one",), _("Good: the therapist works only with you."), good=True),
                Heard(("one patient at a time",), _("Good: the same thing, one-on-one."), good=True),
                Heard(
                    ("a few patients at once", "a group"),
                    _("Bad: the therapist is shared with other patients."),
                    good=False,
                ),
                Heard(("with an aide",), _("Bad: part of your time is with an aide, not the therapist."), good=False),
            ),
        ),
        ScriptQuestion(
            3,
            _(
                "Will I get one-on-one care from a therapist on every appointment, for the whole time, or only on "
                "the first visit?"
            ),
            _("Some clinics give the first visit (the evaluation) one-on-one and hand later visits to aides."),
            _("“Every visit, for the whole time, with a licensed therapist.”"),
            _("“The first visit is one-on-one; after that you will mostly work with our aides.”"),
            (
                Heard(("every visit", "the whole time"), _("Good: one-on-one at every visit."), good=True),
                Heard(
                    ("only the first visit", "the evaluation"),
                    _("Bad: one-on-one only once, at the start."),
                    good=False,
                ),
                Heard(("after that, our aides",), _("Bad: later visits are mostly with aides."), good=False),
            ),
        ),
    )


# The script is the same for every page of a language and bar: made once per worker for each.
_kept_scripts: Kept[tuple[ScriptQuestion, ...]] = Kept(64)


def call_script(bar: Bar) -> tuple[ScriptQuestion, ...]:
    """The script in the active language; in another language than English, with the English
    to read aloud and to listen for beside it."""
    key = (translation.get_language(), bar)
    script = _kept_scripts.get(key)
    if script is None:
        script = _call_script(bar)
        _kept_scripts.put(key, script)
    return script


def _call_script(bar: Bar) -> tuple[ScriptQuestion, ...]:
    here = _questions(bar)
    with translation.override("en"):
        english = _questions(bar)
    if [question.ask for question in here] == [question.ask for question in english]:
        return here  # an English page (or a language with no catalogue yet): nothing to add
    return tuple(
        replace(question, aloud=spoken.ask, listen_for=question.hear)
        for question, spoken in zip(here, english, strict=True)
    )
