"""What every kind of input that cannot be taken says: what to fix, field by field."""

from __future__ import annotations


class Refused(ValueError):
    """Input that cannot be taken. ``problems`` say what to fix, by field ("" for the whole);
    ``status`` is the HTTP status a page or the API answers with (400, or 409, 429)."""

    def __init__(self, problems: dict[str, str], *, status: int = 400) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems
        self.status = status
