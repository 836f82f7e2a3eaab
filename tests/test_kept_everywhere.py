"""What one process kept is filed in the shared cache under its key's value, never its objects:
equal keys are found by every worker, unequal ones never meet, and a new release files apart."""

from __future__ import annotations

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
