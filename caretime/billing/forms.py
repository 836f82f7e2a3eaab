from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from caretime.core.disciplines import Discipline
from caretime.directory.models import DisciplineChoices


@dataclass(frozen=True)
class PictureChoice:
    discipline: Discipline
    year: int | None


class StatePictureForm(forms.Form):
    discipline = forms.ChoiceField(choices=DisciplineChoices.choices, required=False, label="Therapy")
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Claims year")

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Latest")] + [(y, str(y)) for y in years]  # type: ignore[attr-defined]

    def choice(self) -> PictureChoice:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return PictureChoice(Discipline(data.get("discipline") or Discipline.PHYSICAL_THERAPY.value), data.get("year"))
