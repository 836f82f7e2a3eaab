"""The name screening on the generated evaluation set (``tests/core/screening_sentences.py``):
the thresholds it must meet, and the figures docs/methodology.md reports."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

from tests.core.screening_sentences import FORMS, Figures, evaluate, generate

METHODOLOGY = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"

ROSTER_RECALL = 0.98
FORM_RECALL = 0.95
OTHER_RECALL = 0.90
FALSE_REMOVALS = 0.02


@functools.cache
def figures() -> Figures:
    return evaluate(generate())[0]


def test_the_set_is_large_and_covers_every_form() -> None:
    sentences = generate()
    assert sentences == generate()  # the same seed, the same set
    assert len(sentences) >= 500
    forms = Counter(s.form for s in sentences)
    assert all(forms[form] >= 40 for form in FORMS)
    assert forms["other"] >= 100
    assert forms["clean"] >= 200
    for sentence in sentences:
        for start, end in sentence.names:
            assert sentence.text[start:end].strip() == sentence.text[start:end] != ""


def test_the_screening_meets_the_thresholds() -> None:
    result = figures()
    report = "\n".join(result.lines())
    print(report)  # the figures, shown with pytest -s or -rP
    assert result.roster_recall >= ROSTER_RECALL, report
    assert all(result.recall(form) >= FORM_RECALL for form in FORMS), report
    assert result.recall("other") >= OTHER_RECALL, report
    assert result.false_removals <= FALSE_REMOVALS, report


def test_the_methodology_reports_these_figures() -> None:
    result = figures()
    text = " ".join(METHODOLOGY.read_text(encoding="utf-8").split())
    roster = sum(result.names[form] for form in FORMS)
    caught = sum(result.caught[form] for form in FORMS)
    expected = [
        f"{result.sentences} sentences",
        f"{caught} of {roster} roster names",
        f"{result.caught['other']} of {result.names['other']} other names",
        f"{result.changed} of {result.clean} sentences that name no one",
    ]
    expected += [f"{form.replace('_', ' ')} {result.caught[form]}/{result.names[form]}" for form in FORMS]
    missing = [phrase for phrase in expected if phrase not in text]
    assert not missing, f"docs/methodology.md lacks {missing}"
