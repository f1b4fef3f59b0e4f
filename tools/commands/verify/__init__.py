"""`make verify`: prove after `pulumi up` that each role can be assumed and does what it should.

For every role of the stack, with the source-side credentials of one of its trusted users:
take the route the stack's outputs give that person (`crossaccount.plan.route`): where AWS
requires MFA, one GetSessionToken with the code (what `aws configure mfa-login` does), then
AssumeRole signed with that session, with the outputs' parameters (ExternalId, SourceIdentity,
session length), retrying with backoff while IAM propagates; confirm with `sts:GetCallerIdentity` that the session is
that role in the target account; run the role's `checks` from the stack settings (`allow`
must succeed, `deny` must answer an access-denied code). One line per check, a summary, exit
1 if anything failed or nothing could be verified.

Which user: the caller identity of the source credentials. It must be a user of this stack in
the source account; roles that do not trust that user are reported as skipped. To verify
another user's roles, run again with that user's credentials.

Secrets stay in memory: no key, secret or session token is printed, and every message
that comes back from AWS is scrubbed of them before it is shown.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from crossaccount.pipeline import check_stack, enforce
from crossaccount.read.project import environments_note, stack_file_name
from tools.paths import PROJECT_DIR, program_problem

from .aws_config import check_endpoints
from .checks import Call, resolve_checks, with_bucket_location
from .common import DEFAULT_WAIT_SECONDS, FORMATS, MAX_WAIT_SECONDS, VerifyError
from .credentials import _check_external_ids, _external_ids, source_session
from .outputs import StackOutputs, check_outputs_match, outputs_from_pulumi, parse_outputs, read_outputs_file
from .report import RENDERERS, Report, Result, as_data, classify, error_code, redact, render_json, render_text
from .retry import Retried, _assume_retryable, with_backoff
from .run import check_options, verify_stack
from .state import Options, _Run

__all__ = [
    "DEFAULT_WAIT_SECONDS",
    "FORMATS",
    "RENDERERS",
    "Call",
    "Options",
    "Report",
    "Result",
    "Retried",
    "StackOutputs",
    "VerifyError",
    "_Run",
    "_assume_retryable",
    "_check_external_ids",
    "_external_ids",
    "add_arguments",
    "as_data",
    "check_outputs_match",
    "classify",
    "error_code",
    "outputs_from_pulumi",
    "parse_outputs",
    "read_outputs_file",
    "redact",
    "render_json",
    "render_text",
    "resolve_checks",
    "run",
    "source_session",
    "verify_stack",
    "with_backoff",
    "with_bucket_location",
]

# --- the command ---------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default="utils", help="reads Pulumi.<stack>.yaml (default: utils)")
    parser.add_argument("--format", default="text", choices=FORMATS, help="text (default) or json")
    parser.add_argument(
        "--project-dir", type=Path, default=PROJECT_DIR, help="folder with Pulumi.<stack>.yaml and policies/ (default: this repo)"
    )
    parser.add_argument(
        "--external-id",
        action="append",
        default=[],
        metavar="ROLE=VALUE",
        help="the externalId of a role whose externalId is a secret (secure:), which verify never decrypts (repeatable)",
    )
    parser.add_argument(
        "--outputs", metavar="FILE", help="the stack's outputs saved with `pulumi stack output --json` (default: ask the CLI)"
    )
    parser.add_argument("--mfa-token", metavar="CODE", help="the 6-digit MFA code (default: prompt when stdin is a terminal)")
    parser.add_argument("--profile", help="source credentials from this profile (default: environment, then source.profile)")
    parser.add_argument("--role", action="append", default=[], metavar="NAME", help="verify only this role (repeatable)")
    parser.add_argument(
        "--endpoint-url", metavar="URL", help="send every AWS call there, e.g. a moto server (AWS_ENDPOINT_URL works too)"
    )
    parser.add_argument(
        "--wait",
        default=DEFAULT_WAIT_SECONDS,
        metavar="SECONDS",
        help=f"retry AssumeRole while IAM propagates for up to this long (default {DEFAULT_WAIT_SECONDS:g}, 0 to {MAX_WAIT_SECONDS:,})",
    )


def run(
    args: argparse.Namespace,
    out: TextIO | None = None,
    err: TextIO | None = None,
    *,
    environ: Mapping[str, str] = os.environ,
    options: Options | None = None,
) -> int:
    """0: every check passed; 1: a check failed or no role could be verified; 2: could not verify.

    `options`, when given, supplies the injectable functions (sleep, clock, prompt, progress);
    the command-line values still come from `args`.
    """

    out = out or sys.stdout
    err = err or sys.stderr

    def to_err(text: str) -> None:
        assert err is not None
        err.write(text + "\n")
        err.flush()

    base = options or Options(interactive=sys.stdin.isatty(), progress=to_err)
    try:
        wait = check_options(args.mfa_token, args.wait)  # usage first, before the stack is read
        check_endpoints(args.endpoint_url, environ)
        project_dir = getattr(args, "project_dir", PROJECT_DIR)
        if (problem := program_problem(project_dir)) is not None:
            raise VerifyError(problem)
        # The same pipeline as the program's: a stack that `up` refuses (settings, plan or
        # guardrails) is refused here, before any AWS call.
        checked = check_stack(project_dir, args.stack, outcome="no AWS call was made")
        if checked.environments:
            to_err(f"warning: {environments_note(stack_file_name(args.stack), checked.environments)}")
        enforce(checked, base.progress)
        loaded = checked.loaded
        calls = resolve_checks(loaded)
        external_ids = _external_ids(getattr(args, "external_id", []))
        _check_external_ids(loaded, Options(roles=tuple(args.role), external_ids=external_ids))  # before any credentials
        if args.outputs:
            outputs, where = read_outputs_file(Path(args.outputs)), f"outputs file {args.outputs}"
        else:
            outputs, where = outputs_from_pulumi(args.stack, project_dir), f"`pulumi stack output --json --stack {args.stack}`"
        check_outputs_match(checked.plan, outputs, where)
        session, origin = source_session(loaded, args.profile, environ)
        base.progress(f"source credentials: {origin}")
        chosen = Options(
            endpoint_url=args.endpoint_url,
            mfa_token=args.mfa_token,
            roles=tuple(args.role),
            wait_seconds=wait,
            interactive=base.interactive,
            prompt=base.prompt,
            sleep=base.sleep,
            clock=base.clock,
            progress=base.progress,
            external_ids=external_ids,
        )
        report = verify_stack(loaded, outputs, session, chosen, calls, checked.plan)
    except VerifyError as error:
        err.write(f"error: {error}\n")
        return 2
    out.write(RENDERERS[args.format](report))
    return 0 if report.ok else 1
