"""What the reading-level test reads of a page (tests/reading.py), and that both of its
formulas work with no network (the Spanish one is for the Spanish pages to come)."""

from __future__ import annotations

from tests.reading import ENGLISH, SPANISH, main_text

PAGE = """
<header><p>Site name and a very long navigation menu nobody reads as prose</p></header>
<main>
  <h1>Good clinic</h1>
  <p>You get <a href="#">time</a> with a therapist</p>
  <details><summary>How we know</summary><p>Statistically indistinguishable heterogeneity.</p></details>
  <section data-reading="detail"><p>Methodological considerations notwithstanding.</p></section>
  <label for="t">Therapy</label><select id="t"><option>Speech-language pathology</option></select>
  <script>var x = "nothing read here";</script>
  <ul><li>Call them</li><li>Ask three questions.</li></ul>
</main>
<footer>Footer words</footer>
"""


def test_the_main_text_is_what_a_reader_reads_on_arriving() -> None:
    assert main_text(PAGE) == (
        "Good clinic. You get time with a therapist. How we know. Therapy. Call them. Ask three questions."
    )


def test_both_formulas_score_plain_and_hard_text_apart() -> None:
    plain = "You get time with a therapist. Call them. Ask three questions."
    hard = "Statistically indistinguishable heterogeneity characterizes institutional reimbursement."
    assert ENGLISH.met_by(ENGLISH.score(plain))
    assert not ENGLISH.met_by(ENGLISH.score(hard))
    assert SPANISH.met_by(SPANISH.score("Usted tiene tiempo con su terapeuta. Llame y pregunte."))
    assert not SPANISH.met_by(
        SPANISH.score("La heterogeneidad estadísticamente indistinguible caracteriza el reembolso.")
    )
