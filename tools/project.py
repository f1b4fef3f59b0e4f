"""Where the project's files are, for every command (no Pulumi import here: `check` and
`verify` start without loading the SDK)."""

from __future__ import annotations

from pathlib import Path

from crossaccount.documents import build_stack_plan
from crossaccount.guardrails import Finding, check_plan
from crossaccount.people import check_password_policy_owner
from crossaccount.stack_file import read_stack_settings, stack_file_name

from .paths import PROGRAM, PROJECT_DIR

__all__ = ["PROGRAM", "PROJECT_DIR", "stack_file", "stack_findings"]


def stack_file(stack: str, project_dir: Path = PROJECT_DIR) -> Path:
    return project_dir / stack_file_name(stack)


def stack_findings(stack: str, project_dir: Path = PROJECT_DIR) -> list[Finding]:
    """The guardrails' findings for Pulumi.<stack>.yaml, without running the program:
    settings -> plan -> rules, the same functions the program runs at start."""
    loaded = read_stack_settings(project_dir, stack)
    check_password_policy_owner(loaded, project_dir)
    return check_plan(build_stack_plan(loaded))
