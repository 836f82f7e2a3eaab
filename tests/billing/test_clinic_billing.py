"""What a patient and an API client see of the billing figures, and the verdict evidence."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from caretime.billing.models import ClinicBillingYear, ClinicianBillingYear, MedicareServiceLine
from caretime.billing.selectors import CAVEATS, billing_evidence
from caretime.core.billing import BILLING_EVIDENCE_WEIGHT
from caretime.core.evidence import EvidenceSource
from caretime.core.npi import make_npi
from caretime.directory.models import Clinic
from caretime.verdicts.actions import compute_billing_indicators
from tests.factories import CLAIMS_YEAR, add_therapist, make_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def mill(chicago_clinics: dict[str, Clinic]) -> Clinic:
    """Two therapists: 2.1 and 2.1 timed units per visit, heavy group therapy.

    By hand (each on this clinic's roster only, so counted whole):
      first:  97110 2,100 units on 1,000 days + 97150 600 on 600 days (100 patients)
      second: 97110 1,050 units on 500 days + 97150 400 on 400 days (50 patients)
      visits at least 1,000 + 500 = 1,500; at most (1,000 + 600) + (500 + 400) = 2,500
      timed units 3,150 -> 3,150 / 1,500 = 2.1 at most, 3,150 / 2,500 = 1.26 at least
      -> an average visit had at least floor(15 x 1.26 - 7) = floor(11.9) = 11 minutes
      group 1,000 of 3,150 + 1,000 = 4,150 services = 24 %; 1,000 / 2,500 = 40 % to
      1,000 / 1,500 = 67 % of visits had a group session
      no evaluation rows: possibly suppressed
    Six peer clinics, one PT each, 3.0-3.5 units per visit on 1,000 visits, no group."""
    clinic = chicago_clinics["near"]
    add_therapist(clinic, 111_111_111, units=2.1, group_visits=600)
    add_therapist(clinic, 111_111_112, units=2.1, group_visits=400, visits=500, patients=50)
    for i in range(6):  # peers in the same state with less group therapy
        add_therapist(make_clinic(f"Peer {i}", latitude=41.9, longitude=-87.6), 120_000_000 + i, units=3.0 + i / 10)
    compute_billing_indicators(year=CLAIMS_YEAR)
    return clinic


def test_clinic_page_shows_figures_in_plain_words_with_every_caveat(client: Client, mill: Clinic) -> None:
    page = client.get(f"/clinics/{mill.pk}/").content.decode()
    assert "What Medicare billing shows" in page
    assert (
        "Medicare claims show between 1.3 and 2.1 timed units per visit (the claims do not say which codes were "
        "billed on the same day), so an average visit had at least 11 minutes of one-on-one treatment if billed "
        "correctly, lower than 9 in 10 other clinics in IL (units per visit; 6 clinics compared)."
    ) in page
    figures = ClinicBillingYear.objects.get(clinic=mill)
    assert figures.group_share == pytest.approx(1_000 / 4_150)
    assert (
        "24 % of services were billed as group therapy, higher than 9 in 10 other clinics in IL (group share; "
        "6 clinics compared); that is between 40% and 67% of visits with a group session."
    ) in page
    # 1,500 visits against 1,000 at each of the six others: above all of them
    assert (
        "Based on 2 clinicians and between 1,500 and 2,500 Medicare visits in 2022, higher than 9 in 10 other "
        "clinics in IL (visit volume; 6 clinics compared)."
    ) in page
    assert "CMS leaves out any code billed to fewer than 11 patients" in page  # no evaluation rows
    for caveat in CAVEATS:
        assert str(caveat).replace("'", "&#x27;") in page


def test_clinic_without_billing_says_so_without_judging(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    page = client.get(f"/clinics/{chicago_clinics['far'].pk}/").content.decode()
    assert "No Medicare billing figures for this clinic" in page
    assert "says nothing good or bad" in page


def test_clinicians_under_eleven_patients_are_never_shown(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["mid"]
    add_therapist(clinic, 130_000_000, units=4.0, patients=10, visits=50)
    compute_billing_indicators(year=CLAIMS_YEAR)
    assert not ClinicBillingYear.objects.filter(clinic=clinic).exists()
    assert ClinicianBillingYear.objects.get(npi=make_npi(130_000_000)).timed_units_per_visit_percentile is None
    assert "No Medicare billing figures" in client.get(f"/clinics/{clinic.pk}/").content.decode()


def test_roster_link_comes_first_then_the_address(chicago_clinics: dict[str, Clinic]) -> None:
    by_address = chicago_clinics["far"]  # 1 Test St, 60201
    add_therapist(None, 140_000_000, units=3.0, street="1 TEST STREET", zip5="60201")
    add_therapist(None, 140_000_001, units=3.0, street="2 Other St", zip5="60201")
    summary = compute_billing_indicators(year=CLAIMS_YEAR)
    figures = ClinicBillingYear.objects.get(clinic=by_address)
    assert (figures.clinicians, figures.linked_by) == (1, "address")
    assert (summary.linked_by_address, summary.unlinked_clinicians) == (1, 1)


def test_api_gives_the_same_figures_and_caveats(client: Client, mill: Clinic) -> None:
    body = client.get(f"/api/v1/clinics/{mill.pk}/billing").json()
    assert body["caveats"] == [str(caveat) for caveat in CAVEATS]
    [figure] = body["figures"]
    assert figure["year"] == CLAIMS_YEAR
    assert (figure["clinicians"], figure["shared_clinicians"], figure["peer_clinics"]) == (2, 0, 6)
    # by hand in the mill fixture: 1,500-2,500 visits, 3,150 timed units, 1,000 group of 4,150 services
    assert (figure["visits"], figure["visits_high"]) == (1_500, 2_500)
    assert figure["timed_units_per_visit"] == pytest.approx(2.1)
    assert figure["timed_units_per_visit_low"] == pytest.approx(1.26)
    assert figure["average_one_on_one_minutes_at_least"] == 11
    assert figure["group_share"] == pytest.approx(0.241, abs=1e-4)
    assert figure["group_visit_share"] == pytest.approx([0.4, 0.6667])
    assert figure["possibly_suppressed"] is True
    assert figure["group_share_percentile"] == 100.0  # above each of the 6 other clinics
    assert figure["timed_units_per_visit_percentile"] == 0.0  # below each of them
    assert figure["summary"][0].startswith("Medicare claims show between 1.3 and 2.1 timed units per visit")


def test_api_for_an_unknown_clinic_is_a_404_in_the_error_shape(client: Client, db: None) -> None:
    response = client.get("/api/v1/clinics/999999/billing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_heavy_group_therapy_is_low_weight_evidence_of_shared_care(mill: Clinic) -> None:
    [evidence] = billing_evidence(mill, "pt")
    assert evidence.source is EvidenceSource.BILLING
    assert evidence.shared is True
    # the low end of units per visit, 3,150 / 2,500 = 1.26: floor(15 x 1.26 - 7) = 11
    assert evidence.one_on_one_minutes == 11
    assert evidence.minutes_are_lower_bound is True
    assert evidence.weight == BILLING_EVIDENCE_WEIGHT < 1.0
    assert evidence.observed_on == date(CLAIMS_YEAR, 12, 31)
    assert "2 clinicians" in str(evidence.summary)


def test_little_group_therapy_says_nothing_about_sharing(chicago_clinics: dict[str, Clinic]) -> None:
    clinic = chicago_clinics["near"]
    add_therapist(clinic, 150_000_000, units=3.4, group_visits=50)  # 50 / 3450: 1.4 %
    compute_billing_indicators(year=CLAIMS_YEAR)
    [evidence] = billing_evidence(clinic, "pt")
    assert evidence.shared is None  # unshared care is not proven by billing
    # 3,400 units over at most 1,000 + 50 visits = 3.238 per visit: floor(15 x 3.238 - 7) = floor(41.57) = 41
    assert evidence.one_on_one_minutes == 41
    assert billing_evidence(clinic, "ot") == []


def test_state_picture_page_draws_a_chart_and_a_table(client: Client, mill: Clinic) -> None:
    response = client.get("/data/states/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="box-chart"' in page
    assert '<title id="units-chart-title">Timed units per visit, by state</title>' in page
    assert '<th scope="row">IL</th><td>8</td>' in page
    assert "style=" not in page  # the CSP forbids inline styles
    assert "<script" not in page


def test_state_picture_api(client: Client, mill: Clinic) -> None:
    body = client.get("/api/v1/billing/states?discipline=pt").json()
    assert body["year"] == CLAIMS_YEAR
    [illinois] = body["states"]
    assert illinois["state"] == "IL"
    assert illinois["clinicians"] == 8
    assert illinois["timed_units_per_visit"]["median"] == pytest.approx((3.1 + 3.2) / 2)
    assert illinois["share_of_clinicians_above_group_threshold"] == pytest.approx(2 / 8)
    assert body["caveats"] == [str(caveat) for caveat in CAVEATS]


def test_state_picture_when_nothing_is_loaded(client: Client, db: None) -> None:
    page = client.get("/data/states/").content.decode()
    assert "No Medicare billing data is loaded yet" in page
    assert client.get("/api/v1/billing/states").json()["states"] == []


def test_state_picture_refuses_bad_input_with_a_400(client: Client, db: None) -> None:
    assert client.get("/data/states/?discipline=xyz").status_code == 400
    response = client.get("/api/v1/billing/states?discipline=xyz")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


def test_small_and_zero_group_shares_are_never_shown_as_a_bare_zero(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    none, little = chicago_clinics["near"], chicago_clinics["mid"]
    add_therapist(none, 160_000_000, units=3.0)
    add_therapist(little, 160_000_001, units=3.0, group_visits=10)  # 10 / 3010 services: 0.3 %
    compute_billing_indicators(year=CLAIMS_YEAR)
    assert "No services were billed as group therapy." in client.get(f"/clinics/{none.pk}/").content.decode()
    assert "0.3 % of services were billed as group therapy" in client.get(f"/clinics/{little.pk}/").content.decode()


def test_billing_endpoints_are_documented_in_the_openapi_schema(client: Client, db: None) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/clinics/{clinic_id}/billing" in paths
    assert "/api/v1/billing/states" in paths


def test_demo_clinicians_are_never_peers_of_real_ones(client: Client, mill: Clinic) -> None:
    demo_clinic = make_clinic("Demo PT", latitude=41.9, longitude=-87.6, is_demo=True)
    npi = add_therapist(demo_clinic, 170_000_000, units=9.0)
    MedicareServiceLine.objects.filter(npi=npi).update(is_demo=True)
    compute_billing_indicators(year=CLAIMS_YEAR)
    demo = ClinicianBillingYear.objects.get(npi=npi)
    # alone among demo peers: no one else to compare with, so no percentile
    assert (demo.is_demo, demo.timed_units_per_visit_percentile) == (True, None)
    real_top = ClinicianBillingYear.objects.filter(is_demo=False).order_by("-timed_units_per_visit").first()
    assert real_top is not None
    assert real_top.timed_units_per_visit == pytest.approx(3.5)  # not the demo 9.0
    assert real_top.timed_units_per_visit_percentile == 100.0  # above all 7 other real PTs
    demo_figures = ClinicBillingYear.objects.get(clinic=demo_clinic)
    assert (demo_figures.peer_clinics, demo_figures.timed_units_per_visit_percentile) == (0, None)
    body = client.get("/api/v1/billing/states").json()
    assert (body["clinicians"], body["is_demo"]) == (8, False)  # real claims loaded: demo left out
