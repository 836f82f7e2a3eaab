"""A clinic's page and its verdict from the API are made once and kept for every worker
(caretime.verdicts.kept_answers, caretime.shared.kept_everywhere): a kept one follows a new
report and a new day as soon as they change what it says, and reads exactly as one made
afresh, in the worker that made it and in another."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from time_machine import TimeMachineFixture

from caretime.api.reports import kept_verdicts
from caretime.core.kept import forget_everything_kept
from caretime.directory.models import Clinic
from caretime.verdicts.actions import record_call_report
from caretime.verdicts.selectors import kept_care_times
from caretime.web.templatetags.kept import KeptNode
from tests.answers import ONE_ON_ONE
from tests.factories import clinic_page, make_clinic, today

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


def seen(clinic: Clinic) -> tuple[str, str, dict[str, object]]:
    """The clinic's page for physical therapy (its verdict, and the page with its CSRF token
    blanked) and its verdict from the API."""
    client = Client()
    page = client.get(clinic_page(clinic.pk, "pt"))
    api = client.get(f"/api/v1/clinics/{clinic.pk}/verdict", {"discipline": "pt"})
    assert page.status_code == api.status_code == 200
    status = page.context["care_time"].assessment.status.value
    return status, _CSRF.sub("", page.content.decode()), json.loads(api.content)


def in_another_worker(clinic: Clinic) -> tuple[str, str, dict[str, object]]:
    """As a worker that kept nothing of its own sees it (what the others kept is in the shared
    cache)."""
    forget_everything_kept()
    return seen(clinic)


def afresh(clinic: Clinic) -> tuple[str, str, dict[str, object]]:
    cache.clear()  # nothing kept by any worker; the generations start anew
    return in_another_worker(clinic)


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Kept PT", latitude=41.9227, longitude=-87.6533)


def test_a_kept_answer_follows_a_new_report(clinic: Clinic) -> None:
    before = seen(clinic)
    assert before[0] == before[2]["status"] == "not_enough_known"
    assert seen(clinic) == before  # now from what this worker kept
    for caller in ("first", "second"):
        record_call_report(clinic=clinic, discipline="pt", called_in=today(), answers=ONE_ON_ONE, reporter_key=caller)
    after = seen(clinic)
    assert after[0] == after[2]["status"] == "meets_bar"
    assert after[2]["reporters"] == 2
    assert after == afresh(clinic)


def test_a_kept_answer_follows_the_day(clinic: Clinic, clock: TimeMachineFixture) -> None:
    for caller in ("first", "second"):
        record_call_report(clinic=clinic, discipline="pt", called_in=today(), answers=ONE_ON_ONE, reporter_key=caller)
    before = seen(clinic)
    assert before[0] == before[2]["status"] == "meets_bar"
    assert seen(clinic) == before
    clock.shift(timedelta(days=4 * 365))  # nothing written: the two calls have aged
    after = seen(clinic)
    assert after[0] == after[2]["status"] != "meets_bar"
    assert after == afresh(clinic)


def test_what_one_worker_made_serves_another_without_reading_the_evidence(
    clinic: Clinic, django_assert_max_num_queries: Any
) -> None:
    for caller in ("first", "second"):
        record_call_report(clinic=clinic, discipline="pt", called_in=today(), answers=ONE_ON_ONE, reporter_key=caller)
    first = seen(clinic)
    kept_care_times.clear()
    kept_verdicts.clear()
    with django_assert_max_num_queries(3):  # the generation and the two kept answers from the shared cache
        answer = Client().get(f"/api/v1/clinics/{clinic.pk}/verdict", {"discipline": "pt"})
    assert json.loads(answer.content) == first[2]
    assert in_another_worker(clinic) == first == afresh(clinic)


def test_a_clinic_page_one_worker_made_is_another_workers_without_rendering_it_again(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch, shared_redis: None
) -> None:
    """On Redis the page's costliest parts are shared too: a worker that kept nothing renders
    none of them again, and its page reads as the first one did."""
    for caller in ("first", "second"):
        record_call_report(clinic=clinic, discipline="pt", called_in=today(), answers=ONE_ON_ONE, reporter_key=caller)
    first = seen(clinic)
    rendered: list[str] = []
    record = KeptNode._record

    def recording(node: KeptNode, *args: Any) -> tuple[str, ...]:
        if node.named is not node:  # a part kept for every worker (the others: per worker)
            rendered.append(repr(node.named))
        return record(node, *args)

    monkeypatch.setattr(KeptNode, "_record", recording)
    assert in_another_worker(clinic) == first
    assert rendered == []
    assert afresh(clinic) == first
    assert len(rendered) >= 5, "afresh, the clinic's parts are rendered again"


def test_a_shared_cache_that_refuses_writes_leaves_pages_answered(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A full Redis (run without eviction) refuses writes: sharing what a worker made is only a
    saving, so the clinic's page and verdict are answered as afresh, and the refusal is logged."""
    expected = afresh(clinic)
    cache.clear()

    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionError("OOM command not allowed when used memory > 'maxmemory'")

    monkeypatch.setattr(cache, "set", refuse)
    monkeypatch.setattr(cache, "set_many", refuse)
    assert in_another_worker(clinic) == expected
    assert "Could not share a kept care-times" in caplog.text
