"""AWS's managed policies, `crossaccount/data/aws-managed-policies.json`, read once, a policy at a time.

`python -m tools managed-policies` writes the file from IAM's own API (ListPolicies with
Scope=AWS, then each default version) in one layout: a `{` line, the header line
(`"about": {...},` saying from where and when), a `"policies": {` line, one policy a line
(`"<name>": {record},`, sorted by name, so that a refresh reads as a diff), then `}}`.

`read_managed_policies` maps the file into memory once per process and checks its frame and
header; its lines are indexed by policy name when the guardrails first ask for a policy (10 to
30 ms on a shared 2-core machine, which a stack that attaches no AWS managed policy never pays),
and a policy's line is parsed, strictly, when it is first asked for (parsing all 1,582 took
about 100 ms, and most stacks attach none or a few). The guardrails open no file: they read
bytes already mapped.
A file that is not in that layout, a name written twice, a header that does not count the
policies, and a record that is not exactly what IAM's API gives (its `Arn`, `Path`,
`DefaultVersionId`, `UpdateDate` and `Document`, each of its type; the ARN that of the name)
are refused with one `DataFileError` naming the file, the line, the policy, the key and the value.
"""

from __future__ import annotations

import itertools
import json
import mmap
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from crossaccount.errors import show, type_name
from crossaccount.reference import ManagedPolicies, ManagedPolicy, ManagedPolicyCopy

from . import strict_json
from .data_files import MANAGED_POLICIES_FILE, DataFileError

SHOWN = "crossaccount/data/aws-managed-policies.json"
"""How errors name the file (the package's path, wherever it is installed)."""
LAYOUT = "the layout `python -m tools managed-policies` writes"
SCHEMA = 1
HEADER: dict[str, type] = {"source": str, "retrieved": str, "newest": str, "policies": int, "schema": int}
RECORD: dict[str, type] = {"Arn": str, "Path": str, "DefaultVersionId": str, "UpdateDate": str, "Document": dict}
_LINE = re.compile(rb'"([A-Za-z0-9+=,.@_-]+)": (\{.*\}),?\Z', re.DOTALL)
"""A policy's line: its name (IAM's characters for a policy name) and its record."""
_PATH = re.compile(r"/(?:[\x21-\x7e]*/)?\Z", re.ASCII)


class LinedPolicies(ManagedPolicies):
    """The file mapped into memory: its header, checked when it is read; its policy lines, indexed
    by name on first use (each line's form and each name once checked then), and each policy
    parsed and checked when first asked for."""

    def __init__(self, raw: mmap.mmap, about: ManagedPolicyCopy, body: int, end: int) -> None:
        self._raw = raw
        self._about = about
        self._body = (body, end)
        self._index: dict[str, tuple[int, int, int]] | None = None
        self._parsed: dict[str, ManagedPolicy] = {}

    @property
    def about(self) -> ManagedPolicyCopy:
        return self._about

    def parsed(self) -> Mapping[str, ManagedPolicy]:
        """The policies asked for so far."""
        return MappingProxyType(self._parsed)

    def _lines(self) -> dict[str, tuple[int, int, int]]:
        if self._index is None:
            self._index = _index(self._raw, *self._body)
            if self._about["policies"] != len(self._index):
                raise DataFileError(
                    f"{SHOWN}: line 2: about.policies: got {self._about['policies']}; expected {len(self._index)}, "
                    "the policies the file has"
                )
        return self._index

    def __getitem__(self, name: str) -> ManagedPolicy:
        found = self._parsed.get(name)
        if found is None:
            number, start, end = self._lines()[name]  # KeyError: not a policy of the copy, as a dict says
            found = self._parsed[name] = _record(number, name, self._raw[start:end])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines())

    def __len__(self) -> int:
        return len(self._lines())

    def __contains__(self, name: object) -> bool:
        return name in self._lines()


