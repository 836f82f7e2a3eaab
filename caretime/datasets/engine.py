"""The streaming CSV engine (Polars), imported only when an import runs so that the core
install works without the ``import`` extra."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from caretime.datasets.formats import WrongFileError
from caretime.extras import import_extra

ROW_INDEX = "__row_index"


Expressions = Callable[[Any, dict[str, str]], list[Any]]


def lazy_csv(pl: Any, path: Path) -> Any:
    """The file as a Polars LazyFrame of text columns, each row with its 0-based index among
    the data rows (under ROW_INDEX)."""
    return pl.scan_csv(
        path,
        infer_schema=False,  # every field as text: NPIs and ZIP codes keep their leading zeros
        row_index_name=ROW_INDEX,
        truncate_ragged_lines=True,  # a long row is cut to the header; a short one padded with nulls
        encoding="utf8-lossy",
        quote_char='"',
    )


def stream_csv(
    path: Path,
    columns: dict[str, str],
    batch_rows: int,
    *,
    keep: Callable[[Any, dict[str, str]], Any] | None = None,
    outputs: Expressions | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """Batches of rows, each with its 0-based index among the data rows (under ROW_INDEX).
    ``keep`` filters and ``outputs`` shapes rows inside the engine. Rows are dicts (output
    name -> text or None)."""
    pl = import_extra("polars")
    frame = lazy_csv(pl, path)
    if keep is not None:
        frame = frame.filter(keep(pl, columns))
    selected = outputs(pl, columns) if outputs else [pl.col(actual).alias(name) for name, actual in columns.items()]
    frame = frame.select([pl.col(ROW_INDEX), *selected])
    try:
        for batch in frame.collect_batches(chunk_size=batch_rows):
            yield batch.to_dicts()
    except pl.exceptions.PolarsError as error:
        raise WrongFileError(f"{path} could not be read as CSV: {error}") from None
