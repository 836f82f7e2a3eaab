from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from caretime.billing.charts import box_chart
from caretime.billing.forms import StatePictureForm
from caretime.billing.selectors import CAVEATS, MIN_CLINICIANS_PER_STATE, billing_years, state_picture
from caretime.core.billing import GROUP_SHARE_NOT_ONE_ON_ONE


def state_picture_page(request: HttpRequest) -> HttpResponse:
    form = StatePictureForm(request.GET or None, years=billing_years())
    if request.GET and not form.is_valid():
        return render(request, "billing/states.html", {"form": form, "caveats": CAVEATS}, status=400)
    choice = form.choice()
    picture = state_picture(choice.discipline, choice.year)
    context = {
        "form": form,
        "picture": picture,
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
