"""The form renderer keeps the HTML of widgets of choices (the search and bar forms' selects),
never a widget holding what a person typed."""

from __future__ import annotations

from django import forms
from django.forms.renderers import get_default_renderer

from caretime.web.form_renderer import KeptWidgetsRenderer


class VisitForm(forms.Form):
    therapy = forms.ChoiceField(choices=[("pt", "Physical therapy"), ("ot", "Occupational therapy")])
    words = forms.CharField(widget=forms.Textarea)
    name = forms.CharField()


ANSWERS = {"therapy": "ot", "words": "My neighbour Jane Roe saw me there", "name": "Jane Roe"}


def test_a_select_is_kept_and_typed_words_are_not() -> None:
    renderer = get_default_renderer()
    assert isinstance(renderer, KeptWidgetsRenderer)
    renderer.kept.clear()
    first = str(VisitForm(data=ANSWERS))
    assert "My neighbour Jane Roe saw me there" in first
    assert 'value="Jane Roe"' in first
    assert len(renderer.kept) == 1, "only the select of therapies is kept"
    again = str(VisitForm(data=ANSWERS))
    assert again == first, "a kept select writes what a fresh one would"
    chosen = str(VisitForm(data={**ANSWERS, "therapy": "pt"}))
    assert '<option value="pt" selected>' in chosen, "another choice is another widget"
    assert len(renderer.kept) == 2
