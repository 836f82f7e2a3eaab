"""The billing and clinicians' sentences read in the reader's language: each sentence is one
message, worded whole when shown, so under a Spanish catalogue no English piece is left in it.

The catalogue is a small one written here (tests.catalogue), so that the test holds whatever
the shipped catalogue holds at the time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from caretime.billing import selectors
from caretime.billing.charts import box_chart
from caretime.billing.models import ClinicBillingYear
from caretime.billing.selectors import StateRow, billing_evidence
from caretime.core import billing as core
from caretime.core import wording, workplace
from caretime.core.billing import Distribution
from caretime.core.evidence import Evidence
from caretime.core.workplace import Booking, WorkplaceFigures, workplace_evidence
from caretime.directory.models import Clinic
from caretime.reviews.models import ReviewDecision
from caretime.verdicts.actions import compute_billing_indicators
from tests.catalogue import Messages, spanish_catalogue
from tests.factories import CLAIMS_YEAR, add_therapist, make_clinic

_PEERS = ", %(peer)s otras clínicas de %(state)s (%(what)s; %(peers)s clínicas comparadas)"
_UNITS_ES = (
    "Las facturas de Medicare muestran %(units)s unidades con tiempo por visita (las facturas no dicen qué "
    "códigos se facturaron el mismo día), así que una visita media tuvo al menos %(count)s {minutes} de "
    "tratamiento individual si se facturó bien"
)
_TOO_FEW_ES = (
    "Las facturas de Medicare muestran %(units)s unidades con tiempo por visita (las facturas no dicen qué "
    "códigos se facturaron el mismo día), muy pocas para mostrar un mínimo de minutos individuales"
)
_GROUP_ES = "El %(share)s de los servicios se facturó como terapia de grupo{peers}; es decir, %(visits)s de las visitas tuvieron una sesión de grupo."
_VISITS_ES = "Cada paciente de Medicare tuvo unas %(count)s {visits} en %(year)s"
_BASED_ES = "Según %(count)s {who} y %(visits)s visitas de Medicare en %(year)s"
_BASED_SHARED_ES = (
    "Según %(count)s profesional (también en las listas de otras clínicas, contado aquí en parte) y %(visits)s "
    "visitas de Medicare en %(year)s",
    "Según %(count)s profesionales (%(shared)s de ellos también en las listas de otras clínicas, contados aquí en "
    "parte) y %(visits)s visitas de Medicare en %(year)s",
)
_WORKERS_ES = (
    "%(count)s informe con un NPI de la lista de la clínica dice %(patients)s por terapeuta y hora; {booking}",
    "%(count)s informes con un NPI de la lista de la clínica dicen %(patients)s por terapeuta y hora; {booking}",
)
_BOOKING_ES = {
    Booking.NEVER: "nunca hay citas dobles",
    Booking.SOME_DAYS: "algunos días hay citas dobles",
    Booking.MOST_DAYS: "casi todos los días hay citas dobles",
    Booking.EVERY_DAY: "todos los días hay citas dobles",
}


def _compared(sentence: str, what: str) -> str:
    return sentence + _PEERS.replace("%(what)s", what) + "."


SPANISH: Messages = {
    selectors._UNITS: (
        _UNITS_ES.format(minutes="minuto") + ".",
        _UNITS_ES.format(minutes="minutos") + ".",
    ),
    selectors._UNITS_COMPARED: (
        _compared(_UNITS_ES.format(minutes="minuto"), "unidades por visita"),
        _compared(_UNITS_ES.format(minutes="minutos"), "unidades por visita"),
    ),
    selectors._UNITS_TOO_FEW: _TOO_FEW_ES + ".",
    selectors._UNITS_TOO_FEW_COMPARED: _compared(_TOO_FEW_ES, "unidades por visita"),
    selectors._SPEECH_UNTIMED: (
        "La terapia del habla se factura sobre todo con códigos sin tiempo, así que estas facturas no muestran "
        "cuántos minutos duró una visita."
    ),
    selectors._ALMOST_NO_TIMED: (
        "Casi no se facturaron unidades con tiempo, así que estas facturas no muestran cuántos minutos duró una visita."
    ),
    selectors._GROUP: _GROUP_ES.format(peers=""),
    selectors._GROUP_COMPARED: _GROUP_ES.format(peers=_PEERS.replace("%(what)s", "parte de grupo")),
    selectors._NO_GROUP: "Ningún servicio se facturó como terapia de grupo.",
    selectors._VISITS_PER_PATIENT: (
        _VISITS_ES.format(visits="visita") + ".",
        _VISITS_ES.format(visits="visitas") + ".",
    ),
    selectors._VISITS_PER_PATIENT_COMPARED: (
        _compared(_VISITS_ES.format(visits="visita"), "visitas por paciente"),
        _compared(_VISITS_ES.format(visits="visitas"), "visitas por paciente"),
    ),
    selectors._BASED_ON: (_BASED_ES.format(who="profesional") + ".", _BASED_ES.format(who="profesionales") + "."),
    selectors._BASED_ON_COMPARED: (
        _compared(_BASED_ES.format(who="profesional"), "volumen de visitas"),
        _compared(_BASED_ES.format(who="profesionales"), "volumen de visitas"),
    ),
    selectors._BASED_ON_SHARED: (_BASED_SHARED_ES[0] + ".", _BASED_SHARED_ES[1] + "."),
    selectors._BASED_ON_SHARED_COMPARED: (
        _compared(_BASED_SHARED_ES[0], "volumen de visitas"),
        _compared(_BASED_SHARED_ES[1], "volumen de visitas"),
    ),
    selectors._POSSIBLY_SUPPRESSED: (
        "Pueden faltar filas de estos profesionales: CMS omite todo código facturado a menos de 11 pacientes, así "
        "que la terapia de grupo puede ser más común de lo que se ve, y las unidades por visita más o menos."
    ),
    selectors._ABOUT: "unas %(value)s",
    selectors._BETWEEN: "entre %(low)s y %(high)s",
    selectors._EVIDENCE_WITH_MINUTES: (
        "Facturas de Medicare de %(year)s (%(count)s profesional, al menos %(visits)s visitas): de media al menos "
        "%(minutes)s minutos individuales por visita según lo facturado; %(share)s de los servicios como grupo",
        "Facturas de Medicare de %(year)s (%(count)s profesionales, al menos %(visits)s visitas): de media al menos "
        "%(minutes)s minutos individuales por visita según lo facturado; %(share)s de los servicios como grupo",
    ),
    selectors._EVIDENCE: (
        "Facturas de Medicare de %(year)s (%(count)s profesional, al menos %(visits)s visitas): %(share)s de los "
        "servicios como grupo",
        "Facturas de Medicare de %(year)s (%(count)s profesionales, al menos %(visits)s visitas): %(share)s de los "
        "servicios como grupo",
    ),
    "higher than 9 in 10": "más que 9 de cada 10",
    "lower than 9 in 10": "menos que 9 de cada 10",
    "higher than about %(tenths)s in 10": "más que unas %(tenths)s de cada 10",
    (
        "%(state)s: median %(median)s, middle half %(low)s to %(high)s, %(count)s clinician",
        "%(state)s: median %(median)s, middle half %(low)s to %(high)s, %(count)s clinicians",
    ): (
        "%(state)s: mediana %(median)s, mitad central de %(low)s a %(high)s, %(count)s profesional",
        "%(state)s: mediana %(median)s, mitad central de %(low)s a %(high)s, %(count)s profesionales",
    ),
    **{
        forms: (_WORKERS_ES[0].format(booking=_BOOKING_ES[b]), _WORKERS_ES[1].format(booking=_BOOKING_ES[b]))
        for b, forms in workplace.EVIDENCE_SUMMARIES.items()
    },
    "3-4 patients": "3-4 pacientes",
    "the clinic's roster of clinicians": "la lista de profesionales de la clínica",
    "A copy or near copy of another review": "Una copia o casi copia de otra reseña",
    "Not recommended": "No recomendada",
    "Nearly the same text as another review": "Casi el mismo texto que otra reseña",
}

# English words of the sentences above that Spanish never uses: one of them in a Spanish
# sentence is a piece left untranslated.
ENGLISH = frozenset(
    [
        "about",
        "between",
        "and",
        "higher",
        "lower",
        "than",
        "other",
        "clinics",
        "clinic",
        "compared",
        "visit",
        "visits",
        "clinician",
        "clinicians",
        "minute",
        "minutes",
        "of",
        "the",
        "in",
        "so",
        "share",
        "group",
        "therapy",
        "services",
        "billed",
        "reports",
        "report",
        "says",
        "say",
        "per",
        "hour",
        "never",
        "days",
        "median",
        "middle",
        "half",
        "to",
        "patients",
        "patient",
        "claims",
        "show",
        "timed",
        "units",
        "too",
        "few",
        "least",
        "some",
        "rows",
        "may",
        "be",
        "missing",
        "volume",
        "speech",
        "almost",
        "were",
        "was",
        "each",
        "had",
        "based",
        "on",
        "also",
        "rosters",
        "counted",
        "here",
        "part",
        "copy",
        "near",
        "review",
        "not",
        "recommended",
        "nearly",
        "same",
        "text",
        "another",
        "double",
        "booked",
        "every",
    ]
)


def _english_in(sentence: str) -> set[str]:
    return {word for word in re.findall(r"[^\W\d_]+", sentence) if word.lower() in ENGLISH}


@pytest.fixture
def spanish(tmp_path: Path) -> Iterator[None]:
    with spanish_catalogue(tmp_path, SPANISH), translation.override("es"):
        yield


def _row(**changes: object) -> ClinicBillingYear:
    """A clinic's figures, unsaved: only what the sentences read of them."""
    fields: dict[str, object] = {
        "year": 2023,
        "discipline": "pt",
        "state": "IL",
        "clinicians": 2,
        "shared_clinicians": 0,
        "visits": 1_500.0,
        "visits_high": 2_500.0,
        "beneficiaries": 150,
        "timed_units_per_visit": 2.1,
        "timed_units_per_visit_low": 1.26,
        "group_days": 1_000.0,
        "group_share": 0.24,
        "visits_per_beneficiary": 10.0,
        "peer_clinics": 0,
        "linked_by": ClinicBillingYear.LinkedBy.ROSTER,
        "possibly_suppressed": False,
    }
    return ClinicBillingYear(**{**fields, **changes})


