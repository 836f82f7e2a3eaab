"""What one process kept is filed in the shared cache under its key's value, never its objects:
equal keys are found by every worker, unequal ones never meet, and a new release files apart."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caretime.shared import kept_everywhere
from caretime.shared.kept_everywhere import KeptEverywhere, release

pytestmark = pytest.mark.django_db

STORE: KeptEverywhere[str] = KeptEverywhere("test-values", 8)

plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.tuples(inner, inner),
    max_leaves=6,
)


def rebuilt(value: object) -> object:
    """An equal value made of other objects (a string made anew, as unpickling makes it)."""
    if isinstance(value, str):
        return "".join([value[:1], value[1:]]) if value else ""
    if isinstance(value, tuple):
        return tuple(rebuilt(item) for item in value)
    return value


@given(plain, plain)
def test_equal_keys_are_filed_alike_and_unequal_ones_apart(first: object, second: object) -> None:
    same = STORE._shared_key((first, first)) == STORE._shared_key((first, rebuilt(first)))
    assert same, "a value and the same value made of other objects"
    if repr(first) != repr(second) or type(first) is not type(second):
        assert STORE._shared_key(first) != STORE._shared_key(second)


def test_values_the_page_writes_differently_are_filed_apart() -> None:
    for one, other in ((True, 1), (0.0, -0.0), ("1", 1), ((1,), 1), (1, 1.0)):
        assert STORE._shared_key(one) != STORE._shared_key(other)


@dataclass(frozen=True)
class Figure:
    minutes: int
    label: str


@dataclass(frozen=True, slots=True)
class Answer:
    figure: Figure
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class OtherFigure:
    minutes: int
    label: str


@given(st.integers(0, 3), st.text(max_size=3), st.integers(0, 3), st.text(max_size=3))
def test_frozen_dataclasses_in_keys_are_filed_by_their_values(m1: int, l1: str, m2: int, l2: str) -> None:
    """A page keys its parts on the same care times over and over, each written as a digest
    made once per object: equal values still meet, made here or elsewhere, and unequal ones,
    or another class's equal fields, never do."""
    one = Answer(Figure(m1, l1), (Figure(m2, l2),))
    again = Answer(Figure(m1, str(rebuilt(l1))), (Figure(m2, str(rebuilt(l2))),))
    assert STORE._shared_key(("part", one)) == STORE._shared_key(("part", one))  # its digest, kept
    assert STORE._shared_key(("part", one)) == STORE._shared_key(("part", again))
    other = Answer(Figure(m1, l1), (Figure(m2 + 1, l2),))
    assert STORE._shared_key(("part", one)) != STORE._shared_key(("part", other))
    assert STORE._shared_key(Figure(m1, l1)) != STORE._shared_key(OtherFigure(m1, l1))


def test_a_value_kept_by_one_process_is_found_by_another_under_this_release() -> None:
    STORE.put(("clinic", 7), "kept")
    STORE.clear()  # another process: nothing of its own
    assert STORE.get(("clinic", 7)) == "kept"
    assert STORE.get(("clinic", 8)) is None
    assert release() in STORE._shared_key(("clinic", 7))


def test_a_value_not_shared_stays_in_its_process() -> None:
    STORE.put(("node", 1), "here only", shared=False)
    assert STORE.get(("node", 1), shared=False) == "here only"
    STORE.clear()
    assert STORE.get(("node", 1)) is None


def test_what_a_request_shares_is_written_once_its_response_is_sent() -> None:
    kept_everywhere._request_started()  # as Django's request_started signal calls it
    STORE.put(("clinic", 9), "made during the request")
    STORE.clear()
    assert STORE.get(("clinic", 9)) is None, "not yet written while the person waits"
    kept_everywhere._request_finished()  # after the response's last byte
    assert STORE.get(("clinic", 9)) == "made during the request"
