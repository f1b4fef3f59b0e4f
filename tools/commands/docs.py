"""`python -m tools docs`: the parts of docs/ that restate the code, generated from the code.

    python -m tools docs            # rewrite the generated blocks of docs/*.md
    python -m tools docs --check    # exit 1 when a committed block differs from the code (what the test runs)

Each block sits between `<!-- generated: NAME -->` and `<!-- end generated: NAME -->` in its
page; the text around it is written by hand. The single sources: each setting's type, default
and description (with its bounds, read from `crossaccount.iam`) are declared once in
`crossaccount/settings/models.py`; each rule's id, severity, summary, waivability and how the
policy pack applies it are declared once where the rule is (`crossaccount.guardrails.RULES`).
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from crossaccount.guardrails import RULES
from crossaccount.settings import models
from tools.paths import PROJECT_DIR

DOCS = Path("docs")


def _type(annotation: Any) -> str:
    """A setting's type in the words of a stack file."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        named = [_type(a) for a in args if a is not type(None)]
        return " or ".join(named) + (" or null" if type(None) in args else "")
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type(args[0])}"
    if origin is dict:
        return f"map of {_type(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"{annotation.__name__} (map)"
    names = {str: "text", bool: "boolean", int: "integer", Any: "any"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value: Any = field.default_factory()  # type: ignore[call-arg]
        return "`{}`" if isinstance(value, dict | BaseModel) else "`[]`"
    if field.default is PydanticUndefined:
        return "required"
    if field.default is None:
        return "none"
    if field.default == "":
        return '`""`'
    return f"`{str(field.default).lower()}`" if isinstance(field.default, bool) else f"`{field.default}`"


def settings_table(model: type[BaseModel]) -> str:
    lines = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        key = field.alias or name
        meaning = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{key}` | {_type(field.annotation)} | {_default(field)} | {meaning} |")
    return "\n".join(lines) + "\n"


def rules_table() -> str:
    lines = ["| id | severity | what it catches | waivable | pack |", "| --- | --- | --- | --- | --- |"]
    for rule_id, info in sorted(RULES.items()):
        summary = info.summary.replace("|", "\\|")
        lines.append(f"| `{rule_id}` | {info.severity} | {summary} | {'yes' if info.waivable else 'no'} | {info.pack} |")
    return "\n".join(lines) + "\n"


BLOCKS: dict[str, tuple[str, Callable[[], str]]] = {
    "stack": ("settings.md", lambda: settings_table(models.StackSettings)),
    "account": ("settings.md", lambda: settings_table(models.AccountSettings)),
    "user": ("settings.md", lambda: settings_table(models.UserSettings)),
    "role": ("settings.md", lambda: settings_table(models.RoleSettings)),
    "check": ("settings.md", lambda: settings_table(models.SmokeCheck)),
    "trusted-tag": ("settings.md", lambda: settings_table(models.TrustedTag)),
    "group": ("settings.md", lambda: settings_table(models.GroupSettings)),
    "self-service": ("settings.md", lambda: settings_table(models.SelfServiceSettings)),
    "password-policy": ("settings.md", lambda: settings_table(models.PasswordPolicySettings)),
    "rules": ("guardrails.md", rules_table),
}
"""Block name -> (page under docs/, what writes it)."""


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- generated: {name} -->\n", f"<!-- end generated: {name} -->"


def render_page(text: str, page: str, where: str) -> str:
    """`text` with each of `page`'s blocks written from the code."""
    for name, (in_page, make) in BLOCKS.items():
        if in_page != page:
            continue
        start, end = _markers(name)
        head, found, rest = text.partition(start)
        _, closed, tail = rest.partition(end)
        if not (found and closed):
            raise ValueError(f"{where}: no {start.strip()} ... {end} block; expected one for the generated {name} table")
        text = f"{head}{start}{make()}{end}{tail}"
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="exit 1 when a page differs from the code; write nothing")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="the repository (default: this one)")


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    stale = []
    for page in sorted({p for p, _ in BLOCKS.values()}):
        path = args.project_dir / DOCS / page
        try:
            text = path.read_text(encoding="utf-8")
            wanted = render_page(text, page, f"{DOCS / page}")
        except (OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        if wanted != text:
            stale.append(f"{DOCS / page}")
            if not args.check:
                path.write_text(wanted, encoding="utf-8")
    if args.check and stale:
        print(f"out of date with the code: {', '.join(stale)}; run `python -m tools docs`", file=sys.stderr)
        return 1
    print("\n".join(f"wrote {p}" for p in stale) if stale else "docs: up to date", file=out)
    return 0
