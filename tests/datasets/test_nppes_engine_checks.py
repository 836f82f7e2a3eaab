"""The NPPES import's engine checks give the same answers as the row-by-row rule.

The importer decides most rows with column expressions in the engine and leaves the rest to
``parse_nppes_row``. Here both are compared on rows of any content (a property test), and a
whole import (a generated file with hostile rows added, imported, then a newer file with its
side file) is compared field by field with what the row-by-row rule and the importer's
documented write rules give, computed in plain Python in this file.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretime.core.addresses import address_key
from caretime.core.disciplines import _PREFIX_DISCIPLINES, TAXONOMY_DISCIPLINES, Discipline
from caretime.core.npi import make_npi
from caretime.datasets.engine import ROW_INDEX
from caretime.datasets.formats import TAXONOMY_SLOTS, read_header
from caretime.datasets.generators import NppesGenerator, write_nppes_files
from caretime.datasets.nppes import (
    BadLine,
    LocationRow,
    NppesDeactivation,
    NppesFields,
    NppesProvider,
    PassedOver,
    SecondaryLocation,
    check_nppes_frame,
    location_columns,
    nppes_columns,
    parse_nppes_row,
)
from caretime.datasets.runs import import_nppes
from caretime.directory.models import Clinic, Clinician, ClinicSource, Organization

PLAIN_FIELDS = NppesFields._fields[1:-1]  # between the row index and the folded taxonomies
SLOT_FIELDS = tuple(f"{kind}_{slot}" for slot in range(1, TAXONOMY_SLOTS + 1) for kind in ("taxonomy", "primary"))
BIT = {Discipline.PHYSICAL_THERAPY: 1, Discipline.OCCUPATIONAL_THERAPY: 2, Discipline.SPEECH_LANGUAGE_PATHOLOGY: 4}


def fold(values: dict[str, str | None]) -> str:
    """The filled taxonomy slots as "CODE:SWITCH|CODE:SWITCH", as the reader hands them over."""
    return "|".join(
        f"{values[f'taxonomy_{slot}']}:{values[f'primary_{slot}'] or ''}"
        for slot in range(1, TAXONOMY_SLOTS + 1)
        if values[f"taxonomy_{slot}"]
    )


def by_rule(index: int, values: dict[str, str | None]) -> Any:
    return parse_nppes_row(NppesFields._make([index, *(values[name] for name in PLAIN_FIELDS), fold(values)]))


# Field values a file could hold: realistic ones and hostile ones (spaces Python strips and
# the engine does not, non-ASCII, the separators of the folded taxonomies, bad dates).
SPACES = st.sampled_from(["", " ", "\t", "\x1c", "\x1f", "\x85", "\u00a0", "\u3000", "\u200b"])
TAXONOMIES = st.sampled_from(
    [
        *TAXONOMY_DISCIPLINES,
        *("2251X0800X", "225XR0403X", "224ZE0001X", "2251", "207Q00000X", "261qp2000x", "225100000x"),
        *("2251X0800XX", "225100000X:Y", "2251|0800X", "22ı100000X", "ＦＯＯ"),
    ]
)
TEXT = st.one_of(
    st.sampled_from(["", "ACME REHAB LLC", "LOPEZ", "ANA", "DPT", "3", "1", "2", "X", "Y", "N", "y", "IL", "il"]),
    st.sampled_from(["CHICAGO", "chicago", "Zürich", "ſt louis", "60614", "606141234", "00000", "123 MAIN ST"]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6),
)


@st.composite
def npis(draw: st.DrawFn) -> str:
    npi = make_npi(draw(st.integers(100_000_000, 299_999_999)))
    return draw(st.sampled_from([npi, npi[:9] + str((int(npi[9]) + 1) % 10), npi[:9], "3" + npi[1:], f"١{npi[1:]}"]))


@st.composite
def dates(draw: st.DrawFn) -> str:
    return draw(
        st.one_of(
            st.just(""),
            st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
            st.sampled_from(["02/30/2024", "2/3/2024", "13/01/2020", "01/01/0000", "01-01-2020", "00/10/2020"]),
        )
    )


def padded(value: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda before, text, after: before + text + after, SPACES, value, SPACES)


SWITCHES = st.sampled_from(["Y", "N", "y", " Y ", "", "Ｙ"])
HOSTILE = st.one_of(st.none(), st.just(""), TEXT, padded(TEXT), npis(), dates(), TAXONOMIES, SWITCHES)


@st.composite
def rows(draw: st.DrawFn) -> dict[str, str | None]:
    """A usable row (an organisation, a clinician or a deactivation), then a few of its
    fields spoilt, padded or replaced with anything."""
    values: dict[str, str | None] = dict.fromkeys((*PLAIN_FIELDS, *SLOT_FIELDS))
    values.update(
        npi=draw(st.one_of(st.integers(100_000_000, 299_999_999).map(make_npi), npis())),
        entity_type=draw(st.sampled_from(["1", "2"])),
        organization_name="ACME REHAB LLC",
        last_name="LOPEZ",
        first_name="ANA",
        credential="DPT",
        other_organization_name=draw(st.sampled_from(["", "ACME PT"])),
        other_organization_name_type=draw(st.sampled_from(["", "3", "5"])),
        address_line1="100 N MAIN ST",
        address_line2=draw(st.sampled_from(["", "STE 2"])),
        city=draw(st.sampled_from(["CHICAGO", "", "Chicago"])),
        state=draw(st.sampled_from(["IL", "", "il", "ZZ"])),
        postal_code=draw(st.sampled_from(["60614", "606141234", "10001", "78701-1234"])),
        phone="3125550100",
    )
    deactivated = draw(st.one_of(st.just(""), dates()))
    values["deactivation_date"] = deactivated
    values["reactivation_date"] = draw(st.one_of(st.just(""), st.just(deactivated), dates()))
    for slot in range(1, draw(st.integers(1, 4)) + 1):
        values[f"taxonomy_{slot}"] = draw(TAXONOMIES)
        values[f"primary_{slot}"] = draw(SWITCHES)
    for name in draw(st.lists(st.sampled_from([*PLAIN_FIELDS, *SLOT_FIELDS]), max_size=3)):
        values[name] = draw(st.one_of(HOSTILE, padded(st.just(values[name] or ""))))
    return values


def engine_answers(batch: Any) -> dict[str, Any]:
    return {
        "organizations": batch.organizations.rows(),
        "individuals": batch.individuals.rows(),
        "deactivated": Counter(batch.deactivated),
        "passed over": batch.passed_over,
        "bad": batch.bad,
    }


def rule_answers(answers: list[Any]) -> dict[str, Any]:
    """What the engine should hand over, from the row-by-row rule's answers."""
    organizations, individuals = [], []
    for row in answers:
        if isinstance(row, NppesProvider) and row.is_organization:
            where = row.location
            assert where is not None
            organizations.append(
                (
                    *(row.line, row.npi, row.legal_name, row.doing_business_as, where.line1, where.line2),
                    *(where.city, where.state, where.zip_code, where.latitude, where.longitude, where.phone),
                    sum(BIT[d] for d in row.disciplines),
                )
            )
        elif isinstance(row, NppesProvider):
            individuals.append(
                (row.line, row.npi, row.first_name, row.legal_name, row.credential, row.primary_discipline.value)
            )
    return {
        "organizations": organizations,
        "individuals": individuals,
        "deactivated": Counter(row.npi for row in answers if isinstance(row, NppesDeactivation)),
        "passed over": Counter(row.reason for row in answers if isinstance(row, PassedOver)),
        "bad": [row for row in answers if isinstance(row, BadLine)],
    }


