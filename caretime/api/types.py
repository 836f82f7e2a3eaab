"""Input types shared by the API's schemas."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, ConfigDict


def _without_nul(value: str) -> str:
    # A NUL character is never meaningful here, and PostgreSQL refuses it in text columns:
    # refuse it at the boundary with a 400 instead of failing deeper down.
    if "\x00" in value:
        raise ValueError("must not contain NUL (0x00) characters")
    return value


Text = Annotated[str, AfterValidator(_without_nul)]


class StrictBody(Schema):
    """A request body read as sent: true is not a number, "40" is not a number, and an unknown
    key is refused (a misspelt optional field must not be dropped without a word)."""

    model_config = ConfigDict(strict=True, extra="forbid")
