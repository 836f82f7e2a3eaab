"""The clinic's side, where it meets the other sources: what the clinic page shows of a
clinic's statement and schedule beside what people report (and whether 5 or more of them
contradict it), and the claimant's page, whose statement is evidence (``actions.state_policy``), and the clinic's
answers to reviews, which need both a review and a claim.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from caretime.clinicside import claims
from caretime.clinicside.demo import demo_schedule_csv
from caretime.clinicside.forms import AnswerForm, ScheduleForm, StatementForm
from caretime.clinicside.models import Claim, ScheduleSample, Statement
from caretime.clinicside.selectors import (
    as_statement,
    newest_schedule,
    standing_statements,
    who_speaks_and_when_confirmed,
)
from caretime.clinicside.services import upload_schedule
from caretime.core.evidence import Evidence
from caretime.core.refusal import Refused
from caretime.core.reviews import ReviewState
from caretime.core.schedule import CONTRADICTING_REPORTS, ScheduleStanding, badge_until, schedule_standing
from caretime.core.statement import contradicting_people, describe_statement
from caretime.directory.models import Clinic
from caretime.directory.shortcuts import clinic_or_404
from caretime.reviews.models import Review
from caretime.reviews.services import answer_review
from caretime.verdicts.actions import state_policy
from caretime.verdicts.evidence import evidence_for_clinics


@dataclass(frozen=True)
class StatedByClinic:
    row: Statement
    summary: str
    contradicting: int  # people whose reports say otherwise

    @property
    def contradicted(self) -> bool:
        return self.contradicting >= CONTRADICTING_REPORTS


@dataclass(frozen=True)
class ScheduleShown:
    sample: ScheduleSample
    standing: ScheduleStanding
    contradicting: int
    until: date


@dataclass(frozen=True)
class ClinicSide:
    claimed: bool
    yours: bool  # the person viewing the page speaks for the clinic
    statement: StatedByClinic | None
    schedule: ScheduleShown | None
    last_confirmed: date | None

    @property
    def badge(self) -> bool:
        return self.schedule is not None and self.schedule.standing == ScheduleStanding.BADGE


def clinic_side(clinic: Clinic, discipline: str, *, today: date, viewer: User | None = None) -> ClinicSide:
    """What the clinic page shows of the clinic's own word for one therapy: one query for a
    clinic nobody speaks for. Statements and schedules stand only with a confirmed claim, and the
    evidence is read only when there is one to weigh it against."""
    side, speaker = clinic_side_and_speaker(clinic, discipline, today=today)
    return seen_by(side, speaker, viewer)


def seen_by(side: ClinicSide, speaker: int | None, viewer: User | None) -> ClinicSide:
    """The clinic's side as the viewer sees it: whether they are the account that speaks for it."""
    yours = speaker is not None and viewer is not None and speaker == viewer.pk
    return replace(side, yours=True) if yours else side


def clinic_side_and_speaker(clinic: Clinic, discipline: str, *, today: date) -> tuple[ClinicSide, int | None]:
    """The clinic's side as anyone sees it who does not speak for the clinic (the same for them
    all, so a page can keep it), and the account that speaks for it (None: nobody)."""
    speaker, last_confirmed = who_speaks_and_when_confirmed(clinic.pk)
    stated = standing_statements([clinic.pk], discipline).first() if speaker is not None else None
    sample = newest_schedule(clinic.pk) if speaker is not None else None
    by_key = evidence_for_clinics([clinic.pk]) if stated is not None or sample is not None else {}
    witnesses: list[Evidence] = [item for items in by_key.values() for item in items]
    statement = None
    if stated is not None:
        said = as_statement(stated)
        of_therapy = by_key.get((clinic.pk, discipline), [])
        statement = StatedByClinic(
            row=stated,
            summary=describe_statement(said),
            contradicting=contradicting_people(
                of_therapy, one_on_one=said.one_on_one, every_visit=said.every_visit, minutes=said.one_on_one_minutes
            ),
        )
    schedule = None
    if sample is not None:
        against = contradicting_people(witnesses, one_on_one=sample.one_on_one)
        schedule = ScheduleShown(
            sample=sample,
            standing=schedule_standing(
                one_on_one=sample.one_on_one, received_on=sample.received_on, today=today, contradicting_people=against
            ),
            contradicting=against,
            until=badge_until(sample.received_on),
        )
    side = ClinicSide(
        claimed=speaker is not None,
        yours=False,
        statement=statement,
        schedule=schedule,
        last_confirmed=last_confirmed,
    )
    return side, speaker