_COMPARED = {
    "peer_clinics": 6,
    "timed_units_per_visit_percentile": 5.0,
    "group_share_percentile": 95.0,
    "visits_per_beneficiary_percentile": 71.0,
    "visits_percentile": 50.0,
}

# Every kind of sentence: with and without comparisons, one and many, each ending of the minutes.
ROWS = {
    "compared": _row(**_COMPARED),
    "not compared": _row(),
    "compared, shared, suppressed": _row(**_COMPARED, shared_clinicians=1, possibly_suppressed=True),
    "one clinician, shared": _row(clinicians=1, shared_clinicians=1, visits_per_beneficiary=1.0),
    "one clinician, compared": _row(**_COMPARED, clinicians=1, shared_clinicians=1),
    "too few units": _row(timed_units_per_visit=0.6, timed_units_per_visit_low=0.5, group_share=0.0),
    "too few units, compared": _row(**_COMPARED, timed_units_per_visit=0.6, timed_units_per_visit_low=0.5),
    "one minute": _row(timed_units_per_visit=0.6, timed_units_per_visit_low=0.54),
    "speech": _row(discipline="slp"),
    "no timed units": _row(timed_units_per_visit=0.1, timed_units_per_visit_low=0.1),
    "bounds that meet": _row(visits_high=1_500.0, timed_units_per_visit_low=2.1),
}


