"""The billing indicators in SQL (DuckDB) straight over a Medicare file, at national scale.

The same definitions as caretime.core.billing, written as one query: filter the therapist
provider types, keep valid rows, sum per NPI and code, take the largest code as the visits,
then rank each clinician among peers of the same provider type and state. The tests hold
this to the Python reference on the same fixture; bench/medicare_indicators.py times it
against a plain group-by of the same file. DuckDB streams the CSV, so memory stays bounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caretime.billing.medicare_file import FileLayout, detect_layout, file_delimiter, read_header
from caretime.core.billing import (
    EVALUATION_CODES,
    GROUP_CODES,
    MIN_BENEFICIARIES,
    NEAR_SUPPRESSION_BENEFICIARIES,
    TIMED_CODES,
    TREATMENT_CODES,
    provider_type_aliases,
)
from caretime.extras import import_extra


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in_list(values: list[str]) -> str:
    return ", ".join(_quote_literal(v) for v in values)


def _source(path: Path) -> str:
    # Every column as text, like the importer: numbers are checked by TRY_CAST below. The
    # delimiter (comma, or tab in some legacy files) is the importer's reading of the header.
    delimiter = _quote_literal(file_delimiter(path))
    return (
        f"read_csv({_quote_literal(str(path))}, header = true, delim = {delimiter}, all_varchar = true, "
        "null_padding = true, ignore_errors = true)"
    )


def _column(layout: FileLayout, name: str) -> str:
    header = layout.columns.get(name)
    return f"trim({_quote_identifier(header)})" if header else "''"


def indicators_sql(path: Path, layout: FileLayout) -> str:
    aliases = provider_type_aliases()
    type_case = " ".join(f"WHEN {_quote_literal(k)} THEN {_quote_literal(v)}" for k, v in aliases.items())
    npi = _column(layout, "npi")
    number = "TRY_CAST(replace({}, ',', '') AS DOUBLE)"
    # Built from quoted identifiers (the file's own headers) and quoted literals only.
    return f"""
WITH typed AS (
    -- The provider type normalised once per row; the regular expression runs only on the
    -- rare values with doubled spaces or tabs (it is the costliest step of the scan).
    SELECT *, lower(CASE WHEN contains(pt, '  ') OR contains(pt, chr(9))
                         THEN regexp_replace(pt, '\\s+', ' ', 'g') ELSE pt END) AS pt_key
    FROM (SELECT *, {_column(layout, "provider_type")} AS pt FROM {_source(path)})
),
-- MATERIALIZED keeps the checks below from being pushed under the provider-type test, where
-- they would parse the numbers of all 20 rows in 20 instead of the one therapist row.
lines AS MATERIALIZED (
    SELECT
        {npi} AS npi,
        CASE pt_key {type_case} END AS provider_type,
        upper({_column(layout, "hcpcs_code")}) AS code,
        upper(coalesce({_column(layout, "place_of_service")}, '')) AS place,
        upper(coalesce({_column(layout, "state")}, '')) AS state,
        {number.format(_column(layout, "beneficiaries"))} AS benes,
        {number.format(_column(layout, "services"))} AS services,
        {number.format(_column(layout, "beneficiary_days"))} AS days
    FROM typed
    WHERE pt_key IN ({_in_list(list(aliases))})
),
valid AS (
    SELECT * FROM lines
    WHERE regexp_full_match(npi, '[12][0-9]{{9}}') AND {_NPI_CHECK_DIGIT_OK}
      AND regexp_full_match(code, '[A-Z0-9]{{5}}')
      AND place IN ('', 'F', 'O')
      AND benes >= 0 AND benes = floor(benes) AND services >= 0 AND days > 0
      AND days <= services + 1e-6 AND benes <= days + 1e-6
),
-- Rows that repeat an NPI, code and place are added up, as the importer does.
per_place AS (
    SELECT npi, code, place, sum(days) AS days, sum(services) AS services, sum(benes) AS benes,
           min(provider_type) AS provider_type, min(state) AS state
    FROM valid GROUP BY npi, code, place
),
-- A code's rows of both places of service: days and services add up, patients do not (one
-- patient can be seen in both places): the larger count is the least number of patients.
per_code AS (
    SELECT npi, code, sum(days) AS days, sum(services) AS services, max(benes) AS benes,
           min(benes) AS fewest_benes, min(provider_type) AS provider_type, min(state) AS state
    FROM per_place GROUP BY npi, code
),
per_npi AS (
    SELECT
        npi,
        max(days) AS visits,
        sum(days) AS visits_high,
        max(benes) AS beneficiaries,
        sum(services) AS services,
        coalesce(sum(services) FILTER (WHERE code IN ({_in_list(list(TIMED_CODES))})), 0) AS timed_units,
        coalesce(sum(services) FILTER (WHERE code IN ({_in_list(list(GROUP_CODES))})), 0) AS group_services,
        min(fewest_benes) <= {NEAR_SUPPRESSION_BENEFICIARIES}
            OR (bool_or(code IN ({_in_list(sorted(TREATMENT_CODES))}))
                AND NOT bool_or(code IN ({_in_list(list(EVALUATION_CODES))}))) AS possibly_suppressed,
        min(provider_type) AS provider_type,
        min(state) AS state
    FROM per_code GROUP BY npi
),
indicators AS (
    SELECT
        p.npi, p.provider_type, p.state, p.visits, p.visits_high, p.beneficiaries, p.services, p.timed_units,
        p.group_services, p.possibly_suppressed,
        p.timed_units / p.visits AS timed_units_per_visit,
        p.timed_units / p.visits_high AS timed_units_per_visit_low,
        CASE WHEN p.services > 0 THEN p.group_services / p.services ELSE 0 END AS group_share,
        CASE WHEN p.beneficiaries > 0 THEN p.visits / p.beneficiaries ELSE 0 END AS visits_per_beneficiary
    FROM per_npi p
    WHERE p.visits > 0
),
ranked AS (SELECT *, beneficiaries >= {MIN_BENEFICIARIES} AS shown FROM indicators)
-- One pass, no UNION: clinicians under the CMS floor form their own partition and get NULL.
SELECT
    npi, provider_type, state, visits, visits_high, beneficiaries, services, timed_units, group_services,
    possibly_suppressed, timed_units_per_visit, timed_units_per_visit_low, group_share, visits_per_beneficiary,
    {_percentile("timed_units_per_visit")} AS timed_units_per_visit_percentile,
    {_percentile("group_share")} AS group_share_percentile,
    {_percentile("visits_per_beneficiary")} AS visits_per_beneficiary_percentile,
    {_percentile("visits")} AS visits_percentile
