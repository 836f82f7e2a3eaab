"""Pages that show verdicts: search results, the clinic page, the verdict and what to do next,
ask before booking, letters, compare, and the person's bar. Each view fetches, validates,
calls a selector or service, and renders what it passes; templates do not query."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caretime.accounts.auth import signed_in_user
from caretime.core.calls import TOLD_HEADLINES, TOLD_NEXT_STEPS, goes_elsewhere, told_on_a_call
from caretime.core.geo import distance_miles
from caretime.core.places import PlaceNotFound, resolve_place
from caretime.core.verdict import Bar
from caretime.datasets.freshness import missing_from
from caretime.directory.coverage import nothing_found
from caretime.directory.forms import ClinicSearchForm
from caretime.directory.models import Clinic, DisciplineChoices, InsurancePlan
from caretime.directory.search_cache import directory_generation
from caretime.directory.shortcuts import clinic_and_discipline, listed_clinic_or_404
from caretime.reports.forms import CompareForm
from caretime.reports.letters import (
    LETTER_MAX_CHARS,
    MAILTO_MAX_CHARS,
    LetterTextForm,
    letters_for,
    not_interested,
    sms_link,
    sms_start,
    too_long_for_mailto,
)
from caretime.reports.script import call_script
from caretime.shared.evidence_generation import EVIDENCE
from caretime.verdicts.bar import (
    BarForm,
    bar_from_session,
    clinic_page_url,
    origin_query,
    remember_search,
    save_bar,
    search_context,
    search_place,
    search_radius,
)
from caretime.verdicts.cards import result_cards
from caretime.verdicts.clinic_page import clinic_page_facts
from caretime.verdicts.report_pages import last_call
from caretime.verdicts.selectors import (
    DisciplineCareTime,
    alternatives_for,
    care_time_for,
    clinic_care_time,
    compare_clinics,
    search_with_verdicts,
)

# The "only clinics that meet my bar" box; the parameters of the sort and the one-on-one
# filter it replaced, which the results page reads no more and drops from its own links.
ONLY_MEETING = "meets_bar"
_OLD_PARAMETERS = ("sort", "only_minutes", "include_unknown")


def clinic_search(request: HttpRequest) -> HttpResponse:
    """Clinics near a place, those that meet the person's bar first. The parameters of older
    links (``sort=``, ``only_minutes=``) are ignored: the page they land on answers the
    question they asked, and a bookmark should not break."""
    form = ClinicSearchForm.from_query(request.GET)
    if not form.is_valid():
        return render(request, "verdicts/results.html", {"form": form}, status=400)
    page_number = _page_number(request)
    if page_number is None:
        return render(request, "verdicts/results.html", {"form": form, "page_error": True}, status=400)
    search = form.to_search()
    bar = bar_from_session(request)
    remember_search(request, search.radius_miles, form.cleaned_data["near"])
    generation = directory_generation()  # before the clinics are read: their listing is this one's or newer
    results = search_with_verdicts(
        search,
        bar=bar,
        as_of=timezone.now().date(),
        page=page_number,
        only_meeting=request.GET.get(ONLY_MEETING) == "1",
    )
    if page_number > results.page_count:
        # "Page 99 of 4" with an empty list helps no one: a 404 that links to the last page.
        context = {"form": form, "page_error": True, "last_page": results.page_count}
        query = _query_without(request, *_OLD_PARAMETERS)
        return render(request, "verdicts/results.html", {**context, "query": query}, status=404)
    kept = origin_query(
        form.cleaned_data["near"],
        search.radius_miles,
        discipline=form.cleaned_data["discipline"],
        insurance=form.cleaned_data["insurance"],
    )
    return render(
        request,
        "verdicts/results.html",
        {
            "form": form,
            "place": form.place,
            "results": results,
            "cards": _placed(result_cards(results, generation, kept)),
            "no_results": None if results.total else nothing_found(search),
            "query": _query_without(request, *_OLD_PARAMETERS),
            "filter_inputs": _hidden_inputs(_query_without(request, ONLY_MEETING, *_OLD_PARAMETERS)),
            "only_meeting_param": ONLY_MEETING,
            "origin_query": kept,
            "context_inputs": _hidden_inputs(kept),
            "bar_form": BarForm.for_bar(bar, request.get_full_path()),
        },
    )


# The results page places its cards and hidden fields as written here, each as the template's
# loop over them wrote it: a loop of twenty cards and two of hidden fields were most of the
# template nodes the page rendered on each request.
def _placed(cards: list[SafeString]) -> SafeString:
    return mark_safe("".join(f"\n    {card}\n    " for card in cards))  # each card is escaped HTML


def _hidden_inputs(query: str) -> SafeString:
    return format_html_join("", '<input type="hidden" name="{}" value="{}">', _hidden_fields(query))


def clinic_detail(request: HttpRequest, clinic_id: int) -> HttpResponse:
    """The answer first: under the clinic's name, the verdict for the person's therapy and bar
    with its one next step; then what that step needs (clinics that meet the bar, the call
    script, or how to book); then "been here?"; then the evidence behind it all."""
    generation = directory_generation()  # before the clinic is read: its listing is this one's or newer
    evidence = EVIDENCE.read()  # before anything of the clinic is read, once for all it keeps
    clinic = listed_clinic_or_404(clinic_id)
    bar = bar_from_session(request)
    today = timezone.now().date()
    therapies = clinic_care_time(clinic, bar, as_of=today, evidence=evidence)
    asked = request.GET.get("discipline", "")
    care_time = _chosen_therapy(clinic, therapies, asked, bar, today)
    discipline = care_time.discipline
    call = last_call(request, clinic, discipline)
    told = told_on_a_call(call.as_evidence(), bar, as_of=today) if call else None
    alternatives = None
    if goes_elsewhere(care_time.assessment.status, told):
        place = search_place(request)
        insurance = request.GET.get("insurance", "")
        alternatives = alternatives_for(
            clinic=clinic,
            discipline=discipline,
            bar=bar,
            radius_miles=search_radius(request),
            as_of=today,
            origin=(place.point, place.label) if place else None,
            insurance=insurance if insurance and InsurancePlan.objects.filter(slug=insurance).exists() else None,
            include_unknown=request.GET.get("include_unknown") == "yes",
        )
    message = not_interested(clinic, discipline, care_time.assessment)
    facts = clinic_page_facts(clinic, discipline, today=today, generation=generation, evidence=evidence)
    facts = facts.seen_by(signed_in_user(request))
    return render(
        request,
        "verdicts/clinic.html",
        {
            "clinic": clinic,
            "discipline": discipline,
            "discipline_label": _(DisciplineChoices(discipline).label),
            "asked_not_offered": bool(asked) and asked != discipline,
            "care_time": care_time,
            "other_therapies": [item for item in therapies if item.discipline != discipline],
            "call": call,
            "told": told,
            "told_headline": TOLD_HEADLINES[told] if told else "",
            "told_next_step": TOLD_NEXT_STEPS[told] if told else "",
            # What the person acts on: what they were told on their own call, else the verdict.
            "acting": (told or care_time.assessment.status).value,
            "alternatives": alternatives,
            "not_interested": message,
            "not_interested_sms": sms_link(clinic, message),
            "mailto_max_chars": MAILTO_MAX_CHARS,
            "too_long_for_mailto": too_long_for_mailto(),
            "script": call_script(bar),
            "bar_form": BarForm.for_bar(bar, request.get_full_path()),
            "origin_query": search_context(request, discipline=discipline),
            "search_query": search_context(request),
            "other_therapy_query": search_context(request, discipline=""),
            "from_search": _from_search(request, clinic),
            "freshness": facts.freshness,
            "missing_from": missing_from(clinic, facts.freshness),
            "listing_generation": generation,
            "place_description": facts.place_description,
            "billing_figures": facts.billing,
            "reviews": facts.reviews,
            "reviews_json_ld": facts.reviews_json_ld,
            "side": facts.side,
            "facts_shown_as": facts.shown_as,  # what the parts showing only these facts are kept under
        },
    )


@require_GET
def clinic_verdict(request: HttpRequest, clinic_id: int, discipline: str) -> HttpResponse:
    """The verdict for one therapy is the clinic page for that therapy: one page, so that the
    two can never disagree. Old links keep working."""
    clinic = clinic_and_discipline(clinic_id, discipline)
    return redirect(clinic_page_url(clinic.pk, discipline, request), permanent=True)


@require_http_methods(["GET", "POST"])
def clinic_letters(request: HttpRequest, clinic_id: int, discipline: str) -> HttpResponse:
    """Messages and request letters as text to edit, copy, send or print. ``?print=<letter>``
    is the print view: by GET the letter as written, by POST the letter as the person edited
    it (a form post, so that what they wrote about themselves never lands in a URL or a log)."""
    clinic = clinic_and_discipline(clinic_id, discipline)
    bar = bar_from_session(request)
    care_time = care_time_for(clinic, discipline, bar, as_of=timezone.now().date())
    call = last_call(request, clinic, discipline)
    letters = letters_for(clinic, discipline, care_time.assessment, told=call.summary if call else None)
    chosen = request.GET.get("print")
    errors: dict[str, LetterTextForm] = {}
    if chosen is not None:
        if chosen not in letters:
            raise Http404("No such letter.")
        letter = letters[chosen]
        if request.method == "GET":
            return render(request, "verdicts/letter_print.html", {"clinic": clinic, "letter": letter})
        form = LetterTextForm(request.POST)
        if form.is_valid():
            edited = letter.edited(form.cleaned_data["text"])
            return render(request, "verdicts/letter_print.html", {"clinic": clinic, "letter": edited})
        errors[chosen] = form
        letters[chosen] = letter.edited(request.POST.get("text", "").replace("\x00", "")[: LETTER_MAX_CHARS * 2])
    elif request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    return render(
        request,
        "verdicts/letters.html",
        {
            "clinic": clinic,
            "discipline": discipline,
            "discipline_label": _(DisciplineChoices(discipline).label),
            "care_time": care_time,
            "letters": [(letter, errors.get(letter.key)) for letter in letters.values()],
            "sms": sms_link(clinic, letters["not-interested"]),
            "sms_start": sms_start(clinic),
            "mailto_max_chars": MAILTO_MAX_CHARS,
            "too_long_for_mailto": too_long_for_mailto(),
            "origin_query": search_context(request, discipline=discipline),
        },
        status=400 if errors else 200,
    )


@require_POST
def set_bar(request: HttpRequest) -> HttpResponse:
    """Keep the person's bar in their session and go back to where they were."""
    form = BarForm(request.POST)
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    if not form.is_valid():
        return render(request, "verdicts/bar_error.html", {"bar_form": form, "next_url": next_url}, status=400)
    save_bar(request, form.to_bar())
    return redirect(next_url)


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """2 to 4 clinics side by side under the person's bar. The results page sends its search
    along (hidden fields), so that every answer, a refusal too, links back to it."""
    form = CompareForm(request.GET)
    context = search_context(request)
    from_search = bool(request.GET.get("near"))
    back = {
        "from_search": from_search,
        "search_url": f"{reverse('clinic-search')}?{context}" if from_search else reverse("home"),
        "origin_query": context,
        "context_fields": _hidden_fields(context),
    }
    if not form.is_valid():
        return render(request, "verdicts/compare.html", {"form": form, **back}, status=400)
    discipline = form.cleaned_data["discipline"] or DisciplineChoices.PHYSICAL_THERAPY.value
    center = None
    place_label = ""
    if form.cleaned_data["near"]:
        try:
            place = resolve_place(form.cleaned_data["near"])
            center, place_label = place.point, place.label
        except PlaceNotFound:
            center = None
    bar = bar_from_session(request)
    compared = compare_clinics(
        form.cleaned_data["clinic"], discipline=discipline, bar=bar, as_of=timezone.now().date(), center=center
    )
    if len(compared) < 2:
        form.add_error("clinic", _("Some of those clinics do not exist; choose 2 to 4 clinics from a search."))
        return render(request, "verdicts/compare.html", {"form": form, **back}, status=400)
    return render(
        request,
        "verdicts/compare.html",
        {
            "form": form,
            **back,
            "compared": compared,
            "discipline": discipline,
            "discipline_label": _(DisciplineChoices(discipline).label),
            "place_label": place_label,
            "bar_form": BarForm.for_bar(bar, request.get_full_path()),
            "disciplines": DisciplineChoices.choices,
        },
    )


