"""The stack's outputs: read (from a file or `pulumi stack output --json`), typed, and checked
against the stack's plan, so that verify assumes exactly the roles these settings imply."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from crossaccount.errors import show, type_name
from crossaccount.plan import StackPlan
from crossaccount.read import json_file
from crossaccount.read.project import stack_file_name
from tools.paths import PROJECT_DIR

from .common import MAX_OUTPUTS_BYTES, MAX_OUTPUTS_DEPTH, OUTPUTS_EXPECTED, VerifyError

_EXPECTED_TYPES = {
    "string_type": "a string",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}
"""Pydantic's error types, as what was expected in JSON's words."""

# --- the stack's outputs -----------------------------------------------------------------


class _Outputs(BaseModel):
    """The outputs verify reads; other keys are ignored, so new outputs do not break it."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, extra="ignore", frozen=True, strict=True)


class UserOutput(_Outputs):
    arn: str
    mfa_serial: str


class RoleOutput(_Outputs):
    arn: str


class StackOutputs(_Outputs):
    """`crossaccount.plan.stack_outputs`, as `pulumi stack output --json` prints it."""

    source_account_id: str
    target_account_id: str
    users: dict[str, UserOutput]
    roles: dict[str, RoleOutput]


def parse_outputs(data: Any, where: str) -> StackOutputs:
    """Validate decoded outputs; `where` names their origin in the error."""
    try:
        return StackOutputs.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            path = json_file.path_text(tuple(item["loc"]))
            if item["type"] == "missing":
                problems.append(f"{path}: missing")
            elif item["type"] in _EXPECTED_TYPES:
                value = item["input"]
                problems.append(f"{path}: got {show(value)} ({type_name(value)}); expected {_EXPECTED_TYPES[item['type']]}")
            else:
                problems.append(f"{path}: {item['msg'].lower()}")
        raise VerifyError(f"{where}: not this program's outputs ({'; '.join(problems)}); {OUTPUTS_EXPECTED}") from None


def read_outputs_file(path: Path) -> StackOutputs:
    """The outputs saved with `pulumi stack output --json > FILE`: a regular file (a FIFO is
    refused, never waited on), strict JSON, bounded in size and depth (`crossaccount.read.json_file`)."""
    where = f"outputs file {path}"
    try:
        data = json_file.read_json_file(
            path, where, OUTPUTS_EXPECTED, max_bytes=MAX_OUTPUTS_BYTES, max_depth=MAX_OUTPUTS_DEPTH, noun="outputs"
        )
    except json_file.JsonFileError as error:
        raise VerifyError(str(error)) from None
    return parse_outputs(data, where)


def _outputs_json(text: str, where: str) -> Any:
    """What the Pulumi CLI printed, read as strictly as an outputs file."""
    if len(text) > MAX_OUTPUTS_BYTES:
        raise VerifyError(f"{where}: {len(text):,} characters; {OUTPUTS_EXPECTED} (at most {MAX_OUTPUTS_BYTES:,})")
    try:
        return json_file.parse(text, where, OUTPUTS_EXPECTED, MAX_OUTPUTS_DEPTH, "outputs")
    except json_file.JsonFileError as error:
        raise VerifyError(str(error)) from None


def outputs_from_pulumi(
    stack: str, project_dir: Path = PROJECT_DIR, which: Callable[[str], str | None] = shutil.which
) -> StackOutputs:
    """Ask the Pulumi CLI for the deployed stack's outputs."""
    command = f"pulumi stack output --json --stack {stack}"
    executable = which("pulumi")
    if executable is None:
        raise VerifyError(
            "the Pulumi CLI (pulumi) is not on PATH, so verify cannot read the stack's outputs; "
            f"run `{command} > outputs.json` where the CLI is installed and pass --outputs outputs.json "
            "(make verify OUTPUTS=outputs.json)"
        )
    done = subprocess.run(  # noqa: S603 (a fixed command; the stack name is passed as one argument)
        [executable, "stack", "output", "--json", "--stack", stack],
        cwd=project_dir,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode != 0:
        raise VerifyError(f"`{command}` failed (exit {done.returncode}): {done.stderr.strip() or '(no message)'}")
    return parse_outputs(_outputs_json(done.stdout, f"`{command}`"), f"`{command}`")


def check_outputs_match(plan: StackPlan, outputs: StackOutputs, where: str) -> None:
    """The outputs must be those of this stack: same accounts, every declared role and user."""
    s = plan.settings
    file_name = stack_file_name(plan.stack)
    problems = []
    for side, account, found in (
        ("source", s.source.account_id, outputs.source_account_id),
        ("target", s.target.account_id, outputs.target_account_id),
    ):
        if found != account:
            problems.append(f"{side}AccountId is {found!r} but {file_name} says {side}.accountId {account!r}")
    problems += [f"no role {name!r}, which {file_name} declares" for name in s.roles if name not in outputs.roles]
    problems += [f"role {name!r}, which {file_name} does not declare" for name in outputs.roles if name not in s.roles]
    if plan.kind == "roles":  # its outputs name the people of the people's stack whom its roles trust
        trusted = {u.name for u in plan.users}
        problems += [f"no user {name!r}, whom a role of {file_name} trusts" for name in sorted(trusted - set(outputs.users))]
        problems += [f"user {name!r}, whom no role of {file_name} trusts" for name in outputs.users if name not in trusted]
    else:
        problems += [f"no user {name!r}, which {file_name} declares" for name in s.users if name not in outputs.users]
        problems += [f"user {name!r}, which {file_name} does not declare" for name in outputs.users if name not in s.users]
    # The ARNs verify assumes and compares with must be the ones these settings imply
    # (account, partition, path, name): never a role of another account or path.
    for role in plan.roles:
        found_role = outputs.roles.get(role.name)
        if found_role is not None and found_role.arn != role.arn:
            problems.append(f"roles.{role.name}.arn is {found_role.arn!r} but {file_name} implies {role.arn!r}")
    for user in plan.users:
        found_user = outputs.users.get(user.name)
        if found_user is not None and found_user.arn != user.arn:
            problems.append(f"users.{user.name}.arn is {found_user.arn!r} but {file_name} implies {user.arn!r}")
        if found_user is not None and found_user.mfa_serial != user.mfa_serial:
            problems.append(
                f"users.{user.name}.mfaSerial is {found_user.mfa_serial!r} but {file_name} implies {user.mfa_serial!r}"
            )
    if problems:
        raise VerifyError(
            f"{where}: {'; '.join(problems)}; expected the outputs of stack {plan.stack} after `pulumi up` with these settings"
        )
