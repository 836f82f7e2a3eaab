"""The call script: the three questions to ask a clinic before booking, in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from caretime.core.verdict import SHORT_MINUTES, Bar


@dataclass(frozen=True)
class ScriptQuestion:
    number: int
    ask: str
    why: str
    good_answer: str
    bad_answer: str


def call_script(bar: Bar) -> tuple[ScriptQuestion, ...]:
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
        ),
        ScriptQuestion(
            2,
            _("Is it one-on-one, or will the therapist see other patients at the same time?"),
            _("A therapist who treats two or three people at once cannot watch, correct or progress your exercises."),
            _("“One-on-one: the therapist works only with you.”"),
            _("“The therapist moves between a few patients”, or “an aide will help you while the therapist is busy”."),
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
        ),
    )