FROM ranked
"""  # noqa: S608


# The NPI check digit (docs/data-sources.md): Luhn over the first nine digits, plus 24 for
# the 80840 prefix; every other digit from the right of the nine is doubled.


def _digit(position: int) -> str:
    return f"(ascii(substr(npi, {position}, 1)) - 48)"


def _luhn_term(position: int) -> str:
    if position % 2 == 1:  # doubled; a two-digit result counts as the sum of its digits
        return f"({_digit(position)} * 2 - CASE WHEN {_digit(position)} >= 5 THEN 9 ELSE 0 END)"
    return _digit(position)


# Written out digit by digit: a list lambda per row costs more than the rest of the query.
_NPI_CHECK_DIGIT_OK = f"(10 - (24 + {' + '.join(_luhn_term(i) for i in range(1, 10))}) % 10) % 10 = {_digit(10)}"


def _percentile(column: str) -> str:
    # Mid-rank percentile among the OTHER peers: those strictly below plus half the ties other
    # than itself, over the peers other than itself; none for a clinician without peers.
    peers = "PARTITION BY provider_type, state, shown"
    return (
        f"CASE WHEN shown AND count(*) OVER ({peers}) > 1 THEN 100.0 * ((rank() OVER ({peers} ORDER BY {column}) - 1) "
        f"+ 0.5 * (count(*) OVER ({peers}, {column}) - 1)) / (count(*) OVER ({peers}) - 1) END"
    )


def plain_group_by_sql(path: Path, layout: FileLayout) -> str:
    """The baseline of the benchmark: one group-by of the same file by the same engine."""
    npi = _column(layout, "npi")
    services = _column(layout, "services")
    return (
        f"SELECT {npi} AS npi, count(*) AS rows, sum(TRY_CAST({services} AS DOUBLE)) AS services "  # noqa: S608
        f"FROM {_source(path)} GROUP BY 1"
    )


@dataclass(frozen=True)
class EngineResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _run(sql: str, *, memory_limit: str, threads: int | None) -> EngineResult:
    duckdb = import_extra("duckdb")
    connection = duckdb.connect(":memory:")
    try:
        connection.execute(f"SET memory_limit = {_quote_literal(memory_limit)}")
        if threads:
            connection.execute(f"SET threads = {int(threads)}")
        cursor = connection.execute(sql)
        columns = [d[0] for d in cursor.description]
        return EngineResult(columns, cursor.fetchall())
    finally:
        connection.close()


def file_indicators(path: Path, *, memory_limit: str = "2GB", threads: int | None = None) -> EngineResult:
    """Clinician indicators of a whole file, one row per therapist NPI."""
    layout = detect_layout(read_header(path))
    return _run(indicators_sql(path, layout), memory_limit=memory_limit, threads=threads)


def file_plain_group_by(path: Path, *, memory_limit: str = "2GB", threads: int | None = None) -> EngineResult:
    layout = detect_layout(read_header(path))
    return _run(plain_group_by_sql(path, layout), memory_limit=memory_limit, threads=threads)
