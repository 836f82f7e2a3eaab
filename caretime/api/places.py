"""The place in an API request (``near``), read by the same rules as the search form: an
unclear place is a 400 whose error lists the places it could be, so that a client can ask
its user which one and send it back as ``near``."""

from __future__ import annotations

from caretime.api.errors import ApiError
from caretime.core.places import Place, PlaceNotFound, PlaceUnclear, Unclear, resolve_place


def resolve_near(text: str, *, not_found_code: str) -> Place:
    """The place, or an ApiError: ``ambiguous_place`` when several states have the name,
    else ``not_found_code``; both with ``candidates`` (empty when nothing is spelt nearly
    the same), each ``{"near": "Portland, OR", "zip_codes": 65}``, largest or closest first."""
    try:
        return resolve_place(text)
    except PlaceUnclear as problem:
        code = "ambiguous_place" if problem.reason is Unclear.SEVERAL else not_found_code
        candidates = [{"near": choice.label, "zip_codes": choice.zip_codes} for choice in problem.choices]
        raise ApiError(400, code, str(problem), fields=["near"], details={"candidates": candidates}) from None
    except PlaceNotFound as problem:
        raise ApiError(400, not_found_code, str(problem), fields=["near"], details={"candidates": []}) from None