def as_frame(batch: list[dict[str, str | None]]) -> Any:
    columns: dict[str, list[Any]] = {ROW_INDEX: list(range(len(batch)))}
    for name in (*PLAIN_FIELDS, *SLOT_FIELDS):
        columns[name] = [values[name] for values in batch]
    return pl.DataFrame(
        columns, schema={ROW_INDEX: pl.UInt32, **{name: pl.String for name in columns if name != ROW_INDEX}}
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(rows(), min_size=1, max_size=20))
def test_the_engine_answers_every_row_as_the_row_by_row_rule_does(batch: list[dict[str, str | None]]) -> None:
    expected = rule_answers([by_rule(index, values) for index, values in enumerate(batch)])
    assert engine_answers(check_nppes_frame(as_frame(batch))) == expected


def test_the_engine_strips_what_python_strips_but_four_separators() -> None:
    """Why a row holding \\x1c-\\x1f is left to the rule: the only characters whose stripping
    differs between the engine and Python, over all of Unicode."""
    characters = [chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000]
    stripped = pl.Series([f"{c}A{c}" for c in characters]).str.strip_chars().to_list()
    differ = {c for c, engine in zip(characters, stripped, strict=True) if engine != f"{c}A{c}".strip()}
    assert differ == {"\x1c", "\x1d", "\x1e", "\x1f"}


