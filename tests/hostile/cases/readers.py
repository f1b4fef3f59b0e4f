"""Hostile input, round two (issue 21), for the readers other than the stack reader, verify's AWS
side, numbers the engine keeps as text, and waivers: each case is what a hostile or careless user
hands one entry point, run through that entry point (`python -m tools ...`, in process through
`tools.__main__.main`; the cases that could hang run as a separate process with a timeout), with
the exit code, the exact error text, and why that outcome is right.

Every `Ends` case: the expected exit code, nothing on stdout (unless the case says what it prints),
no traceback, and stderr ending in exactly the expected error (`{p}` is the case's project folder).
The lines before the error may only be verify's progress line naming the credentials' origin. A
stack every entry point refuses (`settings(...)`) is a `Refused` case with its exact error.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crossaccount.errors import show
from tests.hostile.cases.stack_files import GOOD_OUTPUTS
from tests.hostile.harness import FILE, HERE, Case, Content, Ends, Maker, Refused

STACK = "hostile"
PLAN_EXPECTED = "expected the output of make plan FORMAT=json"
OUTPUTS_EXPECTED = "expected the JSON that `pulumi stack output --json` prints (sourceAccountId, targetAccountId, users, roles)"
PROCESS_OUTPUT = (
    'expected the JSON object {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...", ...} of '
    "https://docs.aws.amazon.com/cli/v1/userguide/cli-configure-sourcing-external.html"
)
SETTINGS = "error: 1 problem(s) in the stack settings; nothing was created:\n  - "

STACK_TEXT = """config:
  cross-account-roles:source:
    accountId: "111122223333"
    region: eu-north-1
  cross-account-roles:target:
    accountId: "444455556666"
    region: eu-north-1
  cross-account-roles:users:
    random_user:
      tags:
        name: random
{more_users}  cross-account-roles:roles:
    s3-list-role:
      description: Lists the S3 buckets of the prod account
      trustedUsers:
        - random_user
{more_trusted}      policyFiles:
        - role_permissions_policy.json
{role_extra}      checks:
        - action: s3:ListBuckets
          expect: allow
{extra}"""

OUTPUTS: dict[str, Any] = GOOD_OUTPUTS  # the valid outputs file of the stack files' corpus (tests/hostile/cases/stack_files.py)

ROLE_URN = "urn:pulumi:hostile::cross-account-roles::crossaccount:iam:CrossAccountAccess$aws:iam/role:Role::s3-list-role"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/random_user"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def base_plan(**inputs: Any) -> dict[str, Any]:
    """A base plan of one role, as `make plan FORMAT=json` writes one; `inputs` change the role's inputs."""
    role = {
        "urn": ROLE_URN,
        "type": "aws:iam/role:Role",
        "name": "s3-list-role",
        "provider": "access-target",
        "account": "target",
        "inputs": {"name": "s3-list-role", "path": "/", "maxSessionDuration": 3600, "assumeRolePolicy": TRUST, **inputs},
        "options": {},
    }
    return {"project": "cross-account-roles", "stack": STACK, "resources": [role], "outputs": {}, "findings": []}


def stack_text(role_extra: str = "", extra: str = "", users: int = 0) -> str:
    more_users = "".join(f"    person-{i:03d}:\n      tags:\n        name: p{i}\n" for i in range(users))
    more_trusted = "".join(f"        - person-{i:03d}\n" for i in range(users))
    return STACK_TEXT.format(more_users=more_users, more_trusted=more_trusted, role_extra=role_extra, extra=extra)


# --- the cases --------------------------------------------------------------------------------


def fifo(path: Path) -> None:
    os.mkfifo(path)


def directory(path: Path) -> None:
    path.mkdir()


def sparse(size: int) -> Maker:
    def make(path: Path) -> None:
        with path.open("wb") as stream:
            stream.truncate(size)

    return make


def link_to(target: str) -> Maker:
    def make(path: Path) -> None:
        path.symlink_to(target)

    return make


def link_to_fifo(path: Path) -> None:
    os.mkfifo(path.parent / "pipe")
    path.symlink_to("pipe")


CASES: list[Case] = []


def entry_case(
    name: str,
    entry: str,
    args: tuple[str, ...],
    code: int,
    error: str,
    why: str,
    files: Mapping[str, Content] | None = None,
    env: dict[str, str] | None = None,
    stdout: str = "",
    separate: bool = False,
) -> Case:
    """What a user hands `entry` (`plan --against`, `verify --outputs`, ...): the command line, its exit
    code and the exact end of stderr (`{p}`: the project's folder), beside the walk-through's stack
    unless the case brings its own."""
    assert entry.split(maxsplit=1)[0] == args[0], name
    content: dict[str, Content] = {FILE: stack_text(), **(files or {})}
    return Case(name, content, Ends(args, code, error, stdout=stdout, separate=separate), why, env=env or {}, origin="readers")


def ends(
    name: str,
    args: tuple[str, ...],
    code: int,
    error: str,
    why: str,
    files: Mapping[str, Content],
    env: dict[str, str] | None = None,
    separate: bool = False,
) -> None:
    CASES.append(entry_case(name, args[0], args, code, error, why, files, env, separate=separate))


def against(name: str, content: bytes | str | Maker | dict[str, Any], error: str, why: str, separate: bool = False) -> None:
    """A base plan for `plan --against`: the error follows `error: --against {p}/base.json: `."""
    files = {"base.json": json.dumps(content) if isinstance(content, dict) else content}
    args = ("plan", "--stack", STACK, "--project-dir", "{p}", "--format", "markdown", "--against", "{p}/base.json")
    ends(name, args, 2, f"error: --against {{p}}/base.json: {error}", why, files, separate=separate)


