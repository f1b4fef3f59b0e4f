"""JSON read strictly, the one way every reader of this program reads it: duplicate keys and
the non-JSON constants NaN and Infinity are refused (a reviewer and AWS could read different
values), and nesting is bounded."""

from __future__ import annotations

import json
from typing import Any


def refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A reviewer reads one of two equal keys and AWS another: refuse both."""
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError(
                f"the key {name!r} appears twice in one object; two readers (a reviewer and AWS) may take different ones"
            )
        result[name] = value
    return result


def depth(value: Any) -> int:
    """How deep a JSON value nests (a scalar: 0), without recursion."""
    levels, level = 0, [value]
    while level:
        levels += 1
        level = [
            v for item in level if isinstance(item, dict | list) for v in (item.values() if isinstance(item, dict) else item)
        ]
    return levels - 1


def loads(text: str) -> Any:
    """Strict JSON; raises `json.JSONDecodeError`, `ValueError` (a duplicate key, NaN) or `RecursionError`."""
    return json.loads(text, parse_constant=refuse_constant, object_pairs_hook=refuse_duplicate_keys)