# A whole import, against the rules written out.

HOSTILE_ROWS: list[dict[str, str]] = [
    # Spaces around everything, a lower-case code in a second slot, a DBA.
    {
        "NPI": f" {make_npi(290000001)} ",
        "Entity Type Code": " 2 ",
        "Provider Organization Name (Legal Business Name)": "  PADDED REHAB LLC ",
        "Provider Other Organization Name": " PADDED PT ",
        "Provider Other Organization Name Type Code": "3 ",
        "Provider First Line Business Practice Location Address": " 5 OAK ST ",
        "Provider Business Practice Location Address City Name": " chicago ",
        "Provider Business Practice Location Address State Name": "il",
        "Provider Business Practice Location Address Postal Code": " 606141234 ",
        "Healthcare Provider Taxonomy Code_1": "261QP2000X",
        "Healthcare Provider Primary Taxonomy Switch_1": "N",
        "Healthcare Provider Taxonomy Code_2": "261qh0700x",
        "Healthcare Provider Primary Taxonomy Switch_2": " y ",
    },
    # A separator Python strips and the engine does not; a city that is not ASCII.
    {
        "NPI": make_npi(290000002) + "\x1c",
        "Entity Type Code": "2",
        "Provider Organization Name (Legal Business Name)": "\x1fSEPARATED PT\x1f",
        "Provider First Line Business Practice Location Address": "9 ELM ST",
        "Provider Business Practice Location Address City Name": "Zürich",
        "Provider Business Practice Location Address Postal Code": "10001",
        "Healthcare Provider Taxonomy Code_1": "261QR0400X",
        "Healthcare Provider Primary Taxonomy Switch_1": "Y",
    },
    # No city and a state that is not one: both from the ZIP code. A name longer than a column.
    {
        "NPI": make_npi(290000003),
        "Entity Type Code": "2",
        "Provider Organization Name (Legal Business Name)": "LONG " + "X" * 400,
        "Provider First Line Business Practice Location Address": "1 LAKE ST",
        "Provider Business Practice Location Address State Name": "ZZ",
        "Provider Business Practice Location Address Postal Code": "60601",
        "Provider Business Practice Location Address Telephone Number": "3125550100 EXT 12345678901",
        "Healthcare Provider Taxonomy Code_1": "2251X0800X",
    },
    # A clinician whose primary slot is not the first therapy slot.
    {
        "NPI": make_npi(290000004),
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": "OKAFOR",
        "Provider First Name": "GRACE",
        "Provider Credential Text": "OTR/L",
        "Healthcare Provider Taxonomy Code_1": "225100000X",
        "Healthcare Provider Primary Taxonomy Switch_1": "N",
        "Healthcare Provider Taxonomy Code_2": "225X00000X",
        "Healthcare Provider Primary Taxonomy Switch_2": "Y",
    },
    # The same clinician again, later: the later row is used.
    {
        "NPI": make_npi(290000004),
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": "OKAFOR-LEE",
        "Provider First Name": "GRACE",
        "Healthcare Provider Taxonomy Code_1": "235Z00000X",
    },
    # What CSV and COPY treat specially: quotes, commas, backslashes, a line break, "\\.".
    {
        "NPI": make_npi(290000009),
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": 'O"BRIEN, \\N',
        "Provider First Name": "ANA\n\\.\nMARIA",
        "Provider Credential Text": "\\.",
        "Healthcare Provider Taxonomy Code_1": "225100000X",
    },
    # Dates: a bad one, a reactivation after the deactivation, one before it.
    {"NPI": make_npi(290000005), "NPI Deactivation Date": "02/30/2024"},
    {
        "NPI": make_npi(290000006),
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": "BACK",
        "NPI Deactivation Date": "01/01/2020",
        "NPI Reactivation Date": "01/01/2021",
        "Healthcare Provider Taxonomy Code_1": "224Z00000X",
    },
    {"NPI": make_npi(290000007), "NPI Deactivation Date": "01/01/2021", "NPI Reactivation Date": "01/01/2020"},
    {"NPI": make_npi(290000008), "NPI Deactivation Date": "01/01/2020", "NPI Reactivation Date": "06/01/2020"},
]


