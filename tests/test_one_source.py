"""Each fact about IAM, STS, the engine and the AWS provider is written in one module, and every
other module imports it from there: a token or a format spelled twice drifts apart unseen."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tools.paths import PROJECT_DIR

PACKAGES = ("crossaccount", "components", "tools", "policypack")
RESOURCE_TYPES = Path("crossaccount/resource_types.py")
IAM = Path("crossaccount/iam.py")
TOKEN = re.compile(r"^(aws:[a-z0-9]+/[A-Za-z0-9]+:[A-Za-z0-9]+|pulumi:providers:aws|\[secret\])$")
"""A resource-type token, the AWS provider's type, or how a plan shows a secret."""
SSO_ROLE = re.compile(r"AWSReservedSSO|aws-reserved")
"""Identity Center's role name or path: a pattern over them belongs in crossaccount/iam.py."""


def _code_strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module that are code, not docstrings or comments."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _sources() -> list[Path]:
    found = [Path("__main__.py")]
    for package in PACKAGES:
        found += sorted(p.relative_to(PROJECT_DIR) for p in (PROJECT_DIR / package).rglob("*.py") if "venv" not in p.parts)
    return found


def _spelled_outside(home: Path, pattern: re.Pattern[str]) -> list[str]:
    """Every code string matching `pattern` in a module other than `home`, with its place."""
    return [
        f"{path}:{line}: {value!r}"
        for path in _sources()
        if path != home
        for line, value in _code_strings(PROJECT_DIR / path)
        if pattern.search(value)
    ]


def test_resource_type_tokens_are_written_only_in_resource_types() -> None:
    assert _spelled_outside(RESOURCE_TYPES, TOKEN) == []


def test_identity_center_role_formats_are_written_only_in_iam() -> None:
    assert _spelled_outside(IAM, SSO_ROLE) == []
