"""How long `make check` takes on a stack: the whole command, then the rules alone.

    .venv/bin/python benchmarks/check_speed.py [--stack utils] [--runs 5]

The command's time is mostly imports (parliament's action catalogue, pydantic, pulumi via
the tools package); the rules themselves take milliseconds. Measured here, never asserted
in a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.plan import stack_findings  # noqa: E402 (needs the repository root on the path, above)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--stack", default="utils")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    command = [sys.executable, "-m", "tools", "check", "--stack", args.stack]
    walls = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=False, capture_output=True)  # noqa: S603 (our own interpreter and module)
        walls.append(time.perf_counter() - start)
    print(
        f"python -m tools check --stack {args.stack}: median {statistics.median(walls):.2f} s, min {min(walls):.2f} s ({args.runs} runs)"
    )

    start = time.perf_counter()
    findings = stack_findings(args.stack)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    stack_findings(args.stack)
    warm = time.perf_counter() - start
    print(
        f"settings -> plan -> rules in process: first {cold * 1000:.1f} ms, again {warm * 1000:.1f} ms ({len(findings)} findings)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
