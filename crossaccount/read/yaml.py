"""YAML read exactly as the Pulumi engine reads stack and project files.

`read_engine_config(project_dir, stack)` turns `Pulumi.yaml` + `Pulumi.<stack>.yaml` into the
`cross-account-roles:*` map the engine passes to the program (key -> text, plus the keys it
marks secret). `decode_engine_config` turns that map into the settings' input; the offline
commands (`plan`, `check`, `verify`) and the program (`components.stack_config`) both go
through it, so what `make check` approves is what `pulumi up` deploys.

What the engine does, read in pulumi/pulumi (snapshot of 2026-08-21, commit 1b59498):
- `sdk/go/common/encoding/marshal.go`: stack and project files are parsed with
  `gopkg.in/yaml.v3` (YAML 1.2 booleans: `on`/`yes` are strings; a duplicate key is an error;
  an unquoted timestamp decoded into `any` stays a string; a leading-zero number such as
  `0777` is still read as octal, and `_` inside digits is dropped).
- `sdk/go/common/resource/config/object.go`: each config value becomes an `object`; a
  top-level string is passed as it is, any other value as JSON (`MarshalString`), where
  Go's `encoding/json` sorts map keys and writes whole floats without a fraction
  (`3600.0` -> `3600`). A map whose one key is `secure` (a string) is a secret; the engine
  decrypts it in place and marks the whole top-level key secret (`Secure()`), which is all the
  program learns (`PULUMI_CONFIG_SECRET_KEYS`, `pulumi.runtime.is_config_secret`).
- `pkg/workspace/config.go` (`mergeConfig`): project config from `Pulumi.yaml` applies per
  top-level key: when the stack does not set the key, the project's `value` (or `default`)
  is used; when it does, the stack's value replaces the project's (no deep merge).
  `sdk/go/common/workspace/project.go`: a short-hand project value that is a scalar or a list
  becomes `default`; a map is a config *type* (`type`, `description`, `items`, `default`,
  `value`, `secret`), so a map value must be written under `value:` (or `default:`).

Where YAML readers disagree (ruamel's YAML 1.2 and Go's yaml.v3), or where a value means more
than it says, the reader refuses with one error naming the file, the line and the key, instead
of guessing: duplicate keys, numbers in a form other than plain decimal, timestamps and other
YAML-only types, non-string keys, merge keys, YAML directives, several documents, nesting
deeper than any real file, and aliases that expand beyond any real file. `environment:`
(Pulumi ESC), which only the engine can read, is named, never read (`project.read_stack_config`,
docs/esc.md). What `Pulumi.yaml` may hold is `project.read_project_config`'s.
"""

from __future__ import annotations

import copy
import math
import re
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from crossaccount.errors import SettingsError

MAX_FILE_BYTES = 1 << 20
"""No real stack file is larger than a megabyte (200 roles take about 50 KB)."""
MAX_DEPTH = 32
"""A stack file nests about 6 deep (config, key, role, checks, item, params)."""
MAX_NODES = 200_000
"""Values after expanding aliases; beyond this a file is an alias bomb, not settings."""

_TAG = "tag:yaml.org,2002:"
_PLAIN_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9]*)\Z", re.ASCII)
_PLAIN_FLOAT_RE = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z", re.ASCII)
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = ("", "~", "null", "Null", "NULL")


class StackFileError(SettingsError):
    """A stack or project file the engine would refuse, or that YAML readers read differently."""


def _where(node_or_event: Any, file_name: str) -> str:
    mark = getattr(node_or_event, "start_mark", None)
    return f"{file_name}, line {mark.line + 1}" if mark is not None else file_name


