"""The review's escaping, through the shortcuts issue 31 gave it: `text` and `code` remember the
values they printed (a review prints the same cell thousands of times), and a JSON block that is
plain printable ASCII is tested once, not line by line. The shortcuts print the same bytes."""

from __future__ import annotations

from tools.render.escape import code, fence, text
from tools.render.review import json_block


class Name(str):
    """A str subclass (as a YAML loader may hand one): printed as its text."""


def test_a_remembered_value_is_printed_for_its_own_cell_flag() -> None:
    assert code("a|b") == "`a|b`"
    assert code("a|b", cell=True) == "`a\\|b`"
    assert code("a|b") == "`a|b`"
    assert text("x\n#1", cell=True) == "`x\\n#1`"
    assert text(Name("<b>")) == text("<b>") == "\\<b>"
    assert code(Name("`")) == "`` ` ``"
    assert text(3600) == "3600"


def test_a_plain_json_block_is_shown_as_it_is_and_any_other_line_by_line() -> None:
    assert json_block('{\n  "a": 1\n}') == ["```json", '{\n  "a": 1\n}', "```"]
    assert json_block('{\n  "a": "```"\n}') == ["````json", '{\n  "a": "```"\n}', "````"]
    assert json_block('{\n  "a": "x\u2028y\t",\n  "b": "\u00e9"\n}') == [
        "```json",
        '{\n  "a": "x\\u2028y\\t",\n  "b": "\u00e9"\n}',
        "```",
    ]
    assert json_block("\x1b[31m\n") == ["```json", "\\u001b[31m\n", "```"]
    assert fence("no backtick") == "```"
    assert fence("~~~~", "~") == "~~~~~"
