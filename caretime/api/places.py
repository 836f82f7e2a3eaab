"""The place in an API request (``near``), read by the same rules as the search form: an
unclear place is a 400 whose error lists the places it could be, so that a client can ask
its user which one and send it back as ``near``."""

from __future__ import annotations

from caretime.api.errors import ApiError
from caretime.core.places import Place, PlaceNotFound, PlaceUnclear, Unclear, resolve_place


def resolve_near(text: str, *, old_not_found_code: str | None = None) -> Place:
    """The place, or an ApiError: ``ambiguous_place`` when several states have the name,
    else ``unknown_place`` (with ``old_not_found_code`` as its deprecated code where the
    operation said it otherwise); both with ``candidates`` (empty when nothing is spelt nearly
    the same), each ``{"near": "Portland, OR", "zip_codes": 65}``, largest or closest first."""
    try:
        return resolve_place(text)
    except PlaceUnclear as problem:
        candidates = [{"near": choice.label, "zip_codes": choice.zip_codes} for choice in problem.choices]
        if problem.reason is Unclear.SEVERAL:
            raise ApiError(
                400, "ambiguous_place", str(problem), fields=["near"], details={"candidates": candidates}
            ) from None
        raise _unknown(str(problem), candidates, old_not_found_code) from None
    except PlaceNotFound as problem:
        raise _unknown(str(problem), [], old_not_found_code) from None


def _unknown(message: str, candidates: list[dict[str, object]], old_code: str | None) -> ApiError:
    return ApiError(
        400, "unknown_place", message, fields=["near"], details={"candidates": candidates}, replaces=old_code
    )