def _check_events(yaml: YAML, text: str, file_name: str) -> list[Event]:
    """Depth, size after alias expansion, directives and document count, from the event stream.

    The parser is not recursive, so this runs before anything that is (the composer), and its
    cost is linear in the file: an alias bomb is measured, never expanded. Returns the events,
    which `_compose` turns into nodes without parsing the text a second time (the scanner is
    most of the reading time).
    """
    events: list[Event] = []
    sizes: dict[str, int] = {}
    frames: list[list[Any]] = [[None, 0]]  # [anchor, expanded size]
    documents = 0
    for event in yaml.parse(text):
        events.append(event)
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise StackFileError([f"{_where(event, file_name)}: a second YAML document; expected one document"])
            if event.version is not None or event.tags:
                raise StackFileError(
                    [f"{_where(event, file_name)}: a %YAML or %TAG directive; remove it (it changes how values are read)"]
                )
        elif isinstance(event, AliasEvent):
            if event.anchor not in sizes:
                raise StackFileError([f"{_where(event, file_name)}: alias *{event.anchor} used inside its own anchor"])
            frames[-1][1] += sizes[event.anchor]
        elif isinstance(event, CollectionStartEvent):
            frames.append([event.anchor, 1])
            if len(frames) - 1 > MAX_DEPTH:
                raise StackFileError(
                    [f"{_where(event, file_name)}: nested more than {MAX_DEPTH} levels deep; expected a stack file's settings"]
                )
        elif isinstance(event, CollectionEndEvent):
            anchor, size = frames.pop()
            if anchor is not None:
                sizes[anchor] = size
            frames[-1][1] += size
        elif isinstance(event, ScalarEvent):
            if event.anchor is not None:
                sizes[event.anchor] = 1
            frames[-1][1] += 1
        if frames[-1][1] > MAX_NODES or (isinstance(event, NodeEvent) and sum(f[1] for f in frames) > MAX_NODES):
            raise StackFileError(
                [
                    f"{_where(event, file_name)}: more than {MAX_NODES:,} values once aliases are expanded; "
                    "expected a stack file's settings (an alias bomb?)"
                ]
            )
    return events


class _Replay:
    """The parser interface ruamel's `Composer` reads (`check_event`, `peek_event`, `get_event`),
    over events already parsed: the same events `yaml.compose` would parse from the text again."""

    def __init__(self, events: list[Event]) -> None:
        self._events = events
        self._next = 0

    def check_event(self, *choices: type[Event]) -> bool:
        if self._next >= len(self._events):
            return False
        return not choices or isinstance(self._events[self._next], choices)

    def peek_event(self) -> Event:
        return self._events[self._next]

    def get_event(self) -> Event:
        event = self._events[self._next]
        self._next += 1
        return event

    def dispose(self) -> None:
        self._events = []


class _ReplayLoader:
    """What `Composer` needs of a loader: the parser (here a replay) and `yaml`'s own resolver
    (YAML 1.2; `%YAML` directives are refused by `_check_events`, so no other version applies)."""

    def __init__(self, yaml: YAML, events: list[Event]) -> None:
        self._parser = _Replay(events)
        self._resolver = yaml.resolver
        self._composer: Composer | None = None
        self.max_depth = getattr(yaml, "max_depth", 0)


def _compose(yaml: YAML, events: list[Event]) -> Node | None:
    """The node tree of the one document, as `yaml.compose(text)` builds it, from its events."""
    loader = _ReplayLoader(yaml, events)
    node: Node | None = Composer(loader=loader).get_single_node()
    return node


MAX_OPEN_BRACKETS = 2 * MAX_DEPTH


_BRACKET_STATE = re.compile(r"""["'#\[\]{}]""")
"""The characters that move `_check_brackets`' state outside quotes and comments."""
_DOUBLE_QUOTED_STATE = re.compile(r'["\\]')


def _check_brackets(text: str, file_name: str) -> None:
    """Refuse deep flow nesting (`[[[[...`) before the parser sees it.

    ruamel's scanner keeps a possible simple key per open flow collection and re-checks them
    all for every token: 20,000 `[` take seconds. Counting brackets outside quotes and
    comments is linear; a real stack file never has more than a few open at once.

    A quote starts a quoted text where it follows a space, a line start, `[`, `{` or `,`, and
    the last other character before it is a line start, `:`, `-`, `?`, `[`, `{` or `,`; `''`
    inside single quotes and a backslash-escaped character inside double quotes stay inside;
    `#` after a space or a line start opens a comment up to the end of the line. The search
    jumps from one of the characters that matter to the next (a character-by-character loop
    took 55 ms on the 411 KB 4,000 x 400 stack, this 3 ms; the tests check both agree).
    """
    if text.count("[") + text.count("{") <= MAX_OPEN_BRACKETS:
        return  # never more open than opened
    depth, at, end = 0, 0, len(text)
    while (found := _BRACKET_STATE.search(text, at)) is not None:
        at = found.start()
        ch = text[at]
        if ch in "[{":
            depth += 1
            if depth > MAX_OPEN_BRACKETS:
                line = text.count("\n", 0, at) + 1
                raise StackFileError(
                    [f"{file_name}, line {line}: nested more than {MAX_DEPTH} levels deep; expected a stack file's settings"]
                )
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch == "#":
            if at == 0 or text[at - 1] in " \t\n":
                at = text.find("\n", at)
                if at < 0:
                    return
                continue
        else:
            previous = text[at - 1] if at else "\n"
            before = at - 1
            while before >= 0 and text[before] in " \t":
                before -= 1
            token = text[before] if before >= 0 else "\n"
            if previous in " \t\n[{," and token in "\n:-?[{,":  # a quote that starts a scalar
                at = _quoted_end(text, at, ch)
                if at >= end:
                    return
                continue
        at += 1


