from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from caretime.billing.charts import box_chart
from caretime.billing.forms import StatePictureForm
from caretime.billing.selectors import CAVEATS, MIN_CLINICIANS_PER_STATE, billing_years, state_picture
from caretime.core.billing import GROUP_SHARE_NOT_ONE_ON_ONE
from caretime.datasets.freshness import data_freshness
from caretime.web.documents import Document, rendered_in


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html", {"freshness": data_freshness()})


def state_picture_page(request: HttpRequest) -> HttpResponse:
    """The billing figures by state, with the Medicare release they come from (which is why
    this page of billing figures is served here, above both the billing and the data apps)."""
    form = StatePictureForm(request.GET or None, years=billing_years())
    if request.GET and not form.is_valid():
        return render(request, "billing/states.html", {"form": form, "caveats": CAVEATS}, status=400)
    choice = form.choice()
    picture = state_picture(choice.discipline, choice.year)
    context = {
        "form": form,
        "picture": picture,
        "picture_release": data_freshness().billing_of(picture.year) if picture.year else None,
        "caveats": CAVEATS,
        "min_clinicians": MIN_CLINICIANS_PER_STATE,
        "threshold_percent": round(GROUP_SHARE_NOT_ONE_ON_ONE * 100),
        "units_chart": box_chart(picture.states, lambda r: r.units_per_visit, fmt=lambda v: f"{v:.1f}"),
        "group_chart": box_chart(
            picture.states,
            lambda r: r.group_share,
            fmt=lambda v: f"{v * 100:.0f} %",
            threshold=GROUP_SHARE_NOT_ONE_ON_ONE,
        ),
    }
    return render(request, "billing/states.html", context)


def _document_page(request: HttpRequest, document: Document, page_title: str) -> HttpResponse:
    # The document is ours and rendered with raw HTML turned off.
    # The contents list goes after the document's title and its summary: the page starts with
    # its one h1.
    page = rendered_in(document, get_language())
    return render(
        request,
        "web/document.html",
        {
            "page_title": page_title,
            "title": mark_safe(page.title),
            "summary": mark_safe(page.summary),
            "document": mark_safe(page.body),
            "sections": page.sections,
            "body_language": page.body_language if page.body_language != get_language() else "",
        },
    )


def methodology(request: HttpRequest) -> HttpResponse:
    return _document_page(request, Document.METHODOLOGY, _("How caretime computes what it shows"))


def privacy(request: HttpRequest) -> HttpResponse:
    return _document_page(request, Document.PRIVACY, _("What caretime stores, and what it never stores"))


def contact(request: HttpRequest) -> HttpResponse:
    """Where to write: a question, or a correction to a clinic's listing."""
    return render(request, "web/contact.html", {"contact_email": settings.CONTACT_EMAIL})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)
