"""What every API test checks of an error answer."""

from __future__ import annotations

from typing import Any


def assert_error(response: Any, status: int, code: str, words: str, fields: set[str] | None = None) -> None:
    """The answer has this status, the error code and words in its message, and names at least
    these fields."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert words in error["message"]
    if fields is not None:
        assert set(error["fields"]) >= fields