def outputs(name: str, content: bytes | str | Maker | dict[str, Any], error: str, why: str, separate: bool = False) -> None:
    """An outputs file for `verify --outputs`: the error follows `error: outputs file {p}/outputs.json: `."""
    files = {"outputs.json": json.dumps(content) if isinstance(content, dict) else content}
    args = ("verify", "--stack", STACK, "--project-dir", "{p}", "--outputs", "{p}/outputs.json", "--mfa-token", "123456")
    ends(name, args, 2, f"error: outputs file {{p}}/outputs.json: {error}", why, files, separate=separate)


def aws(
    name: str, error: str, why: str, *more: str, env: dict[str, str] | None = None, files: dict[str, Any] | None = None
) -> None:
    """verify with good settings and outputs, and one bad option or piece of AWS configuration."""
    args = ("verify", "--stack", STACK, "--project-dir", "{p}", "--outputs", "{p}/outputs.json", "--mfa-token", "123456", *more)
    all_files = {"outputs.json": json.dumps(OUTPUTS), **(files or {})}
    ends(name, args, 2, f"error: {error}", why, all_files, env=env or {})


def settings(name: str, stack: str, problem: str, why: str) -> None:
    """A stack file the program, `plan`, `check` and `verify` each refuse with this one settings problem
    (verify: before any AWS call), the whole error exactly."""
    CASES.append(Case(name, {FILE: stack}, Refused((problem,), exact=SETTINGS + problem), why, origin="readers"))


# --- plan --against: the base plan --------------------------------------------------------------
def not_regular(kind: str, expected: str = PLAN_EXPECTED) -> str:
    return f"not a regular file ({kind}); {expected}"


