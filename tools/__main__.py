"""The command line behind `make plan` (and, as they land, `check`, `verify`, `bench`).

    python -m tools plan --stack utils --format json

Exit codes: 0 success, 1 the command ran and found a failure, 2 bad settings or usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from crossaccount.settings import SettingsError

from .mocks import ProgramError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="print what `pulumi up` would create, offline")
    plan.add_argument("--stack", default="utils", help="stack name: reads Pulumi.<stack>.yaml (default: utils)")
    plan.add_argument("--format", default="text", choices=("text", "json", "markdown"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "plan":
            from . import plan  # noqa: PLC0415 (each command loads only what it needs)

            return plan.main(args.stack, args.format, sys.stdout)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ProgramError as error:
        cause = error.cause
        print(f"error: {cause}", file=sys.stderr)
        return 2 if isinstance(cause, SettingsError) else 1
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
