"""The code table of the indicators against the codes' published descriptors.

Each code's class is read from its descriptor's own words (tests/billing/code_descriptors.py),
not from the table under test; the table, the Python reference and the SQL engine must all
file every code the same way.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from caretime.billing.engine import file_indicators, indicators_sql
from caretime.billing.medicare_file import HEADERS, HeaderStyle, detect_layout, read_header
from caretime.core import billing as core
from caretime.core.billing import CodeClass
from caretime.core.npi import make_npi
from tests.billing.code_descriptors import DESCRIPTORS

# The codes the issue "Billing figures that hold up" names as read by the indicators.
NAMED_IN_THE_ISSUE = frozenset(
    ["97110", "97112", "97113", "97116", "97124", "97129", "97130", "97140", "97150"]
    + [f"{code}" for code in range(97161, 97169)]
    + ["97530", "97533", "97535", "97537", "97542", "97750", "97755", "97760", "97761", "97763"]
    + [f"{code}" for code in range(97032, 97037)]
    + ["92507", "92508", "92521", "92522", "92523", "92524", "92526", "G0283", "G0515"]
)

# The words that decide a class. "Typically, 30 minutes are spent face-to-face" (evaluations)
# is not a unit of time and matches none of them.
_TIMED = re.compile(r"\b(?:each|initial|each additional) 15 minutes\b", re.IGNORECASE)
_GROUP = re.compile(r"\bgroup(?: \(|, )2 or more individuals\b", re.IGNORECASE)
_EVALUATION = re.compile(r"\b(?:re-)?evaluation\b", re.IGNORECASE)


def class_from_descriptor(descriptor: str) -> CodeClass:
    found = [
        kind
        for kind, words in ((CodeClass.TIMED, _TIMED), (CodeClass.GROUP, _GROUP), (CodeClass.EVALUATION, _EVALUATION))
        if words.search(descriptor)
    ]
    assert len(found) <= 1, f"descriptor reads as several classes {found}: {descriptor!r}"
    return found[0] if found else CodeClass.UNTIMED


DERIVED = {code: class_from_descriptor(text) for code, text in DESCRIPTORS.items()}


def test_every_code_named_in_the_issue_has_a_descriptor() -> None:
    assert sorted(NAMED_IN_THE_ISSUE - DESCRIPTORS.keys()) == []
    assert len(NAMED_IN_THE_ISSUE) == 41


def test_no_code_is_missing_from_either_side() -> None:
    assert sorted(DESCRIPTORS.keys() - core.THERAPY_CODES.keys()) == [], "described but not in THERAPY_CODES"
    assert sorted(core.THERAPY_CODES.keys() - DESCRIPTORS.keys()) == [], "in THERAPY_CODES without a descriptor"


def test_the_table_files_every_code_as_its_descriptor_says() -> None:
    table = {code: kind for code, (kind, _) in core.THERAPY_CODES.items()}
    wrong = {code: (table[code].value, DERIVED[code].value) for code in table if table[code] is not DERIVED.get(code)}
    assert wrong == {}, "code: (table, descriptor)"


def test_the_classes_seen_from_the_descriptors() -> None:
    # A few codes whose class changed with the issue, or is easy to get wrong, spelt out.
    assert DERIVED["97124"] is CodeClass.TIMED  # massage: each 15 minutes
    assert DERIVED["97129"] is DERIVED["97130"] is DERIVED["G0515"] is CodeClass.TIMED
    assert DERIVED["92508"] is DERIVED["97150"] is CodeClass.GROUP
    assert DERIVED["92507"] is DERIVED["92526"] is DERIVED["G0283"] is CodeClass.UNTIMED
    assert DERIVED["97164"] is DERIVED["97168"] is CodeClass.EVALUATION  # re-evaluations
    assert DERIVED["97163"] is CodeClass.EVALUATION  # "45 minutes ... face-to-face" is no unit
    counts = {kind: sum(1 for k in DERIVED.values() if k is kind) for kind in CodeClass}
    assert counts == {CodeClass.TIMED: 24, CodeClass.GROUP: 2, CodeClass.UNTIMED: 3, CodeClass.EVALUATION: 13}


def test_the_derived_lists_of_the_module_agree() -> None:
    assert set(core.TIMED_CODES) == {c for c, k in DERIVED.items() if k is CodeClass.TIMED}
    assert set(core.GROUP_CODES) == {c for c, k in DERIVED.items() if k is CodeClass.GROUP}
    assert set(core.EVALUATION_CODES) == {c for c, k in DERIVED.items() if k is CodeClass.EVALUATION}
    assert set(core.TREATMENT_CODES) == {c for c, k in DERIVED.items() if k is not CodeClass.EVALUATION}


def _one_code_each(path: Path) -> dict[str, str]:
    """A file with one physical therapist per code, each billing only that code: 20 patients,
    30 services on 20 days. Returns NPI -> code."""
    headers = HEADERS[HeaderStyle.CURRENT]
    who: dict[str, str] = {}
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([headers[f] for f in ("npi", "provider_type", "hcpcs_code", "place_of_service",
                                              "beneficiaries", "services", "beneficiary_days", "state")])  # fmt: skip
        for i, code in enumerate(sorted(DESCRIPTORS)):
            npi = make_npi(150_000_000 + i)
            who[npi] = code
            writer.writerow([npi, "Physical Therapist in Private Practice", code, "O", "20", "30", "20", "IL"])
    return who


def test_the_sql_engine_and_the_python_reference_file_every_code_as_its_descriptor_says(tmp_path: Path) -> None:
    who = _one_code_each(tmp_path / "one_code_each.csv")
    found = {row["npi"]: row for row in file_indicators(tmp_path / "one_code_each.csv").as_dicts()}
    assert found.keys() == who.keys()
    for npi, code in who.items():
        kind = DERIVED[code]
        # 30 services of the one code: timed units if it is timed, group services if group;
        # treatment alone (no evaluation row) may hide suppressed evaluations, an evaluation alone does not.
        expected = {
            "timed_units": 30.0 if kind is CodeClass.TIMED else 0.0,
            "group_services": 30.0 if kind is CodeClass.GROUP else 0.0,
            "possibly_suppressed": kind is not CodeClass.EVALUATION,
        }
        python = core.clinician_indicators(
            npi, "Physical Therapist in Private Practice", "IL", [core.ServiceLine(code, 20, 30, 20, "O")]
        )
        for source, figures in (
            ("sql", found[npi]),
            ("python", {name: getattr(python, name) for name in expected}),
        ):
            assert {name: figures[name] for name in expected} == expected, (source, code, kind.value)


@pytest.mark.parametrize("code", ["97010", "97014", "96125", "99213"])
def test_codes_outside_the_table_are_neither_timed_nor_group(code: str) -> None:
    # Hot packs, unattended stimulation (not a Medicare code), a swallowing evaluation, an office visit
    line = core.ServiceLine(code, 20, 30, 20, "O")
    figures = core.clinician_indicators("1234567893", "Physical Therapist in Private Practice", "IL", [line])
    assert (figures.timed_units, figures.group_services) == (0, 0)
    assert code not in DESCRIPTORS


def _codes_in(text: str) -> set[str]:
    return set(re.findall(r"'([0-9A-Z]{5})'", text))


def test_the_code_lists_written_into_the_sql_are_the_descriptors_classes(tmp_path: Path) -> None:
    path = tmp_path / "header_only.csv"
    path.write_text(",".join(HEADERS[HeaderStyle.CURRENT].values()) + "\n")
    sql = indicators_sql(path, detect_layout(read_header(path)))
    lists = re.findall(r"code IN \(([^)]*)\)", sql)
    assert len(lists) == 4, "timed units, group services, treatment, evaluation"
    timed = re.search(r"code IN \(([^)]*)\)\), 0\) AS timed_units", sql)
    group = re.search(r"code IN \(([^)]*)\)\), 0\) AS group_services", sql)
    treatment = re.search(r"\(bool_or\(code IN \(([^)]*)\)\)", sql)
    evaluation = re.search(r"NOT bool_or\(code IN \(([^)]*)\)\)", sql)
    assert timed is not None
    assert group is not None
    assert treatment is not None
    assert evaluation is not None
    assert _codes_in(timed[1]) == {c for c, k in DERIVED.items() if k is CodeClass.TIMED}
    assert _codes_in(group[1]) == {c for c, k in DERIVED.items() if k is CodeClass.GROUP}
    assert _codes_in(treatment[1]) == {c for c, k in DERIVED.items() if k is not CodeClass.EVALUATION}
    assert _codes_in(evaluation[1]) == {c for c, k in DERIVED.items() if k is CodeClass.EVALUATION}