@lru_cache(maxsize=4)
def read_managed_policies(path: Path = MANAGED_POLICIES_FILE) -> LinedPolicies:
    """The file, mapped; its first three lines and its last checked, the header parsed."""
    try:
        with path.open("rb") as file:
            raw = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as exc:  # ValueError: an empty file cannot be mapped
        raise DataFileError(f"{SHOWN}: cannot be read ({exc}); expected {LAYOUT}") from None
    starts = [0]
    for _ in range(3):
        starts.append(raw.find(b"\n", starts[-1]) + 1)
    last = raw.rfind(b"\n", 0, len(raw) - 1) + 1
    heads = [raw[a : b - 1] for a, b in itertools.pairwise(starts)] if starts[-1] > 0 and last > 0 else []
    frame = [(1, b"{"), (3, b'"policies": {')]
    for number, wanted in frame:
        if len(heads) < 3 or heads[number - 1] != wanted:
            got = heads[number - 1] if len(heads) >= number else b""
            raise DataFileError(f"{SHOWN}: line {number}: got {show(_text(got))}; expected {show(_text(wanted))} ({LAYOUT})")
    if raw[last:].rstrip(b"\n") != b"}}" or last < starts[3]:
        raise DataFileError(f'{SHOWN}: the last line: got {show(_text(raw[last:]))}; expected "}}}}" ({LAYOUT})')
    return LinedPolicies(raw, _header(_text(heads[1])), starts[3], last)


def _index(raw: mmap.mmap, start: int, end: int) -> dict[str, tuple[int, int, int]]:
    """Each policy's name -> (its line's number, where its record starts and ends)."""
    found: dict[str, tuple[int, int, int]] = {}
    number, at = 4, start
    while at < end:
        stop = raw.find(b"\n", at, end)
        line = raw[at:stop]
        match = _LINE.match(line)
        if match is None or line.endswith(b",") != (stop + 1 < end):
            raise DataFileError(
                f'{SHOWN}: line {number}: {show(_text(line))} is not one policy\'s line (`"<name>": {{record}},`, '
                f"the last without the comma); expected {LAYOUT}"
            )
        name = match.group(1).decode("ascii")
        if name in found:
            raise DataFileError(
                f"{SHOWN}: line {number}: the policy {show(name)} is also line {found[name][0]}; each policy once"
            )
        found[name] = (number, at + match.start(2), at + match.end(2))
        number, at = number + 1, stop + 1
    return found


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _header(line: str) -> ManagedPolicyCopy:
    where = f"{SHOWN}: line 2"
    if not line.startswith('"about": ') or not line.endswith(","):
        raise DataFileError(f'{where}: {show(line)} is not the header (`"about": {{...}},`); expected {LAYOUT}')
    about = _json(where, line.removeprefix('"about": ').removesuffix(","))
    _exactly(where, "about", about, HEADER)
    if about["schema"] != SCHEMA:
        raise DataFileError(
            f"{where}: about.schema: got {show(about['schema'])}; expected {SCHEMA}, the layout this reader reads"
        )
    return cast(ManagedPolicyCopy, about)


def _record(number: int, name: str, data: bytes) -> ManagedPolicy:
    where = f"{SHOWN}: line {number} (policy {show(name)})"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{where}: not UTF-8 text ({exc.reason}); expected {LAYOUT}") from None
    record = _json(where, text)
    _exactly(where, "the record", record, RECORD)
    if _PATH.match(record["Path"]) is None:
        raise DataFileError(f'{where}: the key "Path": got {show(record["Path"])}; expected a path (/ or /name/.../)')
    arn = f"arn:aws:iam::aws:policy{record['Path']}{name}"
    if record["Arn"] != arn:
        raise DataFileError(f'{where}: the key "Arn": got {show(record["Arn"])}; expected {show(arn)}, the ARN of its name')
    if not isinstance(record["Document"].get("Statement"), list | dict):
        raise DataFileError(
            f'{where}: the key "Document": {show(record["Document"])} has no Statement; expected a policy document'
        )
    return cast(ManagedPolicy, record)


def _json(where: str, text: str) -> Any:
    try:
        return strict_json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); expected {LAYOUT}") from None
    except (ValueError, RecursionError) as exc:
        raise DataFileError(f"{where}: not valid JSON ({exc}); expected {LAYOUT}") from None


def _exactly(where: str, what: str, value: Any, keys: dict[str, type]) -> None:
    """An object with exactly these keys, each of its type (a boolean is no number)."""
    if not isinstance(value, dict):
        raise DataFileError(f"{where}: {what}: got {show(value)} ({type_name(value)}); expected an object")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise DataFileError(f"{where}: {what}: unknown key {show(unknown[0])}; expected only {', '.join(keys)}")
    for key, kind in keys.items():
        if key not in value:
            raise DataFileError(f"{where}: {what}: the key {show(key)} is missing")
        found = value[key]
        if not isinstance(found, kind) or isinstance(found, bool) or (kind is str and not found):
            wanted = {str: "a non-empty string", int: "a whole number", dict: "an object"}[kind]
            raise DataFileError(f"{where}: the key {show(key)}: got {show(found)} ({type_name(found)}); expected {wanted}")