def _quoted_end(text: str, start: int, quote: str) -> int:
    """Just past the quote that closes the one at `start` (`len(text)` or more if none does)."""
    at = start + 1
    if quote == "'":
        while (at := text.find("'", at)) >= 0:
            if text.startswith("''", at):
                at += 2  # an escaped quote
            else:
                return at + 1
        return len(text)
    while (found := _DOUBLE_QUOTED_STATE.search(text, at)) is not None:
        if found.group() == "\\":
            at = found.start() + 2  # the next character is escaped
        else:
            return found.start() + 1
    return len(text)


def _scalar(node: ScalarNode, file_name: str, path: str) -> Any:
    tag = str(node.tag)
    text = str(node.value)
    at = f"{_where(node, file_name)}: {path}"
    if tag == f"{_TAG}str":
        return text
    if tag == f"{_TAG}null" and text in _NULLS:
        return None
    if tag == f"{_TAG}bool" and text in _BOOLS:
        return _BOOLS[text]
    if tag == f"{_TAG}int":
        if not _PLAIN_INT_RE.match(text):
            raise StackFileError(
                [
                    f"{at}: the number {text} is read differently by YAML readers (the engine reads a leading 0 as octal "
                    "and drops _); quote it if it is an id or a name, or write a plain decimal number"
                ]
            )
        return _number(text, int(text))
    if tag == f"{_TAG}float":
        if not _PLAIN_FLOAT_RE.match(text):
            raise StackFileError([f"{at}: {text} is not a finite number; quote it or write a plain decimal number"])
        return _number(text, float(text))
    if tag == f"{_TAG}timestamp":
        raise StackFileError([f'{at}: {text} is a date/time to YAML (the engine passes it on as text); quote it, e.g. "{text}"'])
    raise StackFileError(
        [f"{at}: a value with the YAML type {tag.removeprefix(_TAG)}; expected plain text, a number, true/false or null"]
    )


def _number(text: str, value: float) -> Any:
    """A plain number as yaml.v3 resolves it (resolve.go): an integer in int64 or uint64 range, or
    else a float64; a number no float64 holds (`1e400`, 400 digits) fails ParseFloat with a
    range error, and yaml.v3 then keeps the scalar as the string it is. The settings then
    refuse that text where a number belongs, naming the key (never a crash converting it)."""
    if isinstance(value, int) and -(1 << 63) <= value < (1 << 64):
        return value
    as_float = float(text)  # float("1" * 400) is inf, never an OverflowError
    return as_float if math.isfinite(as_float) else text