def write_main(path: Path, *, seed: int, rows: int, extra: list[dict[str, str]]) -> None:
    generator = NppesGenerator(seed=seed, bad_share=0.1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(generator.header)
        for row in generator.rows(rows):
            writer.writerow(row.fields)
        for values in extra:
            writer.writerow(generator.row(values))


def kept_by_filter(values: dict[str, str | None]) -> bool:
    """The engine's filter, in Python: a therapy code as written in a slot, or a deactivation."""
    for slot in range(1, TAXONOMY_SLOTS + 1):
        code = values[f"taxonomy_{slot}"] or ""
        if code in TAXONOMY_DISCIPLINES:
            return True
        if len(code.encode()) == 10 and any(code.startswith(prefix) for prefix, _ in _PREFIX_DISCIPLINES):
            return True
    return bool(values["deactivation_date"])


def rule_rows(path: Path) -> list[Any]:
    """The file read with Python's csv module and checked row by row."""
    columns = nppes_columns(path)
    header = read_header(path)
    position = {name: header.index(actual) for name, actual in columns.items()}
    answers = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for index, fields in enumerate(reader):
            values = {name: fields[at] if at < len(fields) else None for name, at in position.items()}
            if kept_by_filter(values):
                answers.append(by_rule(index, values))
    return answers


def fits(model: Any, name: str, value: str) -> str:
    return value[: model._meta.get_field(name).max_length]


@dataclass
class Directory:
    """The directory as the importer's documented rules make it, in plain Python."""

    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)
    clinics: dict[str, dict[str, Any]] = field(default_factory=dict)
    clinicians: dict[str, dict[str, Any]] = field(default_factory=dict)

    def import_main(self, answers: list[Any]) -> set[tuple[str, str]]:
        """What the file lists is written; returns it, for mark_missing after the side file."""
        listed: set[tuple[str, str]] = set()
        for row in answers:
            if isinstance(row, NppesDeactivation):
                for table in (self.organizations, self.clinicians):
                    if row.npi in table:
                        table[row.npi]["is_active"] = False
                for clinic in self.clinics.values():
                    if clinic["organization"] == row.npi:
                        clinic["is_active"] = False
            elif isinstance(row, NppesProvider) and row.is_organization:
                where = row.location
                assert where is not None
                listed |= {("organization", row.npi), ("clinic", f"nppes:{row.npi}")}
                self.organizations[row.npi] = {
                    "legal_name": fits(Organization, "legal_name", row.legal_name),
                    "doing_business_as": fits(Organization, "doing_business_as", row.doing_business_as),
                    "is_active": True,
                }
                self.clinics[f"nppes:{row.npi}"] = {
                    "source": ClinicSource.NPPES,
                    "organization": row.npi,
                    "name": fits(Clinic, "name", row.doing_business_as or row.legal_name),
                    "address_line1": fits(Clinic, "address_line1", where.line1),
                    "address_line2": fits(Clinic, "address_line2", where.line2),
                    "city": fits(Clinic, "city", where.city),
                    "state": where.state[:2],
                    "zip_code": where.zip_code,
                    "latitude": where.latitude,
                    "longitude": where.longitude,
                    "phone": fits(Clinic, "phone", where.phone),
                    "is_active": True,
                    "disciplines": sorted(d.value for d in row.disciplines),
                }
            elif isinstance(row, NppesProvider):
                listed.add(("clinician", row.npi))
                self.clinicians[row.npi] = {
                    "first_name": fits(Clinician, "first_name", row.first_name),
                    "last_name": fits(Clinician, "last_name", row.legal_name),
                    "credential": fits(Clinician, "credential", row.credential),
                    "discipline": row.primary_discipline.value,
                    "is_active": True,
                }
        return listed

    def import_locations(self, path: Path) -> set[tuple[str, str]]:
        columns = location_columns(path)
        listed: set[tuple[str, str]] = set()
        with path.open(newline="", encoding="utf-8") as handle:
            for line, values in enumerate(csv.DictReader(handle), start=2):
                row = LocationRow(
                    line, values["NPI"].strip(), {name: values[actual] for name, actual in columns.items()}
                )
                primary = self.clinics.get(f"nppes:{row.npi}")
                checked = row.checked()
                if primary is None or not isinstance(checked, SecondaryLocation):
                    continue
                where = checked.location
                if address_key(where.line1, where.zip_code) == address_key(
                    primary["address_line1"], primary["zip_code"]
                ):
                    continue
                digest = hashlib.sha256(address_key(where.line1, where.zip_code).encode()).hexdigest()[:16]
                key = f"nppes:{row.npi}:{digest}"
                listed.add(("clinic", key))
                self.clinics[key] = {
                    **primary,
                    "source": ClinicSource.NPPES_SECONDARY,
                    "address_line1": fits(Clinic, "address_line1", where.line1),
                    "address_line2": fits(Clinic, "address_line2", where.line2),
                    "city": fits(Clinic, "city", where.city),
                    "state": where.state[:2],
                    "zip_code": where.zip_code,
                    "latitude": where.latitude,
                    "longitude": where.longitude,
                    "phone": fits(Clinic, "phone", where.phone),
                }
        return listed

    def mark_missing(self, listed: set[tuple[str, str]], sources: list[str], *, people: bool) -> None:
        for key, clinic in self.clinics.items():
            if clinic["source"] in sources and ("clinic", key) not in listed:
                clinic["is_active"] = False
        if people:
            for kind, table in (("organization", self.organizations), ("clinician", self.clinicians)):
                for npi, entry in table.items():
                    if (kind, npi) not in listed:
                        entry["is_active"] = False


