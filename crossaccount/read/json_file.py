"""A JSON file a user hands a command, read the one way every such file is read: the base plan
of `plan --against` and the outputs file of `verify --outputs` (the policy documents of
policies/ share the same strict parser and limits, `crossaccount.read.policies`).

Refused, each with one `JsonFileError` naming the file, what was found and what is expected:
anything but a regular file (it is stat'ed before it is opened, and opened without blocking,
so a FIFO or a device never hangs the command), a file larger than the caller's bound, text
that is not UTF-8, JSON that is not strict (duplicate keys, NaN/Infinity, a number no 64-bit
float holds), and nesting deeper than the caller's bound. Typed fields are the caller's:
`expect` helps it say what it found where (`TypeProblem`).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from crossaccount.errors import (
    show,
    type_name,
)

from . import strict_json

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO, a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class JsonFileError(ValueError):
    """A file that is not what its command expects; the message names the file."""


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "of another kind")


def read_bytes(path: Path, where: str, expected: str, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, never blocking on a FIFO or device."""
    try:
        info = path.stat()  # follows symbolic links, as open does
    except FileNotFoundError:
        raise JsonFileError(f"{where}: not found; {expected}") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise JsonFileError(f"{where}: cannot be read ({getattr(exc, 'strerror', None) or exc}); {expected}") from None
    if not stat.S_ISREG(info.st_mode):
        raise JsonFileError(f"{where}: not a regular file ({_kind(info.st_mode)}); {expected}")
    if info.st_size > max_bytes:
        raise JsonFileError(f"{where}: {info.st_size:,} bytes; {expected} (at most {max_bytes:,} bytes)")
    try:
        # O_NONBLOCK: if the path became a FIFO after the stat, open returns instead of waiting.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise JsonFileError(f"{where}: cannot be read ({exc.strerror}); {expected}") from None
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise JsonFileError(f"{where}: not a regular file (replaced while it was opened); {expected}")
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise JsonFileError(f"{where}: more than {max_bytes:,} bytes; {expected} (at most {max_bytes:,} bytes)")
    return data


def parse(text: str, where: str, expected: str, max_depth: int, noun: str) -> Any:
    """Strict JSON nested at most `max_depth` deep; `noun` says what it should be (`outputs`)."""
    try:
        data = strict_json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonFileError(f"{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); {expected}") from None
    except ValueError as exc:
        raise JsonFileError(f"{where}: not valid {noun} ({exc}); {expected}") from None
    except RecursionError:
        raise JsonFileError(f"{where}: nested too deeply to be {noun}; {expected}") from None
    if strict_json.depth(data) > max_depth:
        raise JsonFileError(f"{where}: nested more than {max_depth} levels deep; {expected}")
    return data


def read_json_file(path: Path, where: str, expected: str, *, max_bytes: int, max_depth: int, noun: str) -> Any:
    """The strict JSON of the regular file `path`; `JsonFileError` naming `where` otherwise."""
    data = read_bytes(path, where, expected, max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonFileError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start}); {expected}") from None
    return parse(text, where, expected, max_depth, noun)


def path_text(path: tuple[str | int, ...]) -> str:
    """`("resources", 3, "inputs", "name")` -> `resources[3].inputs.name` (the top level: `the top level`)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the top level"


def got(path: tuple[str | int, ...], value: Any, wanted: str) -> str:
    """`resources[0].urn: got 1 (a number); expected a string`."""
    return f"{path_text(path)}: got {show(value)} ({type_name(value)}); expected {wanted}"
