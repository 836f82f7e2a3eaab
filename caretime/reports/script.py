"""The call script: the three questions to ask a clinic before booking, in plain words."""

from __future__ import annotations

from dataclasses import dataclass

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
            "How much time do I get with the therapist at each visit?",
            "Time alone with a licensed therapist is the treatment. Time on a machine, with ice or heat, or "
            "with an aide is not.",
            f"“{minimum} minutes or more with the therapist.” Ask them to count only the time with the therapist.",
            f"About {SHORT_MINUTES} minutes or less, or a long visit with only a short part of it with the therapist.",
        ),
        ScriptQuestion(
            2,
            "Is it one-on-one, or will the therapist see other patients at the same time?",
            "A therapist who treats two or three people at once cannot watch, correct or progress your exercises.",
            "“One-on-one: the therapist works only with you.”",
            "“The therapist moves between a few patients”, or “an aide will help you while the therapist is busy”.",
        ),
        ScriptQuestion(
            3,
            "Will I get one-on-one care from a therapist on every appointment, for the whole time, or only on "
            "the first visit?",
            "Some clinics give the first visit (the evaluation) one-on-one and hand later visits to aides.",
            "“Every visit, for the whole time, with a licensed therapist.”",
            "“The first visit is one-on-one; after that you will mostly work with our aides.”",
        ),
    )