def _value(node: Node, file_name: str, path: str) -> Any:
    """The node as plain data (depth is bounded by `_check_events`)."""
    if isinstance(node, ScalarNode):
        return _scalar(node, file_name, path)
    if isinstance(node, SequenceNode):
        if str(node.tag) != f"{_TAG}seq":
            raise StackFileError([f"{_where(node, file_name)}: {path}: a {node.tag} sequence; expected a plain list"])
        return [_value(item, file_name, f"{path}[{i}]") for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        if str(node.tag) != f"{_TAG}map":
            raise StackFileError([f"{_where(node, file_name)}: {path}: a {node.tag} mapping; expected a plain mapping"])
        result: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            name = _mapping_key(key_node, file_name, path)
            if name in result:
                raise StackFileError(
                    [
                        f"{_where(key_node, file_name)}: {_join(path, name)}: duplicate key (first at line {lines[name]}); "
                        "the engine refuses the file: keep one"
                    ]
                )
            lines[name] = key_node.start_mark.line + 1
            result[name] = _value(value_node, file_name, _join(path, name))
        return result
    raise StackFileError([f"{_where(node, file_name)}: {path}: unexpected YAML node"])  # pragma: no cover


def _mapping_key(node: Node, file_name: str, path: str) -> str:
    if isinstance(node, ScalarNode) and str(node.tag) == f"{_TAG}merge":
        raise StackFileError([f"{_where(node, file_name)}: {path}: a merge key (<<); write the keys out instead"])
    if not isinstance(node, ScalarNode):
        raise StackFileError([f"{_where(node, file_name)}: {path}: a key that is a list or mapping; expected a name"])
    if str(node.tag) != f"{_TAG}str":
        tag = str(node.tag).removeprefix(_TAG)
        kind = _KEY_KINDS.get(tag, f"of the YAML type {tag}")
        raise StackFileError(
            [f"{_where(node, file_name)}: {path}: the key {node.value} is {kind} to YAML, not text; quote it (keys are names)"]
        )
    return str(node.value)


_KEY_KINDS = {"int": "a number", "float": "a number", "bool": "a boolean", "null": "null", "timestamp": "a date"}


def _join(path: str, name: str) -> str:
    """`config` is the stack file's section: keys under it are named as the settings name them."""
    return f"{path}.{name}" if path and path != "config" else name


def load_yaml(path: Path, what: str) -> Any:
    """A YAML file as plain data (str, int, float, bool, None, list, dict), read as the engine reads it.

    Raises `StackFileError` naming the file (and line and key where there is one).
    """
    file_name = path.name
    try:
        info = path.stat()
    except FileNotFoundError:
        raise StackFileError([f"{file_name}: {what} not found in {path.parent}"]) from None
    except OSError as exc:
        raise StackFileError([f"{file_name}: cannot be read ({exc.strerror}); expected a {what}"]) from None
    if not stat.S_ISREG(info.st_mode):
        raise StackFileError([f"{file_name}: not a regular file; expected a {what}"])
    if info.st_size > MAX_FILE_BYTES:
        raise StackFileError([f"{file_name}: {info.st_size:,} bytes; expected a {what} of at most {MAX_FILE_BYTES:,} bytes"])
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StackFileError([f"{file_name}: not UTF-8 text ({exc.reason} at byte {exc.start}); expected a {what}"]) from None
    except OSError as exc:
        raise StackFileError([f"{file_name}: cannot be read ({exc.strerror}); expected a {what}"]) from None
    text = text.removeprefix("\ufeff")  # the engine strips a UTF-8 byte-order mark (workspace/loaders.go)
    known = (str(path), what, text)
    if known in _READ:
        return copy.deepcopy(_READ[known])
    if len(_READ) >= _REMEMBERED:
        del _READ[next(iter(_READ))]  # the oldest first
    _READ[known] = _parsed(text, file_name, what)
    return copy.deepcopy(_READ[known])


_REMEMBERED = 64
"""How many files `_READ` keeps: an organisation's stack files and Pulumi.yaml (51 in `make bench-org`)."""
_READ: dict[tuple[str, str, str], Any] = {}
"""The last files read (at most `_REMEMBERED`), by path, kind and exact text: `read_engine_config` and `read_project`
read a stack's own file and its neighbours, and the organisation check reads each file as the
engine merges it and for the keys it sets; the pure-Python parser is the cost (about 0.1 s for
a 20 KB file), the text comparison is not. Keyed by the text itself, so an edited file is read anew."""


def _parsed(text: str, file_name: str, what: str) -> Any:
    yaml = YAML(typ="safe", pure=True)
    try:
        _check_brackets(text, file_name)
        events = _check_events(yaml, text, file_name)
        node = _compose(yaml, events)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise StackFileError([f"{file_name}{line}: not valid YAML ({exc.problem or exc.context}); expected a {what}"]) from None
    except YAMLError as exc:
        raise StackFileError([f"{file_name}: not valid YAML ({exc}); expected a {what}"]) from None
    if node is None:
        return None
    return _value(node, file_name, "")
