from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from caretime.core.disciplines import Discipline
from caretime.directory.models import DisciplineChoices


@dataclass(frozen=True)
class PictureChoice:
    discipline: Discipline
    year: int | None


class StatePictureForm(forms.Form):
    discipline = forms.ChoiceField(
        choices=[(d.value, _(d.label)) for d in DisciplineChoices], required=False, label=_("Therapy")
    )
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Claims year"))

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = [("", _("Latest"))] + [(y, str(y)) for y in years]

    def choice(self) -> PictureChoice:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return PictureChoice(Discipline(data.get("discipline") or Discipline.PHYSICAL_THERAPY.value), data.get("year"))