@pytest.mark.usefixtures("spanish")
@pytest.mark.parametrize("name", ROWS)
def test_every_billing_sentence_reads_in_spanish_with_nothing_left_in_english(name: str) -> None:
    figures = selectors._describe(ROWS[name])
    for sentence in figures.sentences:
        worded = str(sentence)
        assert worded != sentence.render(wording.ENGLISH)
        assert not _english_in(worded), worded


def test_the_sentences_keep_their_english_without_a_catalogue() -> None:
    sentences = [str(s) for s in selectors._describe(ROWS["compared, shared, suppressed"]).sentences]
    assert sentences[0] == (
        "Medicare claims show between 1.3 and 2.1 timed units per visit (the claims do not say which codes were "
        "billed on the same day), so an average visit had at least 11 minutes of one-on-one treatment if billed "
        "correctly, lower than 9 in 10 other clinics in IL (units per visit; 6 clinics compared)."
    )
    assert sentences[2] == (
        "Each Medicare patient had about 10 visits in 2023, higher than about 7 in 10 other clinics in IL (visits "
        "per patient; 6 clinics compared)."
    )
    assert sentences[3] == (
        "Based on 2 clinicians (1 of them also on other clinics' rosters, counted here in part) and between 1,500 "
        "and 2,500 Medicare visits in 2023, higher than about 5 in 10 other clinics in IL (visit volume; 6 clinics "
        "compared)."
    )
    one = [str(s) for s in selectors._describe(ROWS["one clinician, shared"]).sentences]
    assert "Each Medicare patient had about 1 visit in 2023." in one
    assert (
        "Based on 1 clinician (also on other clinics' rosters, counted here in part) and between 1,500 and 2,500 "
        "Medicare visits in 2023." in one
    )
    minute = str(selectors._describe(ROWS["one minute"]).sentences[0])
    assert "at least 1 minute of one-on-one treatment" in minute