# --- the claimant's page --------------------------------------------------------------------


def claimant_of(request: HttpRequest, clinic: Clinic) -> Claim | None:
    """The signed-in person's claim of the clinic, or None."""
    user = request.user
    return claims.claim_of(user, clinic) if isinstance(user, User) else None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def manage_clinic(request: HttpRequest, clinic_id: int) -> HttpResponse:
    """The claimant's page: state the policy, send a schedule sample. Anyone else: 403."""
    clinic = clinic_or_404(clinic_id)
    claim = claimant_of(request, clinic)
    if claim is None:
        return render(request, "verdicts/clinic_manage_refused.html", {"clinic": clinic}, status=403)
    posted = request.POST.get("form", "")
    statement_form = StatementForm(request.POST if posted == "statement" else None, clinic=clinic)
    schedule_form = ScheduleForm(
        request.POST if posted == "schedule" else None, request.FILES if posted == "schedule" else None
    )
    status = 200
    if posted == "statement" and statement_form.is_valid():
        try:
            state_policy(
                claim=claim, discipline=statement_form.cleaned_data["discipline"], statement=statement_form.statement()
            )
        except Refused as refused:
            for field, message in refused.problems.items():
                statement_form.add_error(field or None, message)
        else:
            messages.success(request, _("Saved. The clinic page now shows what the clinic states."))
            return redirect("clinic-manage", clinic.pk)
    demo = posted == "demo_schedule" and clinic.is_demo
    if demo or (posted == "schedule" and schedule_form.is_valid()):
        data = (
            demo_schedule_csv(today=timezone.now().date(), overlap=request.POST.get("overlap") == "yes")
            if demo
            else schedule_form.data_bytes()
        )
        try:
            upload_schedule(claim=claim, data=data)
        except Refused as refused:
            for field, message in refused.problems.items():
                schedule_form.add_error(field or None, message)
        else:
            messages.success(request, _("The schedule was read. We kept only its figures; the file is not stored."))
            return redirect("clinic-manage", clinic.pk)
    if statement_form.errors or schedule_form.errors:
        status = 400
    today = timezone.now().date()
    return render(
        request,
        "verdicts/clinic_manage.html",
        {
            "clinic": clinic,
            "statement_form": statement_form,
            "schedule_form": schedule_form,
            "statements": list(standing_statements([clinic.pk])),
            "side": clinic_side(clinic, clinic.disciplines[0] if clinic.disciplines else "pt", today=today),
        },
        status=status,
    )


# --- answering a review -------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def answer_review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    """The clinic's one public answer to a published review; only whoever speaks for the clinic.
    The review itself is shown as it is and never changed here."""
    review = get_object_or_404(Review.objects.select_related("clinic__organization"), pk=review_id,
                               state=ReviewState.PUBLISHED.value)  # fmt: skip
    claim = claimant_of(request, review.clinic)
    if claim is None:
        return render(request, "verdicts/clinic_manage_refused.html", {"clinic": review.clinic}, status=403)
    existing = getattr(review, "answer", None)
    form = AnswerForm(request.POST or None, initial={"text": existing.text if existing else ""})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            answer_review(review=review, claim_id=claim.pk, text=form.cleaned_data["text"])
        except Refused as refused:
            for field, message in refused.problems.items():
                form.add_error(field or None, message)
            status = refused.status
        else:
            messages.success(request, _("Thank you. A moderator reads your answer before it is shown."))
            return redirect(f"{reverse('clinic-detail', args=[review.clinic_id])}#review-{review.pk}")
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "verdicts/answer_review.html",
        {"clinic": review.clinic, "review": review, "form": form, "existing": existing},
        status=status,
    )
