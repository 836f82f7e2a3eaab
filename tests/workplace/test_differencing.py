"""Issue 22: the attacks on clinicians' reports, as tests.

1. Differencing: an attacker writes 4 of the 5 reports of a batch (two low, two high on every
   question) and reads the published bands to guess the 5th reporter's answers. Exact medians
   give every answer away; with the noise, a guess is right no more often than epsilon allows.
2. Public NPIs: reports about clinic A carrying NPIs of clinic B's roster are never matched,
   never published as matched and never move A's verdict.
3. A matched and an unmatched report get the same answer from the same work.
"""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import replace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caretime.core.evidence import EvidenceSource
from caretime.core.npi import make_npi
from caretime.core.workplace import BOOKING_ORDER, AideCare, Booking, Role, WorkerAnswers, WorkerStanding
from caretime.core.workplace_privacy import (
    EPSILON_PER_QUESTION,
    EPSILON_PER_YEAR,
    MEDIANS,
    RELEASE_EPSILON,
    SHARE_BANDING,
    SHARES,
    Noise,
    NoNoise,
    release_bands,
)
from caretime.directory.models import Clinic, Clinician
from caretime.verdicts.evidence import evidence_for_clinics
from caretime.workplace.models import PrivacyLedger, WorkerReport, WorkplaceFigures
from caretime.workplace.selectors import figure_rows, worker_evidence_of
from caretime.workplace.services import WorkerSubmission, publication_noise, release_held, submit_worker_report
from tests.answers import MILL_WORKPLACE
from tests.factories import clinic_page, file_reports, last_month, make_clinic, publish, today, worker_report_body

# --- 1. differencing ---------------------------------------------------------------------

# Two answers per question, in different bands: the attacker's "low" and "high".
LOW = WorkerAnswers(1, 1, 60, Booking.NEVER, 0, 0, AideCare.NO, False)
HIGH = WorkerAnswers(5, 8, 20, Booking.EVERY_DAY, 97, 150, AideCare.OFTEN, True)
BATCHES = 2000
SEED = 22

# The bound epsilon promises for one answer that is one of two, equally likely: whatever the
# attacker knows (here: all four other reports), the published figures make one answer at most
# e^epsilon times likelier than the other, so a guess is right with probability at most
# e^epsilon / (1 + e^epsilon). Per question epsilon = 0.25: at most 56.2 %, against 50 % for a
# coin and 100 % without the noise.
ONE_ANSWER_BOUND = math.exp(EPSILON_PER_QUESTION) / (1 + math.exp(EPSILON_PER_QUESTION))
# All 8 answers at once, 256 equally likely combinations: at most e^2 / 256 = 2.9 % (the
# whole publication spends epsilon 2), against 0.4 % by chance and 100 % without the noise.
ALL_ANSWERS_BOUND = math.exp(RELEASE_EPSILON) / 2**8
# Slack for sampling error: about 4 standard errors of the measured rates over 2000 batches.
SLACK_ONE, SLACK_ALL = 0.045, 0.015


def test_the_stated_bounds() -> None:
    assert (EPSILON_PER_YEAR, RELEASE_EPSILON, EPSILON_PER_QUESTION) == (4.0, 2.0, 0.25)
    assert round(ONE_ANSWER_BOUND, 3) == 0.562
    assert round(ALL_ANSWERS_BOUND, 3) == 0.029


def _published(answers: WorkerAnswers, name: str) -> float:
    if name == "booking":
        return float(BOOKING_ORDER.index(answers.booking))
    if name == "aides_skilled_care":
        return float(answers.aides_skilled_care != AideCare.NO)
    return float(getattr(answers, name))


def _guess_high(name: str, value: float) -> bool:
    """The attacker's best guess from one published band: the answer whose band is nearer."""
    for question, banding in MEDIANS:
        if question == name:
            low, high = banding.index(_published(LOW, name)), banding.index(_published(HIGH, name))
            published = banding.representatives.index(value)
            return abs(published - high) < abs(published - low)
    # A share of 5 reports with two "yes" of the attacker's: 3/5 when the victim said yes.
    return SHARE_BANDING.index(value) >= SHARE_BANDING.index(3 / 5)