@pytest.mark.usefixtures("spanish")
def test_a_sentence_is_worded_when_shown_in_the_language_of_the_moment() -> None:
    sentence = selectors._describe(ROWS["compared"]).sentences[0]
    assert str(sentence).startswith("Las facturas de Medicare muestran entre 1.3 y 2.1 unidades con tiempo")
    assert "menos que 9 de cada 10 otras clínicas de IL (unidades por visita; 6 clínicas comparadas)." in str(sentence)
    with translation.override("en"):
        assert str(sentence).startswith("Medicare claims show between 1.3 and 2.1 timed units per visit")


@pytest.fixture
def mill(chicago_clinics: dict[str, Clinic]) -> Clinic:
    """Two therapists with heavy group therapy, and six peer clinics in the state to compare with."""
    clinic = chicago_clinics["near"]
    add_therapist(clinic, 111_111_111, units=2.1, group_visits=600)
    add_therapist(clinic, 111_111_112, units=2.1, group_visits=400, visits=500, patients=50)
    for i in range(6):
        add_therapist(make_clinic(f"Peer {i}", latitude=41.9, longitude=-87.6), 120_000_000 + i, units=3.0 + i / 10)
    compute_billing_indicators(year=CLAIMS_YEAR)
    return clinic


@pytest.mark.usefixtures("spanish")
def test_the_spanish_clinic_page_shows_the_figures_in_spanish(client: Client, mill: Clinic) -> None:
    page = client.get(f"/es/clinics/{mill.pk}/").content.decode()
    assert (
        "El 24 % de los servicios se facturó como terapia de grupo, más que 9 de cada 10 otras clínicas de IL "
        "(parte de grupo; 6 clínicas comparadas); es decir, entre 40% y 67% de las visitas tuvieron una sesión de grupo."
    ) in page
    assert "Según 2 profesionales y entre 1,500 y 2,500 visitas de Medicare en 2022" in page
    assert "la lista de profesionales de la clínica" in page  # how the clinicians were linked
    assert "clinics compared" not in page
    assert "timed units per visit" not in page


