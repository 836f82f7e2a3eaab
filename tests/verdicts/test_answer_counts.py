"""What a clinic said on calls, answer by answer, reads exactly as the template's loop wrote it
before ``answer_counts`` wrote it in Python."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from caretime.core.calls import CARE_LABELS, FOLLOW_UP_LABELS, VISITS_LABELS

AS_IT_WAS = Template(
    "{% load i18n %}{% for a in counted %}{% translate a.0 as answer %}{{ answer|lower }} ({{ a.1 }})"
    "{% if not forloop.last %}; {% endif %}{% endfor %}"
)
NOW = Template("{% load wording %}{{ counted|answer_counts }}")
ANSWERS = [*CARE_LABELS.values(), *VISITS_LABELS.values(), *FOLLOW_UP_LABELS.values()]


@given(
    counted=st.lists(st.tuples(st.sampled_from(ANSWERS), st.integers(min_value=1, max_value=500)), max_size=4),
    language=st.sampled_from(["en", "es"]),
)
def test_the_answers_of_calls_read_as_the_loop_wrote_them(counted: list[tuple[str, int]], language: str) -> None:
    with translation.override(language):
        assert NOW.render(Context({"counted": counted})) == AS_IT_WAS.render(Context({"counted": counted}))


def test_answers_are_translated_lower_case_with_their_calls() -> None:
    counted = Context({"counted": [("One-on-one", 3), ("They would not say", 1)]})
    with translation.override("en"):
        assert NOW.render(counted) == "one-on-one (3); they would not say (1)"
    with translation.override("es"):
        spanish = NOW.render(counted)
    assert spanish.endswith("(1)")
    assert "one-on-one" not in spanish
