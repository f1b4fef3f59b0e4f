"""The tests wait on the test clock (tests/fake_time.py), never for real: no test imports `time`
(or `threading`/`asyncio`, whose waits are real too), and every `verify.Options` a test builds
takes the test clock's `sleep` and `clock`, so a retry it did not expect ends at once instead of
waiting out `--wait` (60 s by default)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REAL_WAITS = {"time", "threading", "asyncio"}


def sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(TESTS.rglob("*.py"))]


def test_no_test_imports_a_real_clock() -> None:
    found = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            found += [f"{path.relative_to(TESTS)}:{node.lineno} {name}" for name in names if name.split(".")[0] in REAL_WAITS]
    assert found == []


def test_every_verify_options_a_test_builds_takes_the_test_clock() -> None:
    found = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func) == "verify.Options"):
                continue
            keywords = {k.arg for k in node.keywords}
            if not ({"sleep", "clock"} <= keywords or None in keywords):  # `**fake_clock()` or a helper's values
                found.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert found == []