def _attack(noise: Noise) -> tuple[dict[str, float], float]:
    """Many batches of 4 forged reports (two low, two high on every question) and one real one,
    published with ``noise``: how often the attacker guesses each real answer right, and how
    often all 8 at once."""
    questions = [name for name, _ in MEDIANS] + list(SHARES)
    victims = random.Random(SEED)
    right = dict.fromkeys(questions, 0)
    all_right = 0
    for _ in range(BATCHES):
        high = {name: victims.random() < 0.5 for name in questions}
        # The questions are named as the answers' fields: each taken from the low or the high forger.
        victim = WorkerAnswers(**{name: getattr(HIGH if high[name] else LOW, name) for name in questions})
        victim = replace(
            victim, patients_per_hour_peak=max(victim.patients_per_hour_peak, victim.patients_per_hour_typical)
        )
        published = release_bands([LOW, LOW, HIGH, HIGH, victim], noise).values
        guessed = {name: _guess_high(name, published[name]) == high[name] for name in questions}
        for name, ok in guessed.items():
            right[name] += ok
        all_right += all(guessed.values())
    return {name: count / BATCHES for name, count in right.items()}, all_right / BATCHES


def test_four_forged_reports_learn_no_more_than_epsilon_allows() -> None:
    """Published the way the site publishes (``publication_noise``), the attacker guesses each
    real answer right at most ``ONE_ANSWER_BOUND`` of the time and all 8 at most
    ``ALL_ANSWERS_BOUND``."""
    rates, all_right = _attack(publication_noise())
    for name, rate in rates.items():
        assert rate <= ONE_ANSWER_BOUND + SLACK_ONE, (name, rate)
    assert sum(rates.values()) / len(rates) <= ONE_ANSWER_BOUND + SLACK_ONE / 3, rates
    assert all_right <= ALL_ANSWERS_BOUND + SLACK_ALL, all_right


def test_without_the_noise_the_same_attack_reads_every_answer() -> None:
    """The control: published as exact bands (k >= 5 alone), the same attack guesses every real
    answer, so the test above can fail, and fails on a build without the noise."""
    rates, all_right = _attack(NoNoise())
    assert min(rates.values()) > ONE_ANSWER_BOUND + SLACK_ONE, rates
    assert all_right > ALL_ANSWERS_BOUND + SLACK_ALL, all_right


# --- 2. public NPIs of another clinic's roster --------------------------------------------


def _therapists_of(clinic: Clinic, count: int, base: int) -> list[str]:
    npis = []
    for offset in range(count):
        npi = make_npi(base + offset)
        clinician = Clinician.objects.create(npi=npi, first_name="Rae", last_name=f"Staff{offset}", discipline="pt")
        clinician.clinics.add(clinic)
        npis.append(npi)
    return npis


def _submit(clinic: Clinic, npi: str, answers: WorkerAnswers = MILL_WORKPLACE) -> None:
    submit_worker_report(
        WorkerSubmission(clinic, "pt", Role.PHYSICAL_THERAPIST, today().year, answers, npi=npi), today=last_month()
    )


def _release_all() -> None:
    release_held([str(pk) for pk in WorkerReport.objects.exclude(standing="counted").values_list("pk", flat=True)])


@pytest.mark.django_db
def test_npis_of_another_clinics_roster_never_match_never_publish_as_matched_never_move_a_verdict(
    client: Client, exact_figures: None
) -> None:
    target = make_clinic("Target PT", latitude=41.90, longitude=-87.65, disciplines=("pt",))
    elsewhere = make_clinic("Far Away PT", latitude=30.27, longitude=-97.74, disciplines=("pt",))
    before = client.get(clinic_page(target.pk, "pt")).content.decode()
    assert "Unknown: ask before you book" in before
    for npi in _therapists_of(elsewhere, 5, 130000000):
        _submit(target, npi)
    assert WorkerReport.objects.filter(clinic=target).count() == 5
    assert not WorkerReport.objects.filter(npi_on_roster=True).exists()
    _release_all()  # five in an hour are a burst: a moderator lets them through, the worst case
    publish()  # without noise: the strongest case for the attacker
    assert WorkplaceFigures.objects.get(clinic=target).npi_on_roster is False  # published apart
    assert not WorkplaceFigures.objects.filter(npi_on_roster=True).exists()
    assert worker_evidence_of(figure_rows([target.pk])) == {}
    evidence = evidence_for_clinics([target.pk]).get((target.pk, "pt"), [])
    assert not [item for item in evidence if item.source == EvidenceSource.WORKER_REPORT]
    after = client.get(clinic_page(target.pk, "pt")).content.decode()
    assert "Unknown: ask before you book" in after
    # The same five NPIs reporting their own clinic are matched, and do move its verdict.
    for own in Clinician.objects.filter(clinics=elsewhere).values_list("npi", flat=True):
        _submit(elsewhere, str(own))
    _release_all()
    publish()
    assert WorkplaceFigures.objects.get(clinic=elsewhere).npi_on_roster is True
    assert "Avoid: signs of a patient mill" in client.get(clinic_page(elsewhere.pk, "pt")).content.decode()


