"""The recording mocks take the program's exports as they are when they hold only plain data
(`tools.offline.mocks._is_plain`), and await them otherwise: an Output, a future or a resource
anywhere inside, or a key that is not text, is not plain. Issue 31 made the check iterative
(47 ms -> 18 ms on the outputs of 2,000 x 200); it answers as the recursive one did, which is
written here as the definition."""

from __future__ import annotations

from collections import OrderedDict
from concurrent.futures import Future
from typing import Any

import pulumi
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.offline.mocks import _is_plain


def plain_by_definition(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain_by_definition(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(plain_by_definition(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


class Text(str):
    pass


_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=3)
    | st.builds(Text, st.text(max_size=3))
    | st.sampled_from([object(), b"bytes", {1, 2}])
)
_KEYS = st.text(max_size=3) | st.integers(0, 3) | st.builds(Text, st.text(max_size=3))
_VALUES = st.recursive(
    _LEAVES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(_KEYS, children, max_size=4)
        | st.dictionaries(st.text(max_size=3), children, max_size=3).map(OrderedDict)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_VALUES)
def test_plain_is_what_the_definition_says(value: Any) -> None:
    assert _is_plain(value) is plain_by_definition(value)


def test_an_output_or_a_future_deep_inside_is_not_plain() -> None:
    future: Future[str] = Future()  # what is not plain data is not plain, whichever future it is
    assert not _is_plain({"users": {"a": [{"arn": future}]}})
    output = pulumi.Output.__new__(pulumi.Output)  # an Output's type is what counts (making one needs a running loop)
    assert not _is_plain({"roles": [("x", output)]})
    assert _is_plain({"roles": [("x", "y")], "n": 1, "on": True, "none": None})
