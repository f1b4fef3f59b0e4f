"""The command line behind `make plan`, `make check`, `make verify` and `make bench`.

    python -m tools plan --stack utils --format json

Each command is one module of this package with `add_arguments(parser)` and `run(args)`.
Exit codes: 0 success, 1 the command ran and found a failure, 2 bad settings or usage.
"""

from __future__ import annotations

from . import startup

if __name__ == "__main__":
    startup.loading()  # before the imports below (tools/startup.py)

import argparse
import importlib
import sys
from collections.abc import Sequence

from crossaccount.errors import DataFileError, SettingsError
from crossaccount.guardrails import GuardrailError

from .offline.errors import ProgramError

# command -> (module, one-line help). Modules are imported only when their command runs.
COMMANDS = {
    "plan": ("tools.commands.plan", "print what `pulumi up` would create, offline"),
    "check": ("tools.commands.check", "run the IAM guardrails on a stack's settings and policy files"),
    "can": ("tools.commands.can", "can this principal perform this action on this resource, through which role (offline)"),
    "who-can": ("tools.commands.who_can", "every principal that can perform this action on this resource, and how (offline)"),
    "verify": ("tools.commands.verify", "after `pulumi up`: assume each role and run its checks"),
    "aws-config": ("tools.commands.aws_config", "one person's ~/.aws/config (or --steps) over every stack, offline"),
    "comment": ("tools.commands.comment", "the pull request's one review comment, from the plans of plan --artifact"),
    "review": ("tools.commands.review", "the review comment against a git ref or base folder, as the workflow makes it"),
    "bench": ("tools.benchmark.bench", "time the program under the mocks for stacks of growing size"),
    "policypack": ("tools.commands.policypack", "write a copy of the policy pack that runs without this repository"),
    "managed-policies": ("tools.commands.managed_policies", "refresh the copy of AWS's managed policies from IAM's API"),
    "analyze": (
        "tools.commands.analyze",
        "optional: IAM Access Analyzer's checks of the changed policy documents (calls AWS, charged)",
    ),
    "docs": ("tools.commands.docs", "write the tables of docs/ that restate the code (settings, rules) from the code"),
}


def _parser(chosen: str | None) -> argparse.ArgumentParser:
    """All commands are listed; only the chosen one's module is imported for its arguments."""
    parser = argparse.ArgumentParser(prog="python -m tools", description=(__doc__ or "").split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (module, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text)
        if name == chosen:
            importlib.import_module(module).add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser(argv[0] if argv else None).parse_args(argv)  # imports the command's module
    if __name__ == "__main__":
        startup.loaded()
    try:
        result: int = importlib.import_module(COMMANDS[args.command][0]).run(args)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except GuardrailError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except DataFileError as error:
        print(f"error: {error}; nothing was checked", file=sys.stderr)
        return 2
    except ProgramError as error:
        print(f"error: {error.cause}", file=sys.stderr)
        return 2 if isinstance(error.cause, SettingsError | DataFileError) else 1
    return result


if __name__ == "__main__":
    sys.exit(main())
