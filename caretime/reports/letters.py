"""What to send: the three questions in writing (before a call), what one was told, to confirm
(after it), a polite "not interested" message, and requests for one-on-one care and a longer
slot (to the clinic, and to the insurer's member services). Plain text the person edits
on the page, then copies, sends as an e-mail or prints.

The person's own details are placeholders in square brackets ("[Your name]") for them to
replace on the page: caretime never asks for them and never stores them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caretime.core.verdict import SHORT_MINUTES, Assessment, Bar, Question
from caretime.directory.models import Clinic, DisciplineChoices

# Mail programs take the whole message from the link, and some refuse long ones: Windows hands
# a mailto: link to the mail program through a call limited to about 2,000 characters (older
# Outlook and Internet Explorer stop at 2,083). Under this length every mail program we know of
# takes the link; the page's own script (letters.js) keeps the same limit.
MAILTO_MAX_CHARS = 2000
# A letter the person may have lengthened; well above the longest letter here (about 1,000
# characters) and short enough for a one-page print.
LETTER_MAX_CHARS = 6000

_WHY = {
    Question.TIME: gettext_lazy("the time with the therapist would be about %(minutes)s minutes or less"),
    Question.SHARING: gettext_lazy("the therapist would be treating other patients at the same time"),
    Question.EVERY_VISIT: gettext_lazy("one-on-one care with the therapist would only be on the first visit"),
}


def too_long_for_mailto() -> str:
    """The body of an e-mail link when the letter is too long to pass: it says what to do."""
    return _(
        "[This letter is too long to pass to your mail program in one link. Go back to the caretime "
        "page, press Copy, and paste the letter here.]"
    )


def mailto_link(subject: str, body: str) -> str:
    """An e-mail link with the subject and the whole body, line breaks as CRLF (RFC 6068). A
    body that would make the link longer than ``MAILTO_MAX_CHARS`` is never cut off silently:
    the link then carries a note asking the person to paste the letter, and the page says so."""
    link = _mailto(subject, body)
    return link if len(link) <= MAILTO_MAX_CHARS else _mailto(subject, too_long_for_mailto())


def _mailto(subject: str, body: str) -> str:
    # quote(safe="") escapes as JavaScript's encodeURIComponent does, so that letters.js builds
    # the same link from an edited text.
    crlf = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:?subject={quote(subject, safe='')}&body={quote(crlf, safe='')}"


@dataclass(frozen=True)
class Letter:
    key: str
    title: str
    subject: str
    body: str

    @property
    def mailto(self) -> str:
        return mailto_link(self.subject, self.body)

    @property
    def mailto_fits(self) -> bool:
        """Whether the e-mail link carries the whole letter."""
        return len(_mailto(self.subject, self.body)) <= MAILTO_MAX_CHARS

    def edited(self, body: str) -> Letter:
        return dataclasses.replace(self, body=body)


class LetterTextForm(forms.Form):
    """A letter as the person edited it, sent to the print view."""

    text = forms.CharField(
        max_length=LETTER_MAX_CHARS,
        strip=False,
        error_messages={
            "required": gettext_lazy("The letter is empty: write or paste its text, then print it."),
            "max_length": gettext_lazy(
                "Keep the letter to %(limit_value)s characters or fewer (it has %(show_value)s), so that it "
                "prints on one page."
            ),
        },
    )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if "\x00" in text:
            raise forms.ValidationError(_("The letter contains a character that cannot be printed; remove it."))
        if not text.strip():
            raise forms.ValidationError(_("The letter is empty: write or paste its text, then print it."))
        return text.replace("\r\n", "\n")


def why_not(assessment: Assessment) -> list[str]:
    return [str(_WHY[r.question]) % {"minutes": SHORT_MINUTES} for r in assessment.avoid_reasons]


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def _address(clinic: Clinic) -> str:
    line2 = f", {clinic.address_line2}" if clinic.address_line2 else ""
    return f"{clinic.address_line1}{line2}, {clinic.city.title()}, {clinic.state} {clinic.zip_code}"


def _wants(bar: Bar) -> str:
    if bar.every_visit_required:
        return _("one-on-one time with a licensed therapist on every visit, at least %(minutes)s minutes per visit") % {
            "minutes": bar.min_one_on_one_minutes
        }
    return _("one-on-one time with a licensed therapist, at least %(minutes)s minutes per visit") % {
        "minutes": bar.min_one_on_one_minutes
    }


def _therapy(discipline: str) -> str:
    return _(DisciplineChoices(discipline).label).lower()  # in the language of the letter


def not_interested(clinic: Clinic, discipline: str, assessment: Assessment) -> Letter:
    """Short enough for a text message, and without placeholders: it is also shown, ready to
    send as it is, on the verdict page."""
    therapy = _therapy(discipline)
    reasons = why_not(assessment)
    values = {"therapy": therapy, "clinic": clinic.name, "wants": _wants(assessment.bar), "reasons": _join(reasons)}
    if reasons:
        body = _(
            "Hello, thank you for answering my questions about %(therapy)s at %(clinic)s. I have decided not "
            "to book, because %(reasons)s. I am looking for a clinic that gives %(wants)s. Thank you for your time."
        )
    else:
        body = _(
            "Hello, thank you for answering my questions about %(therapy)s at %(clinic)s. I have decided not "
            "to book. I am looking for a clinic that gives %(wants)s. Thank you for your time."
        )
    return Letter(
        "not-interested",
        _("“Not interested” message"),
        _("Not booking %(therapy)s") % {"therapy": therapy},
        body % values,
    )


def request_to_clinic(clinic: Clinic, discipline: str, assessment: Assessment) -> Letter:
    therapy = _therapy(discipline)
    reasons = why_not(assessment)
    subject = _("Request for one-on-one care and a longer appointment slot")
    heard = _("I was told that %(reasons)s. ") % {"reasons": _join(reasons)} if reasons else ""
    body = _(
        "To: %(clinic)s\n%(address)s\n\n"
        "Subject: %(subject)s\n\n"
        "Dear %(clinic)s team,\n\n"
        "I am starting %(therapy)s with your clinic. My insurance makes it hard for me to go elsewhere, "
        "so I am writing to ask for the care I need. %(heard)s\n\n"
        "I ask that:\n"
        "1. every visit includes at least %(minutes)s minutes of one-on-one treatment with a licensed "
        "therapist, who is not treating other patients at the same time;\n"
        "2. this applies to every visit, not only the first one;\n"
        "3. my appointments are booked in a slot long enough for that time.\n\n"
        "Timed therapy services are billed as direct one-on-one time, so I expect my visits to be scheduled "
        "for it. Please confirm in writing how my visits will be scheduled and who will treat me.\n\n"
        "Thank you,\n\n"
        "[Your name]\n"
        "Date of birth: [your date of birth]\n"
        "Phone or e-mail: [your phone number or e-mail address]"
    ) % {
        "clinic": clinic.name,
        "address": _address(clinic),
        "subject": subject,
        "therapy": therapy,
        "heard": heard,
        "minutes": assessment.bar.min_one_on_one_minutes,
    }
    return Letter("clinic", _("Request to the clinic"), subject, body)


def request_to_insurer(clinic: Clinic, discipline: str, assessment: Assessment) -> Letter:
    therapy = _therapy(discipline)
    reasons = why_not(assessment)
    subject = _("Request for one-on-one %(therapy)s") % {"therapy": therapy}
    heard = _(" When I asked, I was told that %(reasons)s.") % {"reasons": _join(reasons)} if reasons else ""
    body = _(
        "To: Member services\n\n"
        "Subject: Request for one-on-one %(therapy)s and a longer appointment slot\n\n"
        "Dear member services,\n\n"
        "I need %(therapy)s. The clinic available to me under my plan is %(clinic)s, %(address)s.%(heard)s\n\n"
        "I ask you to:\n"
        "1. confirm that my plan covers %(wants)s;\n"
        "2. ask the clinic to provide this care and book appointment slots long enough for it; or\n"
        "3. tell me which in-network clinics provide it, or approve a clinic that does.\n\n"
        "Please reply in writing.\n\n"
        "Thank you,\n\n"
        "[Your name]\n"
        "Member ID: [your member ID]\n"
        "Date of birth: [your date of birth]\n"
        "Phone or e-mail: [your phone number or e-mail address]"
    ) % {
        "therapy": therapy,
        "clinic": clinic.name,
        "address": _address(clinic),
        "heard": heard,
        "wants": _wants(assessment.bar),
    }
    return Letter("insurer", _("Request to your insurer"), subject, body)


def questions_in_writing(clinic: Clinic, discipline: str) -> Letter:
    """Before calling, or instead of a call: the three questions of the script, to send."""
    therapy = _therapy(discipline)
    subject = _("Questions before I book %(therapy)s") % {"therapy": therapy}
    body = _(
        "Hello,\n\n"
        "I am thinking of booking %(therapy)s at %(clinic)s. Before I book, could you please answer three "
        "questions in writing?\n\n"
        "1. How many minutes will I have alone with the therapist at each visit?\n"
        "2. Will it be one-on-one, or will the therapist treat other patients at the same time?\n"
        "3. Will it be like that on every visit, or only on the first one?\n\n"
        "Thank you,\n\n"
        "[Your name]"
    ) % {"therapy": therapy, "clinic": clinic.name}
    return Letter("questions", _("Before you call: the questions in writing"), subject, body)


def what_i_was_told(clinic: Clinic, discipline: str, told: str | None) -> Letter:
    """After the call: what the person was told (their own recorded answers when the page knows
    them), for the clinic to confirm in writing before they book."""
    therapy = _therapy(discipline)
    subject = _("Please confirm what I was told about %(therapy)s") % {"therapy": therapy}
    heard = told or _("[what they told you: minutes with the therapist, one-on-one or shared, every visit or not]")
    body = _(
        "Hello,\n\n"
        "When I called %(clinic)s about %(therapy)s, I was told: %(told)s.\n\n"
        "Please confirm this in writing before I book.\n\n"
        "Thank you,\n\n"
        "[Your name]"
    ) % {"therapy": therapy, "clinic": clinic.name, "told": heard}
    return Letter("told", _("After you call: ask them to confirm what you were told"), subject, body)


def letters_for(
    clinic: Clinic, discipline: str, assessment: Assessment, *, told: str | None = None
) -> dict[str, Letter]:
    """Every letter, in the order of the letters page: before the call, after it, then the
    "not interested" message and the requests for when switching is hard. ``told``: what the
    person was told on their own recorded call, if the page knows it."""
    found = [
        questions_in_writing(clinic, discipline),
        what_i_was_told(clinic, discipline, told),
        not_interested(clinic, discipline, assessment),
        request_to_clinic(clinic, discipline, assessment),
        request_to_insurer(clinic, discipline, assessment),
    ]
    return {letter.key: letter for letter in found}


def sms_start(clinic: Clinic) -> str | None:
    """A text-message link to the clinic up to its body ("sms:+1...?body="); None without a
    US phone number. letters.js appends the edited text to it."""
    digits = "".join(ch for ch in clinic.phone if ch.isdigit())
    if len(digits) != 10:
        return None
    return f"sms:+1{digits}?body="


def sms_link(clinic: Clinic, letter: Letter) -> str | None:
    start = sms_start(clinic)
    return None if start is None else start + quote(letter.body, safe="")
