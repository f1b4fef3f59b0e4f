"""Where the project's files are, for every command (no Pulumi import here: `check` and
`verify` start without loading the SDK)."""

from __future__ import annotations

from pathlib import Path

from crossaccount.documents import build_stack_plan
from crossaccount.guardrails import Finding, check_plan
from crossaccount.settings import load_settings, read_stack_file

from .paths import PROGRAM, PROJECT_DIR

__all__ = ["PROGRAM", "PROJECT_DIR", "stack_file", "stack_findings"]


def stack_file(stack: str, project_dir: Path = PROJECT_DIR) -> Path:
    return project_dir / f"Pulumi.{stack}.yaml"


def stack_findings(stack: str, project_dir: Path = PROJECT_DIR) -> list[Finding]:
    """The guardrails' findings for Pulumi.<stack>.yaml, without running the program:
    settings -> plan -> rules, the same functions the program runs at start."""
    raw = read_stack_file(stack_file(stack, project_dir))
    return check_plan(build_stack_plan(load_settings(stack, raw, project_dir / "policies")))
