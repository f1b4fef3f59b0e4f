"""`python -m tools policypack --out DIR`: a copy of the policy pack that runs on its own.

The pack's rules are `crossaccount/` of this repository. In a checkout, `policypack/__main__.py`
imports them from the folder above; a published pack (`pulumi policy publish` uploads only the
pack's folder) has no folder above. This command writes a self-contained copy: the pack's files
plus the `crossaccount` package beside them, which `__main__.py` finds first. Publish from it:

    python -m tools policypack --out dist/policypack
    cd dist/policypack && pulumi policy publish <org>
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import TextIO

from tools.paths import PROJECT_DIR

PACK_FILES = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt")
"""At the copy's top level: what the CLI reads (PulumiPolicy.yaml, requirements.txt) and runs (__main__.py)."""
PACKAGE_FILES = ("__init__.py", "policies.py")
"""The adapter, kept as the `policypack` package so the copy imports it as the checkout does."""


def build(out: Path, project_dir: Path = PROJECT_DIR) -> list[Path]:
    """Write the self-contained pack into `out` (emptied first); returns the files written, sorted."""
    if out.exists():
        shutil.rmtree(out)
    (out / "policypack").mkdir(parents=True)
    source = project_dir / "policypack"
    for name in PACK_FILES:
        shutil.copy2(source / name, out / name)
    for name in PACKAGE_FILES:
        shutil.copy2(source / name, out / "policypack" / name)
    shutil.copytree(project_dir / "crossaccount", out / "crossaccount", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return sorted(p for p in out.rglob("*") if p.is_file())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="folder to write the self-contained pack to (replaced)")


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    files = build(args.out)
    out.write(f"wrote {len(files)} files to {args.out}: a policy pack that runs without this repository\n")
    return 0
