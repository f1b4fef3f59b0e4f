"""The permission documents of policies/ (and the source account's, policies/source/), read once.

Every `<name>.json` of a folder is read and either parsed or refused with a problem naming
it; the settings step then reports the problem of each file a stack names (a file no stack
names is never an error). Refused: symbolic links that resolve outside the folder, anything
but a regular file (a FIFO would block the read: it is never opened), files too large to be a
policy, text that is not UTF-8, duplicate keys, NaN/Infinity, nesting deeper than any policy,
and JSON that is not an object with a Statement.
"""

from __future__ import annotations

import json
from pathlib import Path

from crossaccount.errors import show
from crossaccount.inputs import POLICY_FILE_RE, PolicyFile, PolicyFolder

from . import json_file, strict_json

MAX_POLICY_FILE_BYTES = 64 << 10
"""Ten times IAM's largest policy (6,144 characters without whitespace): anything larger is not a policy."""
MAX_POLICY_DEPTH = 16
"""A policy nests 5 deep (Statement, item, Condition, operator, key); 16 leaves room for any real one."""
MAX_FILES = 10_000
"""More files than any policies/ folder holds: a larger folder is not read past this many names."""
EXPECTED = "expected a JSON policy document"


def read_policy_folder(folder: Path, where: str) -> PolicyFolder:
    """Each plain `<name>.json` of `folder` (`where` is how problems name it, e.g. `policies/`)."""
    try:
        names = sorted(n for n in (p.name for p in folder.iterdir()) if POLICY_FILE_RE.match(n))[:MAX_FILES]
        base = folder.resolve(strict=True)
    except (OSError, RuntimeError):  # no folder: every file a stack names is reported missing
        return PolicyFolder(where=where, path=str(folder))
    files = {n: _read(base, folder / n, where) for n in names}
    return PolicyFolder(where=where, path=str(folder), files=files)


def _read(base: Path, path: Path, folder: str) -> PolicyFile | str:
    where = f"{folder}{path.name}"
    try:
        resolved = path.resolve(strict=True)
        if not resolved.is_relative_to(base):
            return f"{where}: a symbolic link to {resolved}, outside {folder}; expected the document itself in {folder}"
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop
        return f"{where}: cannot be read ({exc}); {EXPECTED}"
    try:  # the shared reader: a regular file, never a FIFO waited on, at most MAX_POLICY_FILE_BYTES
        data = json_file.read_bytes(resolved, where, EXPECTED, MAX_POLICY_FILE_BYTES)
        text = data.decode("utf-8")
    except json_file.JsonFileError as exc:
        return str(exc)
    except UnicodeDecodeError as exc:
        return f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start}); {EXPECTED}"
    return _parse(text, path.name, where)


def _parse(text: str, file_name: str, where: str) -> PolicyFile | str:
    try:
        document = strict_json.loads(text)
    except json.JSONDecodeError as exc:
        return f"{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); {EXPECTED}"
    except ValueError as exc:
        return f"{where}: {exc}; {EXPECTED}"
    except RecursionError:
        return f"{where}: nested too deeply to be a policy; {EXPECTED}"
    if strict_json.depth(document) > MAX_POLICY_DEPTH:
        return f"{where}: nested more than {MAX_POLICY_DEPTH} levels deep; {EXPECTED}"
    if not isinstance(document, dict) or "Statement" not in document:
        return f"{where}: got {show(document)}; expected a JSON object with Version and Statement"
    return PolicyFile(file_name, document, json.dumps(document, separators=(",", ":"), ensure_ascii=False))