# The clinic page of a clinic that lists no therapy, reached with none asked for.
_FIRST_THERAPY = DisciplineChoices.PHYSICAL_THERAPY.value


def _chosen_therapy(
    clinic: Clinic, therapies: list[DisciplineCareTime], asked: str, bar: Bar, today: date
) -> DisciplineCareTime:
    """The therapy the page leads with: the one asked for if the clinic offers it (any, for a
    clinic that lists none), else its first."""
    for item in therapies:
        if item.discipline == asked:
            return item
    if therapies:
        return therapies[0]
    return care_time_for(clinic, asked if asked in DisciplineChoices.values else _FIRST_THERAPY, bar, as_of=today)


def _from_search(request: HttpRequest, clinic: Clinic) -> tuple[float, str] | None:
    """How far the clinic is from the place the person searched from, and that place's name."""
    place = search_place(request)
    return (distance_miles(place.point, clinic.point), place.label) if place else None


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 10_000 else None


def _hidden_fields(query: str) -> list[tuple[str, str]]:
    """A query string as the hidden fields of a form that keeps it."""
    return [(name, value) for name, values in QueryDict(query).lists() for value in values]


def _query_without(request: HttpRequest, *names: str) -> str:
    """The page's query without its page number (and ``names``): the base of links to other
    pages and orders of the same search."""
    params = request.GET.copy()
    for name in ("page", *names):
        params.pop(name, None)
    return params.urlencode()
