"""The stack-file reader's faster pieces do exactly what they replaced.

Invariants: `_check_brackets` (which jumps between the characters that matter) refuses exactly
the texts the character-by-character loop it replaced refused, with the same line; `go_json`
writes a string as `json.dumps(s, ensure_ascii=False)` does.
"""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossaccount.errors import SettingsError
from crossaccount.read import engine, strict_json
from crossaccount.read import yaml as stack_file
from tests.conftest import FIXTURE_PROJECT
from tests.hostile.harness import stack_file_texts
from tests.test_stack_file import REPLAY_TEXTS

FILE = "Pulumi.t.yaml"
CORPUS = stack_file_texts() + [p.read_bytes() for p in sorted(FIXTURE_PROJECT.glob("Pulumi*.yaml"))]
"""The YAML files of the hostile stack files' corpus (tests/hostile/cases/stack_files.py) and the tests' own stacks."""


def corpus_texts() -> list[str]:
    return REPLAY_TEXTS + [data.decode("utf-8", "replace").removeprefix("\ufeff") for data in CORPUS]


# --- the bracket check ---------------------------------------------------------------------------


def brackets_by_character(text: str, file_name: str, limit: int) -> None:
    """The bracket check as it was before it jumped between characters: the reference."""
    depth, quote, line = 0, "", 1
    previous = token = "\n"
    closed = ""
    for ch in text:
        if ch == "\n":
            line += 1
            if quote == "#":
                quote = ""
        if closed == "'" and ch == "'":
            quote, closed = "'", ""
            continue
        closed = ""
        if quote:
            if ch == "\\" and quote == '"':
                quote = "\\"
            elif quote == "\\":
                quote = '"'
            elif ch == quote and quote != "#":
                quote, closed = "", ch
        elif ch in "\"'" and previous in " \t\n[{," and token in "\n:-?[{,":
            quote = ch
        elif ch == "#" and previous in " \t\n":
            quote = "#"
        elif ch in "[{":
            depth += 1
            if depth > limit:
                raise stack_file.StackFileError(
                    [
                        f"{file_name}, line {line}: nested more than {stack_file.MAX_DEPTH} levels deep; "
                        "expected a stack file's settings"
                    ]
                )
        elif ch in "]}":
            depth = max(depth - 1, 0)
        previous = ch
        if ch not in " \t":
            token = ch


def bracket_outcome(check: Any, text: str) -> str | None:
    try:
        check(text)
    except SettingsError as exc:
        return "\n".join(exc.problems)
    return None


def assert_brackets_agree(text: str, limit: int) -> None:
    with mock.patch.object(stack_file, "MAX_OPEN_BRACKETS", limit):
        ours = bracket_outcome(lambda t: stack_file._check_brackets(t, FILE), text)
    assert ours == bracket_outcome(lambda t: brackets_by_character(t, FILE, limit), text)


bracket_texts = st.text(alphabet=st.sampled_from("[[{{]}'''\"\"\\##  \t\n\n:-?,ax"), max_size=120)


@settings(max_examples=600, deadline=None)
@given(text=bracket_texts, limit=st.integers(0, 6))
def test_the_bracket_check_refuses_what_the_character_loop_refused(text: str, limit: int) -> None:
    assert_brackets_agree(text, limit)


@settings(max_examples=50, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("[[[[{{]}'\"\\# \n:-,a"), min_size=200, max_size=600))
def test_the_bracket_check_agrees_at_the_real_limit(text: str) -> None:
    assert_brackets_agree(text, stack_file.MAX_OPEN_BRACKETS)


@pytest.mark.parametrize("limit", [0, 2, stack_file.MAX_OPEN_BRACKETS])
def test_the_bracket_check_agrees_on_the_corpus(limit: int) -> None:
    for text in corpus_texts():
        assert_brackets_agree(text, limit)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text(), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3)))
def test_text_is_written_as_json_dumps_writes_it(value: Any) -> None:
    expected = (
        json.dumps(value, ensure_ascii=False)
        if isinstance(value, str)
        else "{"
        + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{json.dumps(value[k], ensure_ascii=False)}" for k in sorted(value))
        + "}"
    )
    assert engine.go_json(value) == expected


def _nesting(value: Any) -> int:
    """The definition `strict_json.depth` keeps: a dict or list (subclasses too) with members is
    one level deeper than its deepest member; an empty one, or anything else, is 0."""
    members = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else []
    return 1 + max(map(_nesting, members)) if members else 0


class _Dict(dict):  # type: ignore[type-arg]
    pass


_NESTED = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=3) | st.tuples(st.integers()),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=2), children, max_size=3)
        | st.dictionaries(st.text(max_size=2), children, max_size=2).map(_Dict)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_NESTED)
def test_the_depth_bound_measures_nesting_as_its_definition(value: Any) -> None:
    assert strict_json.depth(value) == _nesting(value)
