"""What to send: a polite "not interested" message, and requests for one-on-one care and a
longer slot (to the clinic, and to the insurer's member services). Plain text to copy."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from caretime.core.verdict import SHORT_MINUTES, Assessment, Bar, Question
from caretime.directory.models import Clinic, DisciplineChoices

_WHY = {
    Question.TIME: f"the time with the therapist would be about {SHORT_MINUTES} minutes or less",
    Question.SHARING: "the therapist would be treating other patients at the same time",
    Question.EVERY_VISIT: "one-on-one care with the therapist would only be on the first visit",
}


@dataclass(frozen=True)
class Letter:
    key: str
    title: str
    subject: str
    body: str

    @property
    def mailto(self) -> str:
        return f"mailto:?subject={quote(self.subject)}&body={quote(self.body)}"


def why_not(assessment: Assessment) -> list[str]:
    return [_WHY[r.question] for r in assessment.avoid_reasons]


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _address(clinic: Clinic) -> str:
    line2 = f", {clinic.address_line2}" if clinic.address_line2 else ""
    return f"{clinic.address_line1}{line2}, {clinic.city.title()}, {clinic.state} {clinic.zip_code}"


def _wants(bar: Bar) -> str:
    every = " on every visit" if bar.every_visit_required else ""
    return f"one-on-one time with a licensed therapist{every}, at least {bar.min_one_on_one_minutes} minutes per visit"


def not_interested(clinic: Clinic, discipline: str, assessment: Assessment) -> Letter:
    therapy = DisciplineChoices(discipline).label.lower()
    reasons = why_not(assessment)
    because = f", because {_join(reasons)}" if reasons else ""
    body = (
        f"Hello, thank you for answering my questions about {therapy} at {clinic.name}. "
        f"I have decided not to book{because}. "
        f"I am looking for a clinic that gives {_wants(assessment.bar)}. "
        "Thank you for your time."
    )
    return Letter("not-interested", "“Not interested” message", f"Not booking {therapy}", body)


def request_to_clinic(clinic: Clinic, discipline: str, assessment: Assessment) -> Letter:
    therapy = DisciplineChoices(discipline).label.lower()
    bar = assessment.bar
    reasons = why_not(assessment)
    heard = f"I was told that {_join(reasons)}. " if reasons else ""
    body = (
        f"To: {clinic.name}\n{_address(clinic)}\n\n"
        f"Subject: Request for one-on-one care and a longer appointment slot\n\n"
        f"Dear {clinic.name} team,\n\n"
        f"I am starting {therapy} with your clinic. My insurance makes it hard for me to go elsewhere, "
        f"so I am writing to ask for the care I need. {heard}\n\n"
        "I ask that:\n"
        f"1. every visit includes at least {bar.min_one_on_one_minutes} minutes of one-on-one treatment with "
        "a licensed therapist, who is not treating other patients at the same time;\n"
        f"2. this applies to every visit, not only the first one;\n"
        f"3. my appointments are booked in a slot long enough for that time.\n\n"
        "Timed therapy services are billed as direct one-on-one time, so I expect my visits to be scheduled "
        "for it. Please confirm in writing how my visits will be scheduled and who will treat me.\n\n"
        "Thank you,\n\n"
        "Name: ______________________   Date of birth: ____________\n"
        "Phone or e-mail: ______________________"
    )
    return Letter("clinic", "Request to the clinic", "Request for one-on-one care and a longer appointment slot", body)


def request_to_insurer(clinic: Clinic, discipline: str, assessment: Assessment) -> Letter:
    therapy = DisciplineChoices(discipline).label.lower()
    bar = assessment.bar
    reasons = why_not(assessment)
    heard = f" When I asked, I was told that {_join(reasons)}." if reasons else ""
    body = (
        "To: Member services\n\n"
        f"Subject: Request for one-on-one {therapy} and a longer appointment slot\n\n"
        "Dear member services,\n\n"
        f"I need {therapy}. The clinic available to me under my plan is {clinic.name}, {_address(clinic)}.{heard}\n\n"
        "I ask you to:\n"
        f"1. confirm that my plan covers {_wants(bar)};\n"
        "2. ask the clinic to provide this care and book appointment slots long enough for it; or\n"
        "3. tell me which in-network clinics provide it, or approve a clinic that does.\n\n"
        "Please reply in writing.\n\n"
        "Thank you,\n\n"
        "Name: ______________________   Member ID: ______________________\n"
        "Date of birth: ____________   Phone or e-mail: ______________________"
    )
    return Letter("insurer", "Request to your insurer", f"Request for one-on-one {therapy}", body)


def letters_for(clinic: Clinic, discipline: str, assessment: Assessment) -> dict[str, Letter]:
    found = [
        not_interested(clinic, discipline, assessment),
        request_to_clinic(clinic, discipline, assessment),
        request_to_insurer(clinic, discipline, assessment),
    ]
    return {letter.key: letter for letter in found}


def sms_link(clinic: Clinic, letter: Letter) -> str | None:
    digits = "".join(ch for ch in clinic.phone if ch.isdigit())
    if len(digits) != 10:
        return None
    return f"sms:+1{digits}?body={quote(letter.body)}"
