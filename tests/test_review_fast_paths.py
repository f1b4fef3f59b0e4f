"""The review's shortcuts of issue 31 print the same bytes and refuse the same input: `text` and
`code` remember the values they printed (a review prints the same cell thousands of times), a
JSON block that is plain printable ASCII is tested once, not line by line, and a plan's document
text read strictly once is not read again (`tools comment` reads two plans of the same documents)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crossaccount.read.json_file import JsonFileError
from tools.render import plan_file
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


def plan_with(*documents: str) -> dict[str, Any]:
    resources = [
        {"urn": f"urn:{i}", "type": "aws:iam/policy:Policy", "name": f"p{i}", "inputs": {"policy": d}}
        for i, d in enumerate(documents)
    ]
    return {"stack": "utils", "resources": resources}


def test_a_document_is_read_strictly_once_and_a_bad_one_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_file, "_GOOD_DOCUMENTS", {})
    monkeypatch.setattr(plan_file, "MAX_GOOD_DOCUMENTS", 2)
    good = [json.dumps({"Version": "2012-10-17", "Statement": [], "Sid": n}) for n in "abc"]
    bad = '{"Version": "2012-10-17", "Statement": [], "Statement": []}'
    plan_file.check_plan(plan_with(good[0]), "base.json")
    assert list(plan_file._GOOD_DOCUMENTS) == [good[0]]
    for source in ("base.json", "head.json"):  # refused again, naming the file it is in
        with pytest.raises(JsonFileError, match=f"^{source}: resources\\[1\\]\\.inputs\\.policy: not valid policy JSON"):
            plan_file.check_plan(plan_with(good[0], bad), source)
    plan_file.check_plan(plan_with(*good), "head.json")
    assert list(plan_file._GOOD_DOCUMENTS) == good[1:]  # at most two: the oldest forgotten