# --- 3. the same answer and the same work -------------------------------------------------


def _answer(client: Client, clinic: Clinic, npi: str) -> tuple[int, bytes, dict[str, Any], list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/worker-reports", json.dumps(worker_report_body(clinic, npi=npi)), content_type="application/json"
        )
    # The statements, with their parameters left out (the NPI and the keyed hash differ).
    shapes = [re.sub(r"\d+", "N", query["sql"].split(" WHERE ")[0][:60]) for query in queries.captured_queries]
    return response.status_code, response.content, dict(response.headers), shapes


@pytest.mark.django_db
def test_a_matched_and_an_unmatched_report_get_the_same_answer_from_the_same_work() -> None:
    clinic = make_clinic("Roster PT", latitude=41.90, longitude=-87.65, disciplines=("pt",))
    other = make_clinic("Other PT", latitude=41.95, longitude=-87.70, disciplines=("pt",))
    (on_roster,) = _therapists_of(clinic, 1, 140000000)
    (off_roster,) = _therapists_of(other, 1, 141000000)
    matched = _answer(Client(), clinic, on_roster)
    unmatched = _answer(Client(), clinic, off_roster)
    assert matched[0] == unmatched[0] == 202
    assert matched[1] == unmatched[1]
    assert matched[2] == unmatched[2]
    assert len(matched[3]) == len(unmatched[3])
    assert matched[3] == unmatched[3]
    assert list(WorkerReport.objects.order_by("npi_on_roster").values_list("npi_on_roster", flat=True)) == [False, True]
    # The form answers alike too: the same redirect, the same thanks.
    form = {
        "role": "pt",
        "experience_year": str(today().year),
        "patients_per_hour_typical": "2",
        "patients_per_hour_peak": "2",
        "slot_minutes": "45",
        "booking": "some_days",
        "quota_percent": "80",
        "unpaid_documentation_minutes": "15",
        "aides_skilled_care": "no",
        "would_recommend": "yes",
    }
    url = reverse("worker-report", args=[clinic.pk, "pt"])
    (second_on,) = _therapists_of(clinic, 1, 142000000)
    (second_off,) = _therapists_of(other, 1, 143000000)
    with CaptureQueriesContext(connection) as on_queries:
        on = Client().post(url, {**form, "npi": second_on})
    with CaptureQueriesContext(connection) as off_queries:
        off = Client().post(url, {**form, "npi": second_off})
    assert (
        (on.status_code, on["Location"])
        == (off.status_code, off["Location"])
        == (
            302,
            f"{reverse('clinic-detail', args=[clinic.pk])}#workplace-pt",
        )
    )
    assert len(on_queries.captured_queries) == len(off_queries.captured_queries)


# --- limits of matched reports ------------------------------------------------------------


@pytest.mark.django_db
def test_matched_reports_beyond_the_rosters_size_are_held_until_a_moderator_releases_them() -> None:
    clinic = make_clinic("Small PT", latitude=41.90, longitude=-87.65, disciplines=("pt",))
    first, second = _therapists_of(clinic, 2, 150000000)
    _submit(clinic, first)
    _submit(clinic, second)
    Clinician.objects.filter(npi=second).update(is_active=False)  # the roster now has 1 person
    third = _therapists_of(clinic, 1, 151000000)[0]  # and 2 again
    standings = sorted(WorkerReport.objects.values_list("standing", flat=True))
    assert standings == ["counted", "counted"]
    _submit(clinic, third)  # 2 matched already, and 2 active people on the roster
    held = WorkerReport.objects.get(standing=WorkerStanding.HELD_ROSTER_FULL)
    assert held.npi_on_roster is True
    assert release_held([str(held.pk)]) == 1
    assert WorkerReport.objects.get(pk=held.pk).standing == WorkerStanding.COUNTED


