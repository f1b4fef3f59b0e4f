"""docs/development.md's layout names every package and module of the program, so that it cannot
drift from the tree (issue 31: half a dozen modules and a package had been added since it was
last read against the tree).

The layout is the second code block of its "Layout" section: an entry per line that starts at the
first column (`crossaccount/read/   the only step that touches files: ... (yaml.py) ...`), its
description continued on the indented lines below. A module is named when an entry is its path,
or when the entry of a folder above it names it by its path from there (`yaml.py` under
`crossaccount/read/`, `verify/` under `tools/commands/`); a package's `__init__.py` when its
folder has an entry or is named so; a folder also by an entry of a folder in it (`.github/workflows/`). Every folder of the repository's own top level is named too.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tools.paths import PROJECT_DIR

DOC = PROJECT_DIR / "docs" / "development.md"
PACKAGES = ("crossaccount", "components", "tools", "policypack")


def layout_entries(text: str) -> dict[str, str]:
    """Entry -> its description (continuation lines joined), from the layout's second code block."""
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    entries: dict[str, str] = {}
    last = None
    for line in blocks[1].splitlines():
        if line and not line[0].isspace():
            last, _, description = line.partition(" ")
            entries[last.rstrip(",")] = description.strip()
        elif last is not None:
            entries[last.rstrip(",")] += " " + line.strip()
    return entries


def is_named(path: str, entries: dict[str, str]) -> bool:
    """Whether the layout names `path` (a module, or a folder ending with /)."""
    if path in entries or (path.endswith("/") and any(e.startswith(path) for e in entries)):
        return True  # a folder with an entry of its own, or one for a folder in it
    if path.endswith("/__init__.py"):
        return is_named(path.removesuffix("__init__.py"), entries)
    for entry, description in entries.items():
        if entry.endswith("/") and path.startswith(entry) and path != entry:
            below = re.escape(path[len(entry) :])
            if re.search(rf"(?<![\w./-]){below}(?![\w/-])", description):
                return True
    return False


def program_paths() -> list[str]:
    """Every Python module of the program's packages, every folder of them, and every top-level
    folder, as git tracks them (what a checkout holds)."""
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout.splitlines()
    found = {"__main__.py"}
    for name in tracked:
        parts = Path(name).parts
        if len(parts) > 1:
            found.add(f"{parts[0]}/")
        if parts[0] in PACKAGES and name.endswith(".py"):
            found.add(name)
            found |= {"/".join(parts[:i]) + "/" for i in range(1, len(parts))}
    return sorted(found)


ENTRIES = layout_entries(DOC.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", program_paths())
def test_the_layout_names_every_package_and_module(path: str) -> None:
    assert is_named(path, ENTRIES), f"docs/development.md's layout does not name {path}"


def test_the_check_reads_entries_and_sees_a_module_left_out() -> None:
    text = (
        "## Layout\n\n```\ndiagram\n```\n\n```\n"
        "crossaccount/read/               the read step: YAML (yaml.py), policies/\n"
        "                                 (policies.py) and tools/commands/verify/x.py\n"
        "tools/commands/                  plan.py, verify/\n"
        "```\n\n## Development\n"
    )
    entries = layout_entries(text)
    assert (
        entries["crossaccount/read/"] == "the read step: YAML (yaml.py), policies/ (policies.py) and tools/commands/verify/x.py"
    )
    assert is_named("crossaccount/read/yaml.py", entries)
    assert is_named("crossaccount/read/policies.py", entries)
    assert is_named("crossaccount/read/__init__.py", entries)
    assert is_named("tools/commands/verify/", entries)
    assert is_named("tools/commands/verify/__init__.py", entries)
    assert not is_named("crossaccount/read/engine.py", entries)
    assert not is_named("tools/commands/check.py", entries)
    assert not is_named("tools/commands/verify/x.py", entries)  # named under another folder's entry: not its own
    assert not is_named("crossaccount/read/strict_yaml.py", entries)
