"""The privilege-escalation catalogue, `crossaccount/data/escalation-paths.json`, read and checked.

A row per path (`id`, `title`, `actions`, `sources`, `passed_to`, `note`) and the sources with
the commit or release read and its date (crossaccount/guardrails/paths.py says what a path is,
docs/guardrails.md how to add one). `read_escalation_paths` reads it once and checks it strictly:
one `DataFileError` naming the row (its index and id), the key, the value and what is expected.
It refuses unknown or missing keys, keys written twice (which Python's JSON reader would keep
silently), ids written twice in any case, bad actions, uncited or unknown sources, and control or
bidirectional characters (a finding prints the catalogue's text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeGuard

from crossaccount.errors import show
from crossaccount.reference import EscalationCatalogue, EscalationPath, Source

from .data_files import ESCALATION_PATHS_FILE, DataFileError

SHOWN = "crossaccount/data/escalation-paths.json"
"""How errors name the file (the package's path, wherever it is installed)."""

_TOP: dict[str, type] = {"read": str, "sources": dict, "paths": list}
_SOURCE = {"name": str, "url": str, "version": str}
_ROW_REQUIRED = ("id", "title", "actions", "sources")
_ROW_OPTIONAL = ("passed_to", "note")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_ID = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)+\Z", re.ASCII)
_ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9]+\Z", re.ASCII)
_SERVICE = re.compile(r"[a-z0-9.-]+\.amazonaws\.com\Z", re.ASCII)
_TYPES: dict[type, str] = {str: "a string", dict: "an object", list: "a list"}
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Control characters, bidirectional overrides and lone surrogates: a finding prints the catalogue's text."""


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys written twice in it (JSON allows it; `json` keeps the last)."""

    twice: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    found = _Object(pairs)
    names = [name for name, _ in pairs]
    found.twice = tuple(name for i, name in enumerate(names) if name in names[:i])
    return found


def _once(where: str, found: Mapping[str, Any]) -> None:
    twice = getattr(found, "twice", ())
    if twice:
        raise DataFileError(f"{SHOWN}: {where}: the key {show(twice[0])} is written twice; each key once")


def _keys(where: str, found: Mapping[str, Any], required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    _once(where, found)
    unknown = sorted(set(found) - {*required, *optional})
    if unknown:
        raise DataFileError(
            f"{SHOWN}: {where}: unknown key {show(unknown[0])}; expected only {', '.join([*required, *optional])}"
        )
    missing = [k for k in required if k not in found]
    if missing:
        raise DataFileError(f"{SHOWN}: {where}: the key {show(missing[0])} is missing")


def _typed(where: str, value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise DataFileError(f"{SHOWN}: {where}: {show(value)} is not {_TYPES[kind]}")
    return value


def _strings(where: str, value: Any, pattern: re.Pattern[str] | None = None, expected: str = "") -> tuple[str, ...]:
    """A list of distinct non-empty strings (each matching `pattern`, when given)."""
    items = _typed(where, value, list)
    for item in items:
        if not _plain(item) or (pattern is not None and pattern.match(item) is None):
            raise DataFileError(f"{SHOWN}: {where}: {show(item)} is not {expected or _PLAIN}")
    duplicate = next((item for i, item in enumerate(items) if item in items[:i]), None)
    if duplicate is not None:
        raise DataFileError(f"{SHOWN}: {where}: {show(duplicate)} is listed twice; each once")
    return tuple(items)


_PLAIN = "non-empty printable text (no control character, bidirectional override or lone surrogate)"


def _plain(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip()) and _UNPRINTABLE.search(value) is None


def _text(where: str, value: Any) -> str:
    if not _plain(value):
        raise DataFileError(f"{SHOWN}: {where}: {show(value)} is not {_PLAIN}")
    return value


def _source(key: str, value: Any) -> Source:
    where = f"sources[{show(key)}]"
    if not _plain(key):
        raise DataFileError(f"{SHOWN}: {where}: the key is not {_PLAIN}")
    _keys(where, _typed(where, value, dict), tuple(_SOURCE))
    return Source(*(_text(f"{where} {k}", value[k]) for k in _SOURCE))


def _cited(where: str, value: Any, sources: Mapping[str, Source]) -> tuple[tuple[str, str], ...]:
    cited: list[tuple[str, str]] = []
    for i, pair in enumerate(_typed(where, value, list)):
        if not isinstance(pair, list) or len(pair) != 2 or not all(_plain(p) for p in pair):
            raise DataFileError(f"{SHOWN}: {where}[{i}]: {show(pair)} is not [source key, identifier there]")
        if pair[0] not in sources:
            raise DataFileError(
                f"{SHOWN}: {where}[{i}]: the source {show(pair[0])} is not one of the file's sources ({', '.join(show(s) for s in sources)})"
            )
        if (pair[0], pair[1]) in cited:
            raise DataFileError(f"{SHOWN}: {where}[{i}]: {show(pair)} is cited twice; each once")
        cited.append((pair[0], pair[1]))
    if not cited:
        raise DataFileError(f"{SHOWN}: {where}: no source; a path cites at least one")
    return tuple(cited)


def _row(index: int, row: Any, sources: Mapping[str, Source]) -> EscalationPath:
    named = row.get("id") if isinstance(row, dict) else None
    where = f"paths[{index}]" + (f" (id {show(named)})" if isinstance(named, str) else "")
    _keys(where, _typed(where, row, dict), _ROW_REQUIRED, _ROW_OPTIONAL)
    path_id = _text(f"{where} id", row["id"])
    if _ID.match(path_id) is None:
        raise DataFileError(
            f"{SHOWN}: {where} id: {show(path_id)} is not an id (letters and digits in two or more parts joined by -)"
        )
    actions = _strings(f"{where} actions", row["actions"], _ACTION, "an IAM action (service:Action, no wildcard)")
    if not actions:
        raise DataFileError(f"{SHOWN}: {where} actions: no action; a path needs at least one")
    passed_to = _strings(f"{where} passed_to", row.get("passed_to", []), _SERVICE, "a service principal (NAME.amazonaws.com)")
    if passed_to and "iam:PassRole" not in actions:
        raise DataFileError(
            f"{SHOWN}: {where} passed_to: {show(list(passed_to))} on a path without iam:PassRole; passed_to only with it"
        )
    if "note" in row:
        _text(f"{where} note", row["note"])
    return EscalationPath(
        path_id, _text(f"{where} title", row["title"]), actions, _cited(f"{where} sources", row["sources"], sources), passed_to
    )


@lru_cache(maxsize=4)
def read_escalation_paths(path: Path = ESCALATION_PATHS_FILE) -> EscalationCatalogue:
    """The catalogue file, read once and checked: one `DataFileError` for the first thing wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_object)
    except json.JSONDecodeError as e:
        raise DataFileError(f"{SHOWN}: not JSON ({e})") from None
    _keys("the file", _typed("the file", data, dict), tuple(_TOP))
    for name, kind in _TOP.items():
        _typed(name, data[name], kind)
    if _DATE.match(data["read"]) is None:
        raise DataFileError(f"{SHOWN}: read: {show(data['read'])} is not a date (YYYY-MM-DD)")
    _once("sources", data["sources"])
    sources = {key: _source(key, value) for key, value in data["sources"].items()}
    paths = tuple(_row(i, row, sources) for i, row in enumerate(data["paths"]))
    first: dict[str, int] = {}
    for i, found in enumerate(paths):
        twin = first.setdefault(found.id.lower(), i)
        if twin != i:
            raise DataFileError(f"{SHOWN}: paths[{i}] (id {show(found.id)}): the id is also paths[{twin}]'s; each id once")
    unused = sorted(set(sources) - {s for p in paths for s, _ in p.sources})
    if unused:
        raise DataFileError(f"{SHOWN}: sources[{show(unused[0])}]: no path cites it; cite it or remove it")
    return EscalationCatalogue(data["read"], MappingProxyType(sources), paths)