@pytest.mark.django_db
def test_a_burst_of_reports_with_an_npi_is_held_and_never_published() -> None:
    clinic = make_clinic("Burst PT", latitude=41.90, longitude=-87.65, disciplines=("pt",))
    npis = _therapists_of(clinic, 5, 160000000)
    for npi in npis:
        _submit(clinic, npi)
    standings = list(WorkerReport.objects.order_by("standing").values_list("standing", flat=True))
    # 3 an hour are taken (BURST_REPORTS_PER_HOUR); the 4th and 5th wait for a moderator.
    assert standings == ["counted", "counted", "counted", "held_burst", "held_burst"]
    assert publish().published == 0  # 3 counted: fewer than 5
    release_held([str(pk) for pk in WorkerReport.objects.filter(standing="held_burst").values_list("pk", flat=True)])
    assert publish().published == 5


# --- the ledger ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_repeated_batches_never_spend_more_than_the_years_budget() -> None:
    clinic = make_clinic("Ledger PT", latitude=41.90, longitude=-87.65, disciplines=("pt",))
    file_reports(clinic, MILL_WORKPLACE, 5)
    assert publish().populations == 1
    file_reports(clinic, MILL_WORKPLACE, 5, npi_on_roster=False)
    assert publish().populations == 1  # the other population shares the year's budget
    file_reports(clinic, MILL_WORKPLACE, 5)
    result = publish()
    assert (result.populations, result.out_of_budget, result.published) == (0, 1, 0)
    ledger = PrivacyLedger.objects.get(clinic=clinic)
    assert (ledger.spent, ledger.releases) == (4.0, 2)
    assert WorkerReport.objects.filter(published_in__isnull=True).count() == 5  # they wait


@pytest.mark.django_db
def test_a_moderator_releases_held_reports_in_the_admin(admin_client: Client) -> None:
    clinic = make_clinic("Admin PT", latitude=41.90, longitude=-87.65, disciplines=("pt",))
    for npi in _therapists_of(clinic, 4, 170000000):
        _submit(clinic, npi)
    held = WorkerReport.objects.get(standing=WorkerStanding.HELD_BURST)
    page = admin_client.get("/admin/workplace/workerreport/")
    assert page.status_code == 200
    assert "Held for review: arrived during a burst" in page.content.decode()
    assert "patients_per_hour" not in page.content.decode()  # no answers to decide by
    # nobody adds, edits or deletes what a clinician reported
    assert admin_client.get("/admin/workplace/workerreport/add/").status_code == 403
    assert admin_client.post(f"/admin/workplace/workerreport/{held.pk}/delete/", {"post": "yes"}).status_code == 403
    assert WorkerReport.objects.filter(pk=held.pk).exists()
    response = admin_client.post(
        "/admin/workplace/workerreport/", {"action": "release", "_selected_action": [str(held.pk)]}
    )
    assert response.status_code == 302
    assert WorkerReport.objects.get(pk=held.pk).standing == WorkerStanding.COUNTED


@pytest.mark.django_db
def test_unmatched_reports_are_never_published_in_one_batch_with_matched_ones() -> None:
    clinic = make_clinic("Two Groups PT", latitude=41.90, longitude=-87.65, disciplines=("pt",))
    file_reports(clinic, MILL_WORKPLACE, 5)
    file_reports(clinic, MILL_WORKPLACE, 5, npi_on_roster=False)
    first = publish()
    assert (first.populations, first.published, first.waiting) == (1, 5, 5)
    assert list(WorkplaceFigures.objects.values_list("npi_on_roster", flat=True)) == [True]
    second = publish()  # the next batch
    assert (second.populations, second.published) == (1, 5)
    assert sorted(WorkplaceFigures.objects.values_list("npi_on_roster", flat=True)) == [False, True]