against("base-fifo", fifo, not_regular("a FIFO, a named pipe"), "reading a FIFO waits for a writer forever", separate=True)
against("base-link-to-fifo", link_to_fifo, not_regular("a FIFO, a named pipe"), "open follows the link, so stat does", True)
against("base-directory", directory, not_regular("a directory"), "a folder is no plan")
against("base-missing", link_to("nowhere.json"), f"not found; {PLAN_EXPECTED}", "a dangling link names no file")
against(
    "base-too-large",
    sparse((64 << 20) + 1),
    f"67,108,865 bytes; {PLAN_EXPECTED} (at most 67,108,864 bytes)",
    "a plan of 4,000 users is 20 MB: 64 MB is no plan, and is refused before it is read",
)
against(
    "base-not-utf8",
    b'{"resources": [], "stack": "\xff"}',
    f"not UTF-8 text (invalid start byte at byte 28); {PLAN_EXPECTED}",
    "JSON is UTF-8",
)
against(
    "base-bom",
    b'\xef\xbb\xbf{"resources": []}',
    f"not valid JSON (Unexpected UTF-8 BOM (decode using utf-8-sig) at line 1, column 1); {PLAN_EXPECTED}",
    "make plan never writes a BOM; JSON (RFC 8259) forbids one",
)
against(
    "base-not-json",
    "resources: []",
    f"not valid JSON (Expecting value at line 1, column 1); {PLAN_EXPECTED}",
    "YAML is not the plan",
)
against(
    "base-nan",
    '{"resources": [], "stack": NaN}',
    f"not valid plan JSON (NaN is not JSON); {PLAN_EXPECTED}",
    "NaN is no JSON value; the policy reader refuses it too",
)
against(
    "base-infinity",
    '{"resources": [], "x": -Infinity}',
    f"not valid plan JSON (-Infinity is not JSON); {PLAN_EXPECTED}",
    "-Infinity is no JSON value",
)
against(
    "base-1e400",
    '{"resources": [], "x": 1e400}',
    f"not valid plan JSON (the number 1e400 is beyond what a 64-bit float holds (about 1.8e308)); {PLAN_EXPECTED}",
    "Python reads 1e400 as infinity; Go's encoding/json refuses it: the readers would differ",
)
against(
    "base-duplicate-key",
    '{"resources": [], "stack": "a", "stack": "b"}',
    f"not valid plan JSON (the key 'stack' appears twice in one object; two readers (a reviewer and AWS) may take different ones); "
    f"{PLAN_EXPECTED}",
    "two readers may take different values of one key",
)
against(
    "base-nested-absurdly",
    "[" * 100_000 + "]" * 100_000,
    f"nested too deeply to be plan JSON; {PLAN_EXPECTED}",
    "Python's parser recurses: deep nesting must be an error, not a RecursionError traceback",
)
against(
    "base-nested-deep",
    '{"resources": [], "x": ' + "[" * 40 + "]" * 40 + "}",
    f"nested more than 32 levels deep; {PLAN_EXPECTED}",
    "a plan nests 5 deep: 41 is no plan",
)
AS_PLAN = ", as in the output of make plan FORMAT=json"
against(
    "base-a-list",
    "[]",
    "the top level: got [] (a list); expected an object with a resources list" + AS_PLAN,
    "a plan is an object",
)
against(
    "base-no-resources", "{}", "no resources list; expected an object with a resources list" + AS_PLAN, "the diff reads resources"
)
against(
    "base-resources-an-object",
    {"resources": {}},
    "resources: got {} (an object); expected a list of resources" + AS_PLAN,
    "resources is a list in every plan",
)
against(
    "base-resource-a-string",
    {"resources": ["urn:pulumi:x"]},
    'resources[0]: got "urn:pulumi:x" (a string); expected a resource object with urn, type and name' + AS_PLAN,
    "a resource is an object",
)
against(
    "base-urn-a-number",
    {"resources": [{"urn": 1, "type": "t", "name": "n"}]},
    "resources[0].urn: got 1 (a number); expected a non-empty string" + AS_PLAN,
    "a number where a string belongs",
)
against(
    "base-name-an-object",
    {"resources": [{"urn": "u", "type": "t", "name": {"x": 1}}]},
    'resources[0].name: got {"x": 1} (an object); expected a non-empty string' + AS_PLAN,
    "an object where a name belongs",
)
against(
    "base-type-missing",
    {"resources": [{"urn": "u", "name": "n"}]},
    "resources[0]: no type; expected a resource object with urn, type and name" + AS_PLAN,
    "the diff matches resources by type",
)
against(
    "base-account-a-number",
    {"resources": [{"urn": "u", "type": "t", "name": "n", "account": 444455556666}]},
    "resources[0].account: got 444455556666 (a number); expected a string or null" + AS_PLAN,
    "the diff sorts by account: a number among strings crashed the sort",
)
against(
    "base-inputs-a-list",
    {"resources": [{"urn": "u", "type": "t", "name": "n", "inputs": []}]},
    "resources[0].inputs: got [] (a list); expected an object of the resource's inputs" + AS_PLAN,
    "inputs are an object",
)
against(
    "base-input-name-an-object",
    base_plan(name={"Fn::Join": ["", ["a"]]}),
    'resources[0].inputs.name: got {"Fn::Join": ["", ["a"]]} (an object); expected a string' + AS_PLAN,
    "an object where an IAM name belongs would be shown as its Python repr",
)
against(
    "base-session-a-string",
    base_plan(maxSessionDuration="3600"),
    'resources[0].inputs.maxSessionDuration: got "3600" (a string); expected a whole number of seconds' + AS_PLAN,
    "comparing the text 3600 with the number 7200 crashed the diff",
)
against(
    "base-session-a-boolean",
    base_plan(maxSessionDuration=True),
    "resources[0].inputs.maxSessionDuration: got true (a boolean); expected a whole number of seconds" + AS_PLAN,
    "true is no duration (Python would count it as 1)",
)
against(
    "base-policy-arn-an-object",
    {
        "resources": [
            {"urn": "u", "type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "name": "n", "inputs": {"policyArn": {}}}
        ]
    },
    "resources[0].inputs.policyArn: got {} (an object); expected a string" + AS_PLAN,
    "an ARN is text",
)
against(
    "base-trust-a-number",
    base_plan(assumeRolePolicy=5),
    "resources[0].inputs.assumeRolePolicy: got 5 (a number); expected a policy document as JSON text" + AS_PLAN,
    "the plan holds documents as JSON text",
)
against(
    "base-trust-not-json",
    base_plan(assumeRolePolicy="{'Version': '2012-10-17'}"),
    "resources[0].inputs.assumeRolePolicy: not valid JSON (Expecting property name enclosed in double quotes at line 1, "
    "column 2); expected a policy document as JSON text" + AS_PLAN,
    "a document the diff cannot read would silently count as no statements: no access change shown",
)
against(
    "base-trust-nan",
    base_plan(assumeRolePolicy='{"Version": "2012-10-17", "Statement": [], "x": NaN}'),
    "resources[0].inputs.assumeRolePolicy: not valid policy JSON (NaN is not JSON); expected a policy document as JSON text"
    + AS_PLAN,
    "the documents inside the plan are read as strictly as the plan",
)
against(
    "base-policy-duplicate-key",
    base_plan(policy='{"Version": "2012-10-17", "Statement": [], "Statement": [{"Effect": "Allow"}]}'),
    "resources[0].inputs.policy: not valid policy JSON (the key 'Statement' appears twice in one object; two readers "
    "(a reviewer and AWS) may take different ones); expected a policy document as JSON text" + AS_PLAN,
    "the diff would compare one Statement and AWS apply the other",
)
against(
    "base-policy-nested-absurdly",
    base_plan(policy="[" * 50_000 + "]" * 50_000),
    "resources[0].inputs.policy: nested too deeply to be policy JSON; expected a policy document as JSON text" + AS_PLAN,
    "the diff parsed documents without a bound: a RecursionError traceback",
)
against(
    "base-duplicate-urn",
    {"resources": [base_plan()["resources"][0], base_plan()["resources"][0]]},
    f"resources[1].urn: {show(ROLE_URN)} is also resources[0].urn; expected each URN once (the engine refuses a second "
    "resource with the same URN)" + AS_PLAN,
    "the diff keyed resources by URN and silently dropped one",
)
against(
    "base-stack-a-number",
    {"resources": [], "stack": 7},
    "stack: got 7 (a number); expected the stack's name (a string)" + AS_PLAN,
    "the stack's name heads the diff",
)


def policy_fifo(path: Path) -> None:
    path.unlink(missing_ok=True)  # the harness has made room for it already
    os.mkfifo(path)


for command in ("plan", "check"):
    CASES.append(
        entry_case(
            f"policy-file-fifo ({command})",
            command,
            (command, "--stack", STACK, "--project-dir", "{p}"),
            2,
            SETTINGS + "cross-account-roles:roles.s3-list-role.policyFiles[0]: policies/role_permissions_policy.json: not a "
            "regular file (a FIFO, a named pipe); expected a JSON policy document",
            "policies/ shares the one reader: stat before open, open without blocking",
            {"policies/role_permissions_policy.json": policy_fifo},
            separate=True,
        )
    )


# --- verify --outputs: the outputs file ---------------------------------------------------------
NOT_OUTPUTS = "not this program's outputs ("
outputs("outputs-fifo", fifo, not_regular("a FIFO, a named pipe", OUTPUTS_EXPECTED), "it hung verify", separate=True)
outputs("outputs-directory", directory, not_regular("a directory", OUTPUTS_EXPECTED), "a folder holds no outputs")
outputs(
    "outputs-device",
    link_to("/dev/zero"),
    not_regular("a character device", OUTPUTS_EXPECTED),
    "/dev/zero never ends: read, it would fill memory",
    separate=True,
)
outputs(
    "outputs-too-large",
    sparse((16 << 20) + 1),
    f"16,777,217 bytes; {OUTPUTS_EXPECTED} (at most 16,777,216 bytes)",
    "a stack's outputs are kilobytes: refused before it is read",
)
outputs(
    "outputs-not-utf8",
    b"\xfe\xff{}",
    f"not UTF-8 text (invalid start byte at byte 0); {OUTPUTS_EXPECTED}",
    "UTF-16 is no JSON file",
)
outputs(
    "outputs-1e400",
    '{"sourceAccountId": 1e400}',
    f"not valid outputs (the number 1e400 is beyond what a 64-bit float holds (about 1.8e308)); {OUTPUTS_EXPECTED}",
    "a number no reader agrees on",
)
outputs("outputs-infinity", '{"x": Infinity}', f"not valid outputs (Infinity is not JSON); {OUTPUTS_EXPECTED}", "no JSON value")
outputs(
    "outputs-nested-deep",
    '{"x": ' + "[" * 20 + "]" * 20 + "}",
    f"nested more than 16 levels deep; {OUTPUTS_EXPECTED}",
    "outputs nest 4 deep",
)
outputs(
    "outputs-duplicate-user-key",
    json.dumps(OUTPUTS)[:-3] + ', "arn": "arn:aws:iam::444455556666:role/admin"}}}',
    f"not valid outputs (the key 'arn' appears twice in one object; two readers (a reviewer and AWS) may take different ones); "
    f"{OUTPUTS_EXPECTED}",
    "verify would assume the role of the second ARN",
)
outputs(
    "outputs-account-a-number",
    {**OUTPUTS, "sourceAccountId": 111122223333},
    f"{NOT_OUTPUTS}sourceAccountId: got 111122223333 (a number); expected a string); {OUTPUTS_EXPECTED}",
    "a number where a string belongs (an account id keeps its leading zeros only as text)",
)
outputs(
    "outputs-users-a-list",
    {**OUTPUTS, "users": ["random_user"]},
    f'{NOT_OUTPUTS}users: got ["random_user"] (a list); expected an object); {OUTPUTS_EXPECTED}',
    "users map names to their outputs",
)
outputs(
    "outputs-user-a-string",
    {**OUTPUTS, "users": {"random_user": "arn:aws:iam::111122223333:user/random_user"}},
    f'{NOT_OUTPUTS}users.random_user: got "arn:aws:iam::111122223333:user/random_user" (a string); expected an object); '
    f"{OUTPUTS_EXPECTED}",
    "a name where an object belongs",
)
outputs(
    "outputs-arn-an-object",
    {**OUTPUTS, "roles": {"s3-list-role": {"arn": {"value": "arn:aws:iam::444455556666:role/s3-list-role"}}}},
    f'{NOT_OUTPUTS}roles.s3-list-role.arn: got {{"value": "arn:aws:iam::444455556666:role/s3-list-role"}} (an object); '
    f"expected a string); {OUTPUTS_EXPECTED}",
    "an object where an ARN belongs",
)
outputs(
    "outputs-null", "null", f"{NOT_OUTPUTS}the top level: got null (null); expected an object); {OUTPUTS_EXPECTED}", "no outputs"
)


# --- verify: its options and the AWS configuration around it -----------------------------------
WAIT = "expected a number of seconds from 0 to 3,600"
aws("wait-nan", f"--wait: got 'nan'; {WAIT}", "nan compares false with every deadline: it retried forever", "--wait", "nan")
aws("wait-infinite", f"--wait: got 'inf'; {WAIT}", "an infinite wait never ends", "--wait", "inf")
aws("wait-1e400", f"--wait: got '1e400'; {WAIT}", "1e400 is infinity to float()", "--wait", "1e400")
aws("wait-negative", f"--wait: got '-1'; {WAIT}", "no call can wait less than nothing", "--wait=-1")
aws("wait-over-an-hour", f"--wait: got '3601'; {WAIT}", "IAM propagates in minutes: an hour is a typo", "--wait", "3601")
aws(
    "wait-arabic-indic",
    f"--wait: got '\u0665'; {WAIT}",
    "float() reads Arabic-Indic digits; no user means them",
    "--wait",
    "\u0665",
)
aws("wait-underscore", f"--wait: got '1_0'; {WAIT}", "float() reads 1_0 as 10", "--wait", "1_0")
MFA = "expected the 6 digits your MFA device shows"
aws(
    "mfa-arabic-indic",
    f"--mfa-token: got 6 characters, not all of them ASCII digits 0-9; {MFA}",
    "\\d and isdigit take ١٢٣٤٥٦; STS takes ASCII digits (and the code is not echoed)",
    "--mfa-token",
    "\u0661\u0662\u0663\u0664\u0665\u0666",
)
aws(
    "mfa-superscripts",
    f"--mfa-token: got 6 characters, not all of them ASCII digits 0-9; {MFA}",
    "str.isdigit is true for superscript two",
    "--mfa-token",
    "\u00b2" * 6,
)
aws(
    "mfa-trailing-newline",
    f"--mfa-token: got 7 characters; {MFA}",
    "re's $ matched before a final newline",
    "--mfa-token",
    "123456\n",
)
aws(
    "mfa-fullwidth",
    f"--mfa-token: got 6 characters, not all of them ASCII digits 0-9; {MFA}",
    "fullwidth digits",
    "--mfa-token",
    "\uff11\uff12\uff13\uff14\uff15\uff16",
)
ENDPOINT = "expected an endpoint URL such as https://sts.amazonaws.com"
aws(
    "endpoint-not-a-url",
    f"--endpoint-url: got 'notaurl', not a valid URL; {ENDPOINT}",
    "botocore raised ValueError",
    "--endpoint-url",
    "notaurl",
)
aws(
    "endpoint-ftp",
    f"--endpoint-url: got 'ftp://127.0.0.1:9', not an http:// or https:// URL; {ENDPOINT}",
    "botocore sends HTTP only; it failed at the first call",
    "--endpoint-url",
    "ftp://127.0.0.1:9",
)
aws(
    "endpoint-variable",
    f"AWS_ENDPOINT_URL: got 'http://exa mple.com', not a valid URL; {ENDPOINT}",
    "boto3 reads the variable itself: named as the setting the user set",
    env={"AWS_ENDPOINT_URL": "http://exa mple.com"},
)
aws(
    "endpoint-service-variable",
    f"AWS_ENDPOINT_URL_S3: got 'notaurl', not a valid URL; {ENDPOINT}",
    "only the s3 client of the checks would have met it, halfway through a run",
    env={"AWS_ENDPOINT_URL_S3": "notaurl"},
)
CONFIG_FILE = "expected an INI file of [profile ...] sections with key = value lines"
FILES = "(AWS_CONFIG_FILE, default ~/.aws/config; AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials)"
aws(
    "defaults-mode",
    "AWS_DEFAULTS_MODE (or defaults_mode in the AWS config file): Client configured with invalid defaults mode: bogus. "
    "Valid defaults modes include: legacy, auto, standard, in-region, cross-region, mobile.",
    "botocore raises InvalidDefaultsMode making a client",
    env={"AWS_DEFAULTS_MODE": "bogus"},
)
aws(
    "sts-regional-endpoints",
    "AWS_STS_REGIONAL_ENDPOINTS (or sts_regional_endpoints in the AWS config file): STS regional endpoints option bogus is "
    'invalid. Valid options are: "legacy", "regional"',
    "botocore raises InvalidSTSRegionalEndpointsConfigError",
    env={"AWS_STS_REGIONAL_ENDPOINTS": "bogus"},
)
aws(
    "checksum-calculation",
    "the AWS configuration (an AWS_* variable or the AWS config file): Unsupported configuration value for "
    "request_checksum_calculation. Expected one of ('when_supported', 'when_required') but got bogus.",
    "botocore raises InvalidChecksumConfigError",
    env={"AWS_REQUEST_CHECKSUM_CALCULATION": "bogus"},
)
aws(
    "config-defaults-mode",
    "AWS_DEFAULTS_MODE (or defaults_mode in the AWS config file): Client configured with invalid defaults mode: fast. "
    "Valid defaults modes include: legacy, auto, standard, in-region, cross-region, mobile.",
    "the same setting, from the config file",
    files={"aws-config": "[default]\ndefaults_mode = fast\n"},
)
aws(
    "config-endpoint-url",
    "the endpoint URL for sts (Invalid endpoint: notaurl); expected an http:// or https:// URL in --endpoint-url, "
    "AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS or endpoint_url in the AWS config file",
    "an endpoint URL from the config file reaches botocore unchecked",
    files={"aws-config": "[default]\nendpoint_url = notaurl\n"},
)
aws(
    "config-not-ini",
    f"Unable to parse config file: {{p}}/aws-config {FILES}; {CONFIG_FILE}",
    "botocore raises ConfigParseError",
    files={"aws-config": "[profile broken\nregion = eu-north-1\n"},
)
aws(
    "credentials-not-ini",
    f"Unable to parse config file: {{p}}/aws-credentials {FILES}; {CONFIG_FILE}",
    "the credentials file is parsed when a profile is read",
    "--profile",
    "default",
    files={"aws-credentials": "[default]\naws_access_key_id\n"},
)
PROCESS = "profile p: its credential_process printed "
for name, printed, found, why in [
    ("process-not-json", b"AKIA... wJal...", "text that is not JSON (Expecting value at line 1, column 1)", "json.loads raised"),
    ("process-a-list", b"[1]", "JSON that is not an object", "botocore called .get on a list"),
    ("process-not-utf8", b"\xff\xfe{}", "text that is not UTF-8", "botocore decoded it as UTF-8"),
    (
        "process-bad-expiration",
        b'{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "B", "Expiration": "soon"}',
        "a value botocore cannot read (Unknown string format: soon)",
        "dateutil raised ParserError",
    ),
]:
    aws(
        name,
        PROCESS + f"{found}; {PROCESS_OUTPUT}",
        why,
        "--profile",
        "p",
        files={
            "aws-config": "[profile p]\ncredential_process = /bin/sh {p}/emit.sh\n",
            "emit.sh": "cat {p}/printed\n",
            "printed": printed,
        },
    )
aws(
    "process-key-a-number",
    f"profile p: its credentials' AccessKeyId is not a string; {PROCESS_OUTPUT}",
    "botocore passed the number on, to crash in signing",
    "--profile",
    "p",
    files={
        "aws-config": "[profile p]\ncredential_process = /bin/sh {p}/emit.sh\n",
        "emit.sh": "cat {p}/printed\n",
        "printed": b'{"Version": 1, "AccessKeyId": 5, "SecretAccessKey": "B"}',
    },
)


# --- numbers the engine keeps as text -----------------------------------------------------------
BEYOND = "; the number is beyond what a 64-bit float holds (about 1.8e308), so the engine passes it on as text"
SESSION = "expected a whole number of seconds from 3,600 (1 hour) to 43,200 (12 hours)"
YAML_V3 = "yaml.v3 keeps a number ParseFloat cannot hold as text; the float conversion crashed"
settings(
    "session-1e400",
    stack_text("      maxSessionDuration: 1e400\n"),
    f'cross-account-roles:roles.s3-list-role.maxSessionDuration: got "1e400"; {SESSION}{BEYOND}',
    YAML_V3,
)
settings(
    "session-400-digits",
    stack_text("      maxSessionDuration: " + "9" * 400 + "\n"),
    f'cross-account-roles:roles.s3-list-role.maxSessionDuration: got "{"9" * 76}...; {SESSION}{BEYOND}',
    "ParseInt, ParseUint and ParseFloat all fail: text to yaml.v3; int too large for float() crashed",
)
settings(
    "password-length-minus-1e400",
    stack_text(extra="  cross-account-roles:passwordPolicy:\n    minimumPasswordLength: -1e400\n"),
    f'cross-account-roles:passwordPolicy.minimumPasswordLength: got "-1e400"; expected a whole number from 6 to 128{BEYOND}',
    YAML_V3,
)
settings(
    "mfa-age-1e999",
    stack_text("      mfaMaxAgeSeconds: 1e999\n"),
    'cross-account-roles:roles.s3-list-role.mfaMaxAgeSeconds: got "1e999"; expected a whole number of seconds from 900 to '
    f"129,600{BEYOND}",
    YAML_V3,
)
settings(
    "session-quoted",
    stack_text('      maxSessionDuration: "7200"\n'),
    f'cross-account-roles:roles.s3-list-role.maxSessionDuration: got "7200"; {SESSION}, unquoted (quoted, the engine passes '
    "it as text)",
    "a quoted number is text to the engine: say so rather than a bare 'expected a whole number'",
)


# --- waivers ---------------------------------------------------------------------------------
def waiver_text(reason: str) -> str:
    """A waiver of RESOURCE_STAR with `reason` in a double-quoted YAML string (escapes allowed)."""
    return stack_text(f'      waivers:\n        RESOURCE_STAR: "{reason}"\n')


def reason_problem(shown: str, hint: str = " (only invisible characters)") -> str:
    return (
        f"cross-account-roles:roles.s3-list-role.waivers.RESOURCE_STAR: got {shown}{hint}; expected the reason for waiving "
        "RESOURCE_STAR (it is shown in the plan)"
    )


INVISIBLE = "a reviewer sees no reason: str.strip() keeps format characters"
settings("reason-zero-width-space", waiver_text("\\u200B"), reason_problem('"\\u200b"'), INVISIBLE)
settings("reason-word-joiner-and-bom", waiver_text("\\u2060\\uFEFF"), reason_problem('"\\u2060\\ufeff"'), INVISIBLE)
settings("reason-bidi-marks", waiver_text("\\u200E\\u200F\\u202E"), reason_problem('"\\u200e\\u200f\\u202e"'), INVISIBLE)
settings("reason-control", waiver_text("\\u0001\\u007F"), reason_problem('"\\u0001\\u007f"'), "control characters show nothing")
settings("reason-spaces", waiver_text("\\u00A0\\u3000"), reason_problem('"\\u00a0\\u3000"', ""), "spaces are no reason")
settings(
    "file-reason-zero-width",
    stack_text(extra='  cross-account-roles:policyWaivers:\n    role_permissions_policy.json:\n      RESOURCE_STAR: "\\u200D"\n'),
    'cross-account-roles:policyWaivers.role_permissions_policy.json.RESOURCE_STAR: got "\\u200d" (only invisible characters); '
    "expected the reason for waiving RESOURCE_STAR (it is shown in the plan)",
    "a file's waivers are read the same way",
)
settings(
    "managed-policies-past-20",
    stack_text(
        "      managedPolicyArns:\n"
        + "".join(f"        - arn:aws:iam::444455556666:policy/p{i}\n" for i in range(20))
        + "      waivers:\n        MANAGED_POLICY_COUNT: quota raised to 20\n"
    ),
    "cross-account-roles:roles.s3-list-role: 21 managed policies (policyFiles plus managedPolicyArns); AWS attaches at most 20 "
    "to a role even with its quota raised, so no waiver can help",
    "20 is the quota's maximum (IAM quotas page): the waiver would only move the failure to `pulumi up`",
)
CASES.append(
    entry_case(
        "managed-policies-12-waived",
        "check",
        ("check", "--stack", STACK, "--project-dir", "{p}"),
        0,
        "",
        "a waivable quota: the settings must read the waiver before refusing 11 to 20 policies (they refused first)",
        {
            "Pulumi.hostile.yaml": stack_text(
                "      managedPolicyArns:\n"
                + "".join(f"        - arn:aws:iam::444455556666:policy/p{i}\n" for i in range(11))
                + "      waivers:\n        MANAGED_POLICY_COUNT: quota raised to 20\n"
            )
        },
        stdout='  waived MANAGED_POLICY_COUNT (error) cross-account-roles:roles.s3-list-role: 12 managed policies attached to role "s3-list-role"',
    )
)
CASES.append(
    entry_case(
        "trust-policy-past-4096-waived",
        "plan",
        ("plan", "--stack", STACK, "--project-dir", "{p}"),
        1,
        "error: 1 guardrail error(s) in stack hostile; nothing was created (see docs/guardrails.md to fix or waive them):"
        "\n  - error TRUST_POLICY_SIZE cross-account-roles:roles.s3-list-role (trust policy): 4,634 characters without whitespace; "
        "a trust policy holds at most 4,096 even with the target account's AssumeRolePolicySizeQuota raised to its maximum, so "
        "no waiver can help: trust fewer users per role, or trust them by IAM path (trust: path) or by tag (trust: tag) "
        "(docs/settings.md: Trust modes) (the waiver cross-account-roles:roles.s3-list-role.waivers.TRUST_POLICY_SIZE does not apply here)",
        "4,096 is the most a quota raise gives (IAM quotas page): a quota waiver cannot make AWS accept it",
        {"Pulumi.hostile.yaml": stack_text("      waivers:\n        TRUST_POLICY_SIZE: quota raised to 4096\n", users=100)},
    )
)


# --- PGP keys, as the provider reads them ---------------------------------------------------------
PGP_KEYS: dict[str, str] = json.loads((HERE / "pgp-keys.json").read_text(encoding="utf-8"))
PGP_AT = "cross-account-roles:users.random_user.pgpKey: "
PROVIDER = "the provider's OpenPGP library (ProtonMail/go-crypto) refuses to encrypt to it"
NO_ENCRYPTION = (
    "has no key that can encrypt (no subkey flagged for encryption that is neither expired nor revoked, and a primary key "
    f"that is not flagged for it); {PROVIDER}: add an encryption subkey (gpg --quick-add-key <fingerprint> rsa3072 encr) "
    "and export it again"
)
PGP_EXPECTED = "expected the base64 of a binary OpenPGP public key (gpg --export <key id> | base64 -w0) or keybase:<user name>"


def pgp_stack(key: str) -> str:
    """random_user signs in to the console; its initial password is encrypted to `key`."""
    return stack_text(extra="  cross-account-roles:passwordPolicy: {}\n").replace(
        "      tags:\n        name: random\n",
        f"      consoleAccess: true\n      pgpKey: {key}\n      tags:\n        name: random\n",
        1,
    )


GO_CRYPTO = "go-crypto's Entity.EncryptionKey finds no key: `up` would fail creating the login profile"
settings(
    "pgp-expired",
    pgp_stack(PGP_KEYS["expired"]),
    PGP_AT + f"expired on 2020-01-02; {PROVIDER}: extend it (gpg --quick-set-expire <fingerprint> 1y) and export it again",
    GO_CRYPTO + " (the primary key expired)",
)
settings(
    "pgp-revoked",
    pgp_stack(PGP_KEYS["revoked"]),
    PGP_AT + f"is revoked (it carries a key revocation signature); {PROVIDER}: give the user's current public key",
    GO_CRYPTO + " (Entity.Revoked)",
)
settings("pgp-sign-only", pgp_stack(PGP_KEYS["sign"]), PGP_AT + NO_ENCRYPTION, GO_CRYPTO + " (nothing flagged for encryption)")
settings(
    "pgp-expired-subkey",
    pgp_stack(PGP_KEYS["subkey"]),
    PGP_AT + NO_ENCRYPTION,
    GO_CRYPTO + " (its only encryption subkey expired)",
)
settings(
    "pgp-random-bytes",
    pgp_stack("bm90IGEga2V5IGF0IGFsbA=="),
    PGP_AT + f"is not an OpenPGP public key that can encrypt (its first byte is no OpenPGP packet header); {PGP_EXPECTED}",
    "text is no OpenPGP packet",
)
settings(
    "pgp-random-bytes-tagged-secret",
    pgp_stack("lwkl4TMyOb/6g4ttMfT2k/wLBGB62bvkTaGTv2RVhwDSLiRcx6ZzyhMUhHwXqjcmkaxs8TbwiidmFFFuyyQ0Dw=="),
    PGP_AT + f"decodes to OpenPGP data without a user id, not a whole public key; {PGP_EXPECTED}",
    "64 random bytes that start like a secret-key packet were called a PRIVATE key: a whole key has a user id",
)
settings(
    "pgp-first-packet-a-signature",
    pgp_stack("iQ" + "A" * 62 + "=="),
    PGP_AT + f"is not an OpenPGP public key that can encrypt (its first packet is a signature, not a public key); {PGP_EXPECTED}",
    "a detached signature is no key",
)
CASES.append(
    entry_case(
        "pgp-dsa-with-elgamal-subkey",
        "check",
        ("check", "--stack", STACK, "--project-dir", "{p}"),
        0,
        "",
        "go-crypto encrypts to an ElGamal subkey: a valid key, which pgpy alone (no ElGamal encryption) refused",
        {"Pulumi.hostile.yaml": pgp_stack(PGP_KEYS["dsa"])},
        stdout="Guardrails for stack hostile: 0 errors",
    )
)


# --- the reviewer's text (issue 27): whose plan, where it is written, what a file's text does ------
OTHER_STACK = (
    'the plan of project "cross-account-roles", stack "prod"; expected a plan of project "cross-account-roles", '
    'stack "hostile" (make plan STACK=hostile FORMAT=json of the base branch)'
)
against(
    "base-of-another-stack",
    {**base_plan(), "stack": "prod"},
    OTHER_STACK,
    "the diff would show prod's resources as this stack's changes: a reviewer would judge the wrong change",
)
against(
    "base-of-another-project",
    {**base_plan(), "project": "payments"},
    'the plan of project "payments", stack "hostile"; expected a plan of project "cross-account-roles", stack "hostile" '
    "(make plan STACK=hostile FORMAT=json of the base branch)",
    "another program's plan shares no URN with this one's: every resource would read as added",
)
against(
    "base-without-project-or-stack",
    {"resources": []},
    'the plan of project null, stack null; expected a plan of project "cross-account-roles", stack "hostile" '
    "(make plan STACK=hostile FORMAT=json of the base branch)",
    "make plan FORMAT=json always names both: a plan without them is no plan of this stack",
)
MARKDOWN = ("plan", "--stack", STACK, "--project-dir", "{p}", "--format", "markdown")
ARTIFACT = "error: --artifact {p}/review: "
ARTIFACT_CASES: list[tuple[str, dict[str, bytes | str | Maker], str, str, bool]] = [
    (
        "artifact-review-a-fifo",
        {"review/hostile.md": fifo},
        "hostile.md in it is a FIFO, a named pipe; expected a regular file or none, for the whole review",
        "writing into a named pipe waits for a reader forever: lstat judges it before any open",
        True,
    ),
    (
        "artifact-plan-a-link",
        {"review/hostile.json": link_to("../Pulumi.yaml")},
        "hostile.json in it is a symbolic link; expected a regular file or none, for the plan JSON",
        "the write would follow the link and overwrite the file it points to",
        False,
    ),
    (
        "artifact-folder-a-fifo",
        {"review": fifo},
        "not a folder (a FIFO, a named pipe); expected a folder to write <stack>.md and <stack>.json into",
        "a named pipe is no folder; nothing is opened",
        True,
    ),
    (
        "artifact-review-a-folder",
        {"review/hostile.md": directory},
        "hostile.md in it is a folder; expected a regular file or none, for the whole review",
        "a folder cannot be written as the review",
        False,
    ),
]
for name, files, error, why, separate in ARTIFACT_CASES:
    CASES.append(
        entry_case(
            name, "plan --artifact", (*MARKDOWN, "--artifact", "{p}/review"), 2, ARTIFACT + error, why, files, separate=separate
        )
    )
plan_of_dev = json.dumps({**base_plan(), "stack": "dev"})
COMMENT_CASES: list[tuple[str, dict[str, bytes | str | Maker], str]] = [
    ("comment-plan-of-another-stack", {"review/prod.json": plan_of_dev}, "review/prod.json"),
    (
        "comment-base-of-another-stack",
        {"review/prod.json": json.dumps({**base_plan(), "stack": "prod"}), "review/base/prod.json": plan_of_dev},
        "review/base/prod.json",
    ),
]
for name, files, where in COMMENT_CASES:
    CASES.append(
        entry_case(
            name,
            "comment",
            ("comment", "{p}/review"),
            2,
            f'error: {{p}}/{where}: the plan of project "cross-account-roles", stack "dev"; expected a plan of project '
            '"cross-account-roles", stack "prod" (the file\'s name; make plan STACK=prod ARTIFACT=... writes it)',
            "a plan copied to another stack's file would show one stack's change under another's name",
            files,
        )
    )
HOSTILE_TEXT = "<!-- [x](http://evil) @octocat #123 </details> | `a` *b* &lt; \u202egnp.exe"
"""One string of every kind of markup a file's text might smuggle into the review."""
REVIEW_CASES: list[str] = []
"""The cases whose Markdown stdout tests/test_review_escaping.py renders as GitHub does."""
WIDE = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*"}]})


def review(name: str, args: tuple[str, ...], files: dict[str, bytes | str | Maker], stdout: str, why: str) -> None:
    REVIEW_CASES.append(name)
    CASES.append(entry_case(name, args[0], args, 0, "", why, files, stdout=stdout))


review(
    "review-waiver-reason-of-markup",
    MARKDOWN,
    {
        "policies/wide.json": WIDE,
        "Pulumi.hostile.yaml": stack_text(
            "        - wide.json\n",
            "  cross-account-roles:policyWaivers:\n    wide.json:\n      RESOURCE_STAR: " + json.dumps(HOSTILE_TEXT) + "\n",
        ),
    },
    "- error `RESOURCE_STAR` at `policies/wide.json, Statement[0]`: ",
    "a waiver reason is the stack's text: it must show as text, not open a comment hiding the rest of the review",
)
hostile_base = base_plan(name=f"s3-list-role{HOSTILE_TEXT}", description=HOSTILE_TEXT, path="/")
hostile_base["resources"][0] |= {"account": HOSTILE_TEXT, "provider": HOSTILE_TEXT}
review(
    "review-base-plan-of-markup",
    (*MARKDOWN, "--against", "{p}/base.json"),
    {"base.json": json.dumps(hostile_base)},
    "| remove | \\<\\!-- `[x](http://evil)` `@octocat` `#123` \\</details> \\| \\`a\\` \\*b\\* \\&lt; \\\\u202egnp.exe | `aws:iam/role:Role` |",
    "every field of a base plan is a file's text: a forged one must not add a heading, a link or a hidden comment",
)