@pytest.mark.usefixtures("spanish")
def test_the_api_words_the_figures_in_the_requests_language(client: Client, mill: Clinic) -> None:
    spanish = client.get(f"/api/v1/clinics/{mill.pk}/billing", HTTP_ACCEPT_LANGUAGE="es").json()
    [figure] = spanish["figures"]
    assert figure["summary"][1].startswith("El 24 % de los servicios se facturó como terapia de grupo")
    assert not any(_english_in(sentence) for sentence in figure["summary"])
    english = client.get(f"/api/v1/clinics/{mill.pk}/billing", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["figures"][0]["summary"][1].startswith("24 % of services were billed as group therapy")


@pytest.mark.usefixtures("spanish")
def test_the_state_chart_titles_its_boxes_in_spanish(client: Client, mill: Clinic) -> None:
    page = client.get("/es/data/states/").content.decode()
    assert "IL: mediana " in page
    assert "profesionales</title>" in page
    assert "IL: median " not in page


@pytest.mark.usefixtures("spanish")
def test_a_box_title_is_worded_when_shown() -> None:
    spread = Distribution(count=5, low=1.0, first_quartile=2.0, median=2.5, third_quartile=3.0, high=4.0)
    row = StateRow("IL", 5, spread, spread, 0.0)
    chart = box_chart([row], lambda r: r.units_per_visit, fmt=lambda v: f"{v:.1f}")
    assert chart is not None
    assert str(chart.boxes[0].title) == "IL: mediana 2.5, mitad central de 2.0 a 3.0, 5 profesionales"


@pytest.mark.usefixtures("spanish")
def test_the_billing_evidence_summary_reads_in_spanish(mill: Clinic) -> None:
    [evidence] = billing_evidence(mill, "pt")
    assert str(evidence.summary) == (
        f"Facturas de Medicare de {CLAIMS_YEAR} (2 profesionales, al menos 1,500 visitas): de media al menos 11 "
        "minutos individuales por visita según lo facturado; 24 % de los servicios como grupo"
    )


@pytest.mark.usefixtures("spanish")
def test_peer_words_read_in_spanish() -> None:
    assert [str(core.peer_words(p)) for p in (95, 5, 71)] == [
        "más que 9 de cada 10",
        "menos que 9 de cada 10",
        "más que unas 7 de cada 10",
    ]


def _workplace(booking: Booking, reporters: int = 5) -> Evidence:
    figures = WorkplaceFigures(
        reporters=reporters,
        npi_on_roster=True,
        typical_per_hour=3.5,
        peak_per_hour=4.0,
        slot_minutes=30,
        booking=booking,
        quota_percent=90,
        unpaid_documentation_minutes=30,
        aides_skilled_care_share=0.5,
        recommend_share=0.2,
        experience_year=2025,
        first_published=date(2026, 1, 1),
        last_published=date(2026, 1, 1),
    )
    evidence = workplace_evidence(figures)
    assert evidence is not None
    return evidence


@pytest.mark.usefixtures("spanish")
@pytest.mark.parametrize("booking", list(Booking))
def test_the_worker_report_summary_reads_in_spanish_whatever_the_booking(booking: Booking) -> None:
    summary = str(_workplace(booking).summary)
    assert summary == (
        "5 informes con un NPI de la lista de la clínica dicen 3-4 pacientes por terapeuta y hora; "
        + _BOOKING_ES[booking]
    )
    assert not _english_in(summary)


def test_the_worker_report_summary_keeps_its_english() -> None:
    assert str(_workplace(Booking.MOST_DAYS).summary) == (
        "5 reports with an NPI on the clinic's roster say 3-4 patients per therapist per hour; double-booked most days"
    )


@pytest.mark.usefixtures("spanish")
def test_moderation_reasons_and_states_read_in_spanish() -> None:
    decision = ReviewDecision(rule="duplicate", to_state="not_recommended", hold_reason="near_duplicate")
    assert decision.get_rule_display() == "Una copia o casi copia de otra reseña"
    assert decision.get_to_state_display() == "No recomendada"
    assert decision.get_hold_reason_display() == "Casi el mismo texto que otra reseña"
