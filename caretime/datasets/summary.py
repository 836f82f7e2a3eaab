"""What an import did, in numbers a person can check, and which rows it could not use."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

BAD_ROWS_LISTED = 50


@dataclass(frozen=True)
class BadRow:
    row: int  # line number in the file; the header is line 1
    reason: str
    detail: str = ""


@dataclass
class ImportSummary:
    file_kind: str
    dry_run: bool = False
    read_what: str = "rows read"
    read: int = 0
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deactivated: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    bad_rows: list[BadRow] = field(default_factory=list)
    bad_row_count: int = 0

    def bad(self, row: int, reason: str, detail: str = "") -> None:
        """Record a row that cannot be used; the listing is capped, the count is not."""
        self.bad_row_count += 1
        self.skipped[reason] += 1
        if len(self.bad_rows) < BAD_ROWS_LISTED:
            self.bad_rows.append(BadRow(row, reason, detail))

    def lines(self) -> list[str]:
        """The summary as printed at the end of a run."""
        would = "would be " if self.dry_run else ""
        out = [
            f"{self.file_kind}{' (dry run: nothing was written)' if self.dry_run else ''}: {self.read:,} {self.read_what}."
        ]
        for label, counts in (
            (f"{would}imported (new)", self.created),
            (f"{would}updated", self.updated),
            (f"{would}marked inactive", self.deactivated),
        ):
            if any(counts.values()):
                out.append(f"  {label}: " + ", ".join(f"{n:,} {kind}" for kind, n in sorted(counts.items()) if n))
            else:
                out.append(f"  {label}: none")
        total_skipped = sum(self.skipped.values())
        out.append(f"  skipped: {total_skipped:,} rows")
        for reason, count in self.skipped.most_common():
            out.append(f"    {count:,}  {reason}")
        if self.bad_rows:
            out.append("Rows that could not be used (line numbers; the header is line 1):")
            out.extend(
                f"  line {bad.row:,}: {bad.reason}{': ' + bad.detail if bad.detail else ''}" for bad in self.bad_rows
            )
            more = self.bad_row_count - len(self.bad_rows)
            if more > 0:
                out.append(f"  ... and {more:,} more.")
        return out
