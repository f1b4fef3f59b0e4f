"""The commands' JSON: indented by two spaces, keys sorted, non-ASCII as it is.

`json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)` is the definition; with an
indent, the standard library's encoder runs in pure Python (its C encoder is only used without
one), which took 0.3 s of a 4,000 x 400 plan's 21 MB. orjson writes the same bytes about ten
times faster: the same escapes (control characters as `\\u00XX`, `"` and `\\`; everything else
as it is), keys sorted by code point (orjson sorts UTF-8 bytes, which is the same order), the
same integers. Floats are written differently (`1e-6`, Python `1e-06`), so a value holding a
float is left to the standard library (the plan's values rarely hold one: the check walks the
value, 0.08 s of the 0.3 s saved). Where orjson refuses a value (an integer beyond 64 bits, a
string with a lone surrogate, a subclass) the standard library writes it too.
`tests/test_plan.py` holds the result to the standard library's bytes on generated values.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

NUMBER_WITH_FRACTION = re.compile(r"[0-9][.eE]")
"""In a JSON text, every number that is not an integer (`1.5`, `1e5`, `-0.5E-3`): a digit then
`.`, `e` or `E`. A text without one holds no float (a string that has one costs only the walk)."""


def dumps(value: Any, sort_keys: bool = True, text: str | None = None) -> str:
    """`value` as the commands print JSON (no trailing newline). `sort_keys=False`: keys in the
    dict's order, as `json.dumps(value, indent=2, ensure_ascii=False)` writes them (the
    reviewer's Markdown shows each policy document so, 4,400 of them at 4,000 x 400). `text`:
    the JSON text `value` was parsed from, where the caller has it: a text with no number of
    `NUMBER_WITH_FRACTION` holds no float, and the value is not walked to find one."""
    if (text is not None and NUMBER_WITH_FRACTION.search(text) is None) or not _holds_float(value):
        try:
            option = orjson.OPT_INDENT_2 | (orjson.OPT_SORT_KEYS if sort_keys else 0)
            return orjson.dumps(value, option=option).decode("utf-8")
        except (orjson.JSONEncodeError, TypeError):
            pass
    return json.dumps(value, indent=2, sort_keys=sort_keys, ensure_ascii=False)


def _holds_float(value: Any) -> bool:
    """Whether a float is anywhere inside. The exact types come first (a plan is mostly strings,
    dicts and lists: 70 ms -> 20 ms for the 19 MB plan of 2,000 x 200, measured); subclasses
    after, as orjson writes them as dicts and lists."""
    pending = [value]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is str:
            continue
        if kind is dict:
            pending.extend(item.values())
        elif kind is list:
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
        elif isinstance(item, float):
            return True
    return False