CLINIC_FIELDS = (
    *("name", "address_line1", "address_line2", "city", "state", "zip_code"),
    *("latitude", "longitude", "phone", "is_active"),
)


def database() -> Directory:
    found = Directory()
    for npi, legal_name, doing_business_as, is_active in Organization.objects.values_list(
        "npi", "legal_name", "doing_business_as", "is_active"
    ):
        found.organizations[str(npi)] = {
            "legal_name": legal_name,
            "doing_business_as": doing_business_as,
            "is_active": is_active,
        }
    for clinic in Clinic.objects.select_related("organization").prefetch_related("services"):
        found.clinics[str(clinic.source_key)] = {
            "source": clinic.source,
            "organization": clinic.organization.npi,
            **{name: getattr(clinic, name) for name in CLINIC_FIELDS},
            "disciplines": sorted(service.discipline for service in clinic.services.all()),
        }
    for npi, first_name, last_name, credential, discipline, is_active in Clinician.objects.values_list(
        "npi", "first_name", "last_name", "credential", "discipline", "is_active"
    ):
        found.clinicians[str(npi)] = {
            "first_name": first_name,
            "last_name": last_name,
            "credential": credential,
            "discipline": discipline,
            "is_active": is_active,
        }
    return found


@pytest.mark.django_db
def test_an_import_and_a_newer_file_give_what_the_row_by_row_rules_give(tmp_path: Path) -> None:
    first = tmp_path / "v1.csv"
    write_main(first, seed=5, rows=3000, extra=HOSTILE_ROWS)
    answers = rule_rows(first)
    bad = [row for row in answers if isinstance(row, BadLine)]
    expected = Directory()
    expected.mark_missing(expected.import_main(answers), [ClinicSource.NPPES], people=True)

    result = import_nppes(main_path=first, batch_rows=97)  # batches end mid-file, many times

    assert database() == expected
    created, updated = result.main.created, result.main.updated
    assert (created["organisations"], created["clinics"]) == (len(expected.organizations), len(expected.clinics))
    assert created["clinicians"] == len(expected.clinicians)
    assert updated["organisations"] == updated["clinics"] == 0
    assert updated["clinicians"] <= 1  # the clinician listed twice, when the rows fell in two batches
    assert result.main.bad_row_count == len(bad)
    assert [(b.row, b.reason, b.detail) for b in result.main.bad_rows] == [
        (b.line, b.reason, b.detail) for b in bad[:50]
    ]

    # A newer file with its side file: the first 2,500 rows again, the rest gone, one
    # organisation moved to other therapies, a clinician renamed, one NPI deactivated.
    second, side = tmp_path / "v2.csv", tmp_path / "pl_pfile.csv"
    write_nppes_files(main_path=second, locations_path=side, rows=2500, seed=5, bad_share=0.1)
    changed = [
        {**HOSTILE_ROWS[2], "Provider Business Practice Location Address Postal Code": "78701", "Healthcare Provider Taxonomy Code_1": "261QR0401X"},
        {**HOSTILE_ROWS[4], "Provider First Name": "G."},
        {"NPI": make_npi(290000001), "NPI Deactivation Date": "05/05/2025"},
    ]  # fmt: skip
    with second.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        for values in changed:
            writer.writerow(NppesGenerator(seed=5).row(values))
    main_listed = expected.import_main(rule_rows(second))
    side_listed = expected.import_locations(side)
    expected.mark_missing(main_listed, [ClinicSource.NPPES], people=True)
    expected.mark_missing(side_listed, [ClinicSource.NPPES_SECONDARY], people=False)

    newer = import_nppes(main_path=second, locations_path=side, batch_rows=211)

    found = database()
    assert found.organizations == expected.organizations
    assert found.clinicians == expected.clinicians
    assert found.clinics == expected.clinics
    assert any(clinic["source"] == ClinicSource.NPPES_SECONDARY for clinic in found.clinics.values())
    assert not found.organizations[make_npi(290000001)]["is_active"]
    assert found.clinics[f"nppes:{make_npi(290000003)}"]["disciplines"] == ["ot", "pt", "slp"]
    assert sum(not clinic["is_active"] for clinic in found.clinics.values()) > 10
    listed_again = {npi for kind, npi in main_listed if kind == "organization"}
    assert newer.main.updated["organisations"] == len(listed_again)
    assert newer.main.created["organisations"] == 0
