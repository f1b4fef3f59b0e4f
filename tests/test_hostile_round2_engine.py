"""Hostile input, round two (issue 21): the engine's configuration read exactly, groups and
managed policies as AWS attaches them, and an order the engine cannot see.

Each case is a project (`Pulumi.yaml`, `Pulumi.hostile.yaml`, maybe more files), an environment,
the outcome every entry point must reach (`ok`, or the lines of the one error) and the reason,
citing the engine's source (pulumi/pulumi of 2026-08-21, commit 1b59498) or AWS's documentation.
Every case runs through `check`, `plan` and the program under the engine's configuration, and
the three must agree: the same lines for a refusal (exit 2, nothing on stdout, no traceback,
nothing registered), acceptance otherwise, with the same one warning where the stack imports
Pulumi ESC environments.

"The program" is `__main__.py` under the recording mocks, given the configuration map the
engine would pass it. Where the engine itself stops before any program runs (`engine="stops"`),
that is what the offline read must do too; where the engine runs the program on something the
offline commands refuse (`engine_values`), the program must refuse it on its own.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crossaccount.errors import SettingsError
from crossaccount.plan.conflicts import group_resource_name_problems
from crossaccount.plan.model import AssumePolicyPlan, GroupPlan
from crossaccount.read.engine import EngineConfig
from crossaccount.read.project import read_engine_config
from tests.hostile.make_cases import PROJECT, ROLE, SOURCE, TARGET, USERS, role_with, stack
from tools.__main__ import main
from tools.offline.errors import ProgramError
from tools.offline.mocks import PROJECT_DIR, ProgramRun, run_program

STACK = "hostile"
FILE = "Pulumi.hostile.yaml"
SRC, TGT = "111122223333", "444455556666"
OK = "ok"
OWN_POLICY = f"arn:aws:iam::{TGT}:policy/s3-list-role-role_permissions_policy"
"""The ARN of the policy the walk-through role's policyFiles create (crossaccount/plan/names.py role_policy_name)."""


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str]
    expect: str | list[str]
    """`ok`, or lines each of which must appear in the one error."""
    why: str
    env: dict[str, str] = field(default_factory=dict)
    warning: str | None = None
    """A line of the one warning on stderr (a stack that imports ESC environments)."""
    engine: str = "runs"
    """`runs`: the engine runs the program; `stops`: the engine refuses before any program runs."""
    engine_values: dict[str, str] | None = None
    """The map the engine passes where the offline read refuses what the engine would run."""


def project_yaml(config: str = "", extra: str = "") -> str:
    return PROJECT + extra + (f"config:\n{config}" if config else "")


def groups(text: str) -> str:
    return "  cross-account-roles:groups:\n" + "".join(f"    {line}\n" for line in text.strip("\n").split("\n"))


def role_trusting_group(lines: str = "") -> str:
    return role_with("trustedGroups: [devs]" + (f"\n{lines}" if lines else ""))


def with_group(arns: list[str], name: str = "devs") -> str:
    return groups(f"{name}:\n  members: [random_user]\n  managedPolicyArns: {json.dumps(arns)}")


MINIMAL = {"Pulumi.yaml": PROJECT, FILE: stack()}
WALKTHROUGH_ENGINE = {
    "cross-account-roles:source": json.dumps(
        {"accountId": SRC, "profile": "utils", "region": "eu-north-1"}, separators=(",", ":")
    ),
}

CASES: list[Case] = []


def case(name: str, files: dict[str, str], expect: str | list[str], why: str, **more: object) -> None:
    CASES.append(Case(name, files, expect, why, **more))  # type: ignore[arg-type]


# --- which of two spellings of a key in Pulumi.yaml wins --------------------------------------
_TWO = "The engine applies project keys in sorted order and skips a key already set (pkg/workspace/config.go mergeConfig)."
case(
    "project-two-spellings-of-tags",
    {"Pulumi.yaml": project_yaml("  tags:\n    - a\n  cross-account-roles:tags:\n    value: {team: x}\n"), FILE: stack()},
    [
        "Pulumi.yaml: config cross-account-roles:tags: the same key as config tags",
        "the engine keeps only cross-account-roles:tags",
    ],
    _TWO,
    engine="runs-other",
)
case(
    "project-two-spellings-of-source",
    {
        "Pulumi.yaml": project_yaml("  cross-account-roles:source:\n    value: {accountId: '1'}\n  source:\n    - x\n"),
        FILE: stack(),
    },
    ["Pulumi.yaml: config source: the same key as config cross-account-roles:source", "write it once"],
    _TWO,
    engine="runs-other",
)
case(
    "project-one-spelling-bare",
    {"Pulumi.yaml": project_yaml("  tags:\n    value: {team: platform}\n"), FILE: stack()},
    OK,
    "A bare key is the project's own namespace (workspace/project.go configKeyIsNamespacedByProject).",
)
# --- secure: values in project-level config ---------------------------------------------------
_SECURE = (
    "createConfigValue makes a project value a plain object (pkg/workspace/config.go); SecureKeys reads only "
    "Value.secure (config/map.go): decrypted with the running stack's key, passed as not secret."
)
for label, config in (
    ("value", "  cross-account-roles:tags:\n    value: {team: {secure: v1:abc}}\n"),
    ("default", "  cross-account-roles:tags:\n    default: {team: {secure: v1:abc}}\n"),
    ("in-a-list", "  cross-account-roles:tags:\n    value: {team: [{secure: v1:abc}]}\n"),
    ("roles-external-id", "  cross-account-roles:roles:\n    value: {s3-list-role: {externalId: {secure: v1:abc}}}\n"),
):
    case(
        f"project-secure-{label}",
        {"Pulumi.yaml": project_yaml(config), FILE: stack(roles=ROLE) if "roles" not in label else stack(roles="")},
        ["holds a secure: value; the engine has no project-level secrets"],
        _SECURE,
        engine_values={"cross-account-roles:tags": '{"team":"plaintext"}'},
    )
case(
    "project-secure-short-hand",
    {"Pulumi.yaml": project_yaml("  cross-account-roles:tags:\n    secure: v1:abc\n"), FILE: stack()},
    ["Pulumi.yaml: config cross-account-roles:tags: unknown field(s) secure"],
    "A map short-hand is a type declaration, which has no `secure` field (workspace/project.json configTypeDeclaration).",
    engine="stops",
)
# --- a declared key with no value -------------------------------------------------------------
_MISSING = "A project key of its own namespace with neither value nor default that the stack does not set stops the engine (pkg/workspace/config.go mergeConfig, missingStackConfigurationKeysError)."
for label, entry in (
    ("description-only", "    description: the stack's tags\n"),
    ("default-null", "    default: null\n"),
    ("empty-map", "    {}\n"),
):
    case(
        f"project-declared-{label}",
        {"Pulumi.yaml": project_yaml("  cross-account-roles:tags:\n" + entry), FILE: stack()},
        [
            "Pulumi.yaml: config cross-account-roles:tags is declared without a value and Pulumi.hostile.yaml does not set it",
            "Stack 'hostile' is missing configuration value 'cross-account-roles:tags'",
        ],
        _MISSING,
        engine="stops",
    )
case(
    "project-declared-and-set-by-the-stack",
    {
        "Pulumi.yaml": project_yaml("  cross-account-roles:tags:\n    description: the stack's tags\n"),
        FILE: stack(extra="  cross-account-roles:tags:\n    team: platform\n"),
    },
    OK,
    _MISSING + " Set on the stack, it is found.",
)
case(
    "project-default-null-and-value",
    {"Pulumi.yaml": project_yaml("  cross-account-roles:tags:\n    default: null\n    value: {team: platform}\n"), FILE: stack()},
    OK,
    "`default: null` leaves ProjectConfigType.Default nil: only `value` is given (workspace/project.go Validate).",
)
case(
    "project-short-hand-null",
    {"Pulumi.yaml": project_yaml("  cross-account-roles:tags:\n"), FILE: stack()},
    ["Pulumi.yaml: config cross-account-roles:tags: got nothing (empty); the engine refuses the project"],
    "project.json allows a string, an integer, a boolean, an array or a type declaration (workspace/project.go ValidateProject).",
    engine="stops",
)
case(
    "project-short-hand-fraction",
    {"Pulumi.yaml": project_yaml("  cross-account-roles:tags: 1.5\n"), FILE: stack()},
    ["Pulumi.yaml: config cross-account-roles:tags: got the float 1.5; the engine refuses the project"],
    "A fraction is not an integer in project.json's schema (workspace/project.go ValidateProject).",
    engine="stops",
)
case(
    "project-key-is-a-path",
    {"Pulumi.yaml": project_yaml("  cross-account-roles:tags.team:\n    value: platform\n"), FILE: stack()},
    ["Pulumi.yaml: config cross-account-roles:tags.team: 'tags.team' is a property path"],
    "mergeConfig sets a project key with Map.Set(key, value, path=true): a dotted name is a path (config/map.go Set).",
    engine="runs-other",
)
# --- another namespace's keys -----------------------------------------------------------------
_OTHER = "workspace/project.go Project.Validate: a key of another namespace takes a value, never a type or a default."
case(
    "project-other-namespace-default",
    {"Pulumi.yaml": project_yaml("  aws:region:\n    default: eu-north-1\n"), FILE: stack()},
    ["Pulumi.yaml: config aws:region: default on a key of another namespace; the engine refuses the project"],
    _OTHER,
    engine="stops",
)
case(
    "project-other-namespace-type",
    {"Pulumi.yaml": project_yaml("  aws:region:\n    type: string\n    value: eu-north-1\n"), FILE: stack()},
    ["Pulumi.yaml: config aws:region: type on a key of another namespace; the engine refuses the project"],
    _OTHER,
    engine="stops",
)
case(
    "project-other-namespace-no-value",
    {"Pulumi.yaml": project_yaml("  aws:region:\n    description: where\n"), FILE: stack()},
    ["Pulumi.yaml: config aws:region: a key of another namespace without value; the engine refuses the project"],
    _OTHER,
    engine="stops",
)
case(
    "project-other-namespace-value",
    {"Pulumi.yaml": project_yaml("  aws:region:\n    value: eu-north-1\n"), FILE: stack()},
    OK,
    _OTHER,
)
case(
    "project-other-namespace-null-default-and-value",
    {"Pulumi.yaml": project_yaml("  aws:region:\n    default: null\n    type: null\n    value: eu-north-1\n"), FILE: stack()},
    OK,
    _OTHER + " A null field is nil to Go's yaml: only the value is there.",
)
case(
    "project-other-namespace-short-hand",
    {"Pulumi.yaml": project_yaml("  aws:region: eu-north-1\n"), FILE: stack()},
    OK,
    "A short-hand of another namespace is its value (workspace/project.go RewriteShorthandConfigValues).",
)
# --- stackConfigDir and the project folder ----------------------------------------------------
_DIR = "workspace/paths.go ProjectStackPath: filepath.Join(<project folder>, stackConfigDir, file)."
case(
    "stack-config-dir-absolute",
    {"Pulumi.yaml": project_yaml(extra="stackConfigDir: /stacks\n"), f"stacks/{FILE}": stack()},
    ["Pulumi.yaml: stackConfigDir is the absolute path '/stacks'; the engine joins it to the project's folder"],
    _DIR + " An absolute path stays under the project folder, unlike what it says.",
    engine="runs-other",
)
case(
    "stack-config-dir-relative",
    {"Pulumi.yaml": project_yaml(extra="stackConfigDir: stacks\n"), f"stacks/{FILE}": stack()},
    OK,
    _DIR,
)
case(
    "stack-config-dir-empty",
    {"Pulumi.yaml": project_yaml(extra="stackConfigDir: ''\n"), FILE: stack()},
    OK,
    _DIR + " Empty: the project folder.",
)
case(
    "stack-config-dir-old-spelling",
    {"Pulumi.yaml": project_yaml(extra="config: stacks\n"), f"stacks/{FILE}": stack()},
    OK,
    "A string config: is stackConfigDir's old spelling (workspace/project.go RewriteConfigPathIntoStackConfigDir).",
)
case(
    "stack-config-dir-both-spellings",
    {"Pulumi.yaml": project_yaml(extra="config: stacks\nstackConfigDir: stacks\n"), f"stacks/{FILE}": stack()},
    ["Pulumi.yaml: both stackConfigDir and config: 'stacks' name the stack folder; the engine refuses the project"],
    "RewriteConfigPathIntoStackConfigDir: 'Should not use both config and stackConfigDir'.",
    engine="stops",
)
case(
    "project-dir-without-pulumi-yaml",
    {FILE: stack()},
    ["no Pulumi.yaml in this folder; expected the project's folder"],
    "The engine looks for Pulumi.yaml upwards (workspace/paths.go DetectProjectPathFrom): another project would be read.",
    engine="stops",
)
# --- JSON text that holds a secure map --------------------------------------------------------
_TEXT = "A string is passed as it is (config/object.go MarshalString); only a YAML secure: map is decrypted (isSecureValue)."
case(
    "stack-json-text-with-secure-external-id",
    {
        "Pulumi.yaml": PROJECT,
        FILE: stack(roles="")
        + "  cross-account-roles:roles: '"
        + json.dumps(
            {
                "s3-list-role": {
                    "trustedUsers": ["random_user"],
                    "policyFiles": ["role_permissions_policy.json"],
                    "externalId": {"secure": "v1:abc"},
                }
            }
        )
        + "'\n",
    },
    ["cross-account-roles:roles.s3-list-role.externalId: a secure: map in a value the engine passes as plain text"],
    _TEXT,
)
case(
    "stack-json-text-with-secure-tag",
    {"Pulumi.yaml": PROJECT, FILE: stack(extra='  cross-account-roles:tags: \'{"team": {"secure": "v1:abc"}}\'\n')},
    ["cross-account-roles:tags.team: a secure: map in a value the engine passes as plain text"],
    _TEXT,
)
case(
    "stack-json-text-plain",
    {"Pulumi.yaml": PROJECT, FILE: stack(extra='  cross-account-roles:tags: \'{"team": "platform"}\'\n')},
    OK,
    "The program reads JSON text as JSON (pulumi.Config.get_object); nothing secret in it.",
)
case(
    "stack-yaml-secure-external-id",
    {"Pulumi.yaml": PROJECT, FILE: stack(roles=role_with("externalId:\n  secure: v1:abc"))},
    OK,
    "A YAML secure: map is a secret the engine decrypts and marks (config/object.go isSecureValue, Secure).",
)
# --- PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS left in the environment ----------------------
_ENV = (
    "The language host appends its own PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS after os.Environ() "
    "(sdk/python/cmd/pulumi-language-python/main.go): the last one wins, a shell's never reaches the program."
)
_EXTRA_ROLE = {
    "cross-account-roles:roles": json.dumps(
        {"evil": {"trustedUsers": ["random_user"], "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}}
    )
}
case("env-pulumi-config-adds-a-role", MINIMAL, OK, _ENV, env={"PULUMI_CONFIG": json.dumps(_EXTRA_ROLE)})
case("env-pulumi-config-secret-keys", MINIMAL, OK, _ENV, env={"PULUMI_CONFIG_SECRET_KEYS": '["cross-account-roles:users"]'})
case("env-pulumi-config-not-json", MINIMAL, OK, _ENV, env={"PULUMI_CONFIG": "{not json", "PULUMI_CONFIG_SECRET_KEYS": "]["})
case("env-pulumi-config-per-key", MINIMAL, OK, _ENV, env={"PULUMI_CONFIG_CROSS_ACCOUNT_ROLES_ROLES": "{}"})
case(
    "env-pulumi-config-fills-a-missing-key",
    {"Pulumi.yaml": PROJECT, FILE: stack(roles="")},
    ["cross-account-roles:roles"],
    _ENV + " A key the stack lacks stays missing.",
    env={"PULUMI_CONFIG": json.dumps({"cross-account-roles:roles": json.loads(json.dumps({"r": {}}))})},
)
case(
    "env-pulumi-config-and-no-configuration-at-all",
    {"Pulumi.yaml": PROJECT, FILE: "config: {}\n"},
    ["Pulumi.hostile.yaml: no configuration at all, and PULUMI_CONFIG is set in the environment"],
    "With a nil config map the language host appends no PULUMI_CONFIG (pulumi-language-python main.go constructConfig): the shell's reaches the program.",
    env={"PULUMI_CONFIG": json.dumps({"cross-account-roles:roles": "{}"})},
    engine="runs-other",
)
# --- Pulumi ESC environments ------------------------------------------------------------------
_ESC = "mergeConfig merges each environment's pulumiConfig into the stack's (stack values win, maps merged: config/object.go Merge); offline, ESC is not evaluated."
_NOT_SEEN = "values are not visible offline"
case(
    "esc-list",
    {"Pulumi.yaml": PROJECT, FILE: "environment:\n  - team/shared\n" + stack()},
    OK,
    _ESC,
    warning="environment(s) team/shared: their " + _NOT_SEEN,
)
case(
    "esc-definition-imports",
    {"Pulumi.yaml": PROJECT, FILE: "environment:\n  imports:\n    - team/a\n    - team/b: {merge: false}\n" + stack()},
    OK,
    _ESC + " Imports as workspace/project.go Environment.Imports lists them.",
    warning="environment(s) team/a, team/b: their " + _NOT_SEEN,
)
case(
    "esc-inline-values",
    {
        "Pulumi.yaml": PROJECT,
        FILE: "environment:\n  values:\n    pulumiConfig:\n      cross-account-roles:tags: {team: x}\n" + stack(),
    },
    OK,
    _ESC + " Inline values count as the environment `yaml` (Environment.Imports).",
    warning="environment(s) yaml: their " + _NOT_SEEN,
)
case(
    "esc-and-a-missing-setting",
    {"Pulumi.yaml": PROJECT, FILE: "environment:\n  - team/shared\n" + stack(roles="")},
    ["cross-account-roles:roles", "Pulumi.hostile.yaml imports the Pulumi ESC environment(s) team/shared: their " + _NOT_SEEN],
    _ESC + " The environment may set it; offline it is missing, and the error says why.",
    warning="environment(s) team/shared",
)
case(
    "esc-and-a-declared-key",
    {
        "Pulumi.yaml": project_yaml("  cross-account-roles:tags:\n    description: x\n"),
        FILE: "environment: [team/shared]\n" + stack(),
    },
    [
        "Pulumi.yaml: config cross-account-roles:tags is declared without a value",
        "environment(s) team/shared: their " + _NOT_SEEN,
    ],
    _MISSING,
    engine="stops",
)
for label, text in (("empty-list", "environment: []\n"), ("number", "environment: 3\n"), ("empty-name", "environment: ['']\n")):
    case(
        f"esc-{label}",
        {"Pulumi.yaml": PROJECT, FILE: text + stack()},
        ["Pulumi.hostile.yaml: environment: "],
        "Environment.Imports reads a list of names or a definition with imports; this names no environment.",
        engine="stops",
    )
# --- groups and managed policies --------------------------------------------------------------
_ATTACH = "AWS attaches a customer managed policy of the entity's own account only (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html)."
_URN = "Two resources of one URN: 'Duplicate resource URN' (sdk/go/common/diag/errors.go GetDuplicateResourceURNError)."
G = "cross-account-roles:groups.devs.managedPolicyArns"
case(
    "group-names-collide",
    {
        "Pulumi.yaml": PROJECT,
        FILE: stack(
            extra=groups(
                f"dev:\n  members: [random_user]\n  managedPolicyArns: ['arn:aws:iam::{SRC}:policy/aws-ro']\n"
                f"dev-{SRC}:\n  members: [random_user]\n  managedPolicyArns: ['arn:aws:iam::aws:policy/ro']"
            )
        ),
    },
    [
        f"cross-account-roles:groups.dev-{SRC}.managedPolicyArns[0]: the attachment of arn:aws:iam::aws:policy/ro would get the Pulumi name"
    ],
    _URN,
)
case(
    "group-same-name-two-paths",
    {
        "Pulumi.yaml": PROJECT,
        FILE: stack(extra=with_group([f"arn:aws:iam::{SRC}:policy/a/ro", f"arn:aws:iam::{SRC}:policy/b/ro"])),
    },
    [f"{G}[1]: the attachment of arn:aws:iam::{SRC}:policy/b/ro would get the Pulumi name 'group-devs-{SRC}-ro'"],
    _URN,
)
case(
    "group-arn-twice",
    {"Pulumi.yaml": PROJECT, FILE: stack(extra=with_group(["arn:aws:iam::aws:policy/ReadOnlyAccess"] * 2))},
    [
        f'{G}[1]: "arn:aws:iam::aws:policy/ReadOnlyAccess" is also managedPolicyArns[0] (IAM ignores case); expected each policy once'
    ],
    "AttachGroupPolicy of an attached policy is one attachment; two resources would fight over it.",
)
case(
    "group-arn-twice-other-case",
    {
        "Pulumi.yaml": PROJECT,
        FILE: stack(extra=with_group(["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/readonlyaccess"])),
    },
    [f"{G}[1]: " + '"arn:aws:iam::aws:policy/readonlyaccess" is also managedPolicyArns[0]'],
    "IAM policy names ignore case.",
)
case(
    "group-arn-other-partition",
    {"Pulumi.yaml": PROJECT, FILE: stack(extra=with_group(["arn:aws-cn:iam::aws:policy/ReadOnlyAccess"]))},
    [f'{G}[0]: got "arn:aws-cn:iam::aws:policy/ReadOnlyAccess"; expected an ARN of partition aws'],
    _ATTACH + " A partition is another IAM.",
)
case(
    "group-arn-other-account",
    {"Pulumi.yaml": PROJECT, FILE: stack(extra=with_group([f"arn:aws:iam::{TGT}:policy/ro"]))},
    [f'{G}[0]: got "arn:aws:iam::{TGT}:policy/ro", a customer managed policy of account {TGT}; AWS attaches only'],
    _ATTACH,
)
case(
    "group-arn-own-account",
    {"Pulumi.yaml": PROJECT, FILE: stack(extra=with_group([f"arn:aws:iam::{SRC}:policy/team/ro"]))},
    OK,
    _ATTACH,
)
case(
    "group-arn-aws-managed",
    {"Pulumi.yaml": PROJECT, FILE: stack(extra=with_group(["arn:aws:iam::aws:policy/ReadOnlyAccess"]))},
    OK,
    _ATTACH,
)
R = "cross-account-roles:roles.s3-list-role.managedPolicyArns"
case(
    "role-arn-other-account",
    {"Pulumi.yaml": PROJECT, FILE: stack(roles=role_with(f"managedPolicyArns: ['arn:aws:iam::{SRC}:policy/ro']"))},
    [f'{R}[0]: got "arn:aws:iam::{SRC}:policy/ro", a customer managed policy of account {SRC}; AWS attaches only'],
    _ATTACH,
)
case(
    "role-arn-own-account",
    {"Pulumi.yaml": PROJECT, FILE: stack(roles=role_with(f"managedPolicyArns: ['arn:aws:iam::{TGT}:policy/ro']"))},
    OK,
    _ATTACH,
)
case(
    "trusted-role-path-with-policy-variable",
    {"Pulumi.yaml": PROJECT, FILE: stack(roles=role_with(f"trustedRoles: ['arn:aws:iam::{SRC}:role/${{aws:username}}/ci']"))},
    [
        "cross-account-roles:roles.s3-list-role.trustedRoles[0]: got",
        "${ starts a policy variable, which a trust policy's Principal does not take",
    ],
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-wheretouse: no policy variables in Principal.",
)
case(
    "trusted-role-with-a-path",
    {"Pulumi.yaml": PROJECT, FILE: stack(roles=role_with(f"trustedRoles: ['arn:aws:iam::{SRC}:role/ci/deployer']"))},
    OK,
    "A role ARN with a path is a principal.",
)
_OTHER_PEOPLE = (
    "config:\n"
    + SOURCE
    + TARGET.replace("444455556666", "777788889999")
    + USERS.replace("random_user", "other_user")
    + ROLE.replace("random_user", "other_user")
)
_TWO_STACKS = "IAM group names are unique in an account, ignoring case (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names)."
for label, name in (("same-name", "devs"), ("other-case", "DEVS")):
    case(
        f"group-created-by-two-stacks-{label}",
        {
            "Pulumi.yaml": PROJECT,
            FILE: stack(roles=role_trusting_group(), extra=groups("devs:\n  members: [random_user]")),
            "Pulumi.other.yaml": _OTHER_PEOPLE + groups(f"{name}:\n  members: [other_user]"),
        },
        [f"cross-account-roles:groups.devs: Pulumi.other.yaml also creates a group of this name in source account {SRC}"],
        _TWO_STACKS,
    )
case(
    "group-of-the-same-name-in-another-source-account",
    {
        "Pulumi.yaml": PROJECT,
        FILE: stack(roles=role_trusting_group(), extra=groups("devs:\n  members: [random_user]")),
        "Pulumi.other.yaml": _OTHER_PEOPLE.replace('"111122223333"', '"999988887777"') + groups("devs:\n  members: [other_user]"),
    },
    OK,
    _TWO_STACKS + " Another account is another namespace.",
)
# --- the order the engine cannot see ----------------------------------------------------------
case(
    "boundary-is-a-policy-the-stack-creates",
    {"Pulumi.yaml": PROJECT, FILE: stack(roles=role_with(f"permissionsBoundary: {OWN_POLICY}"))},
    OK,
    "The role gets the policy's arn Output: the engine creates the policy first (components/cross_account_access.py _roles).",
)
case(
    "boundary-aws-managed",
    {"Pulumi.yaml": PROJECT, FILE: stack(roles=role_with("permissionsBoundary: arn:aws:iam::aws:policy/PowerUserAccess"))},
    OK,
    "An AWS managed policy exists before any stack.",
)

NAMES = [c.name for c in CASES]
BY_NAME = {c.name: c for c in CASES}


def test_the_corpus_has_at_least_fifty_cases_each_with_a_reason() -> None:
    assert len(CASES) >= 50
    assert len(set(NAMES)) == len(NAMES)
    for c in CASES:
        assert c.why.strip(), c.name
        assert c.expect == OK or (isinstance(c.expect, list) and c.expect), c.name


def project_of(c: Case, tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir(parents=True)
    shutil.copy2(PROJECT_DIR / "__main__.py", project / "__main__.py")
    shutil.copytree(PROJECT_DIR / "policies", project / "policies")
    for name, text in c.files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    return project


def command(name: str, project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str, str]:
    """(outcome, stdout, stderr) of `python -m tools <name>` run in process."""
    code = main([name, "--stack", STACK, "--project-dir", str(project), *(["--format", "json"] if name == "plan" else [])])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if code == 0:
        return OK, out, err
    assert code == 2, f"{name}: exit {code}\n{err}"
    assert out == "", f"{name} printed something on a refusal:\n{out[:300]}"
    assert err.startswith("error: "), err
    return "error", out, err


def program(c: Case, project: Path) -> tuple[str, str, ProgramRun | ProgramError | None]:
    """The program under the engine's configuration: ("stopped", ...) where the engine refuses
    first; ("error", text, the ProgramError) where the program refuses; (ok, "", the run)."""
    config: EngineConfig | None
    if c.engine_values is not None:
        config = EngineConfig(values={**WALKTHROUGH_ENGINE, **c.engine_values}, secret_keys=frozenset())
    else:
        try:
            config = read_engine_config(project, STACK)
        except SettingsError as error:
            return "stopped", str(error), None
    try:
        run = run_program(STACK, config, program_path=project / "__main__.py")
    except ProgramError as error:
        return "error", str(error.cause), error
    return OK, "", run


def assert_accepted(c: Case, outcomes: dict[str, tuple[str, str, str]], ran: str, program_text: str) -> None:
    assert ran == OK, program_text
    for entry, (outcome, _, err) in outcomes.items():
        assert outcome == OK, f"{entry}: {err}"
        if c.warning is None:
            assert err == "", f"{entry}: {err}"
        else:
            assert err.count("warning: ") == 1, f"{entry}: {err}"
            assert c.warning in err, f"{entry}: {err}"


@pytest.mark.parametrize("name", NAMES)
def test_plan_check_and_the_program_agree_with_the_engine(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    c = BY_NAME[name]
    project = project_of(c, tmp_path)
    for variable, value in c.env.items():
        monkeypatch.setenv(variable, value)
    outcomes = {entry: command(entry, project, capsys) for entry in ("check", "plan")}
    ran, program_text, result = program(c, project)
    if c.expect == OK:
        assert_accepted(c, outcomes, ran, program_text)
        return
    assert isinstance(c.expect, list)
    for entry, (outcome, _, err) in outcomes.items():
        assert outcome == "error", f"{entry} accepted the case"
        for line in c.expect:
            assert line in err, f"{entry}: expected {line!r} in\n{err}"
    if isinstance(result, ProgramError):  # refused before its first resource, as one settings error
        assert result.registrations == []
        assert isinstance(result.cause, SettingsError), repr(result.cause)
    if c.engine == "stops":  # the engine refuses before any program runs: so does the offline read
        assert ran == "stopped", program_text
    elif c.engine == "runs-other":  # the engine would run on another reading than the one written: refused
        assert ran in ("stopped", "error"), program_text
    else:  # the engine runs the program: it refuses on its own, with the same lines
        assert ran == "error", program_text
        for line in c.expect:
            if not line.startswith("Pulumi.hostile.yaml imports"):  # the engine has read the environment
                assert line in program_text, f"program: expected {line!r} in\n{program_text}"


def plan_json(project: Path, capsys: pytest.CaptureFixture[str]) -> str:
    outcome, out, err = command("plan", project, capsys)
    assert outcome == OK, err
    return out


def test_a_shells_pulumi_config_changes_nothing_in_plan_or_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Byte for byte the same plan and check with and without PULUMI_CONFIG* in the shell: the
    engine replaces them (pulumi-language-python main.go), so the plan must not read them."""
    project = project_of(BY_NAME["env-pulumi-config-adds-a-role"], tmp_path)
    before = plan_json(project, capsys), command("check", project, capsys)
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(_EXTRA_ROLE))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", '["cross-account-roles:users", "cross-account-roles:roles"]')
    after = plan_json(project, capsys), command("check", project, capsys)
    assert after == before
    assert "evil" not in after[0]
    assert '"s3-list-role"' in after[0]


def test_an_environment_adds_nothing_the_offline_commands_did_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With `environment:` the plan is the stack file's own, and says so: on stderr, and in the
    plan's findings (ESC_UNSEEN), which the review's Markdown shows."""
    plain = project_of(BY_NAME["project-one-spelling-bare"], tmp_path / "plain")
    esc = project_of(BY_NAME["esc-inline-values"], tmp_path / "esc")
    (plain / FILE).write_text(
        (esc / FILE).read_text(encoding="utf-8").split("\nconfig:", 1)[1].join(["config:", ""]), encoding="utf-8"
    )
    (plain / "Pulumi.yaml").write_text(PROJECT, encoding="utf-8")
    with_esc, without = json.loads(plan_json(esc, capsys)), json.loads(plan_json(plain, capsys))
    assert [(f["rule_id"], f["location"]) for f in with_esc.pop("findings")] == [("ESC_UNSEEN", FILE)]
    assert without.pop("findings") == []
    assert with_esc == without
    assert '"team"' not in plan_json(esc, capsys)  # the environment's inline tag was never pretended


def registrations(project: Path) -> list:  # type: ignore[type-arg]
    return list(run_program(STACK, read_engine_config(project, STACK), program_path=project / "__main__.py").registrations)


def test_a_boundary_the_stack_creates_is_registered_as_a_dependency_of_its_role(tmp_path: Path) -> None:
    project = project_of(BY_NAME["boundary-is-a-policy-the-stack-creates"], tmp_path)
    found = registrations(project)
    (role,) = [r for r in found if r.type == "aws:iam/role:Role"]
    (policy,) = [r for r in found if r.type == "aws:iam/policy:Policy" and r.state.get("arn") == OWN_POLICY]
    assert role.inputs["permissionsBoundary"] == OWN_POLICY
    assert policy.urn in role.dependencies  # the engine creates the policy first, and deletes it last


def test_an_aws_managed_boundary_makes_no_dependency(tmp_path: Path) -> None:
    project = project_of(BY_NAME["boundary-aws-managed"], tmp_path)
    found = registrations(project)
    (role,) = [r for r in found if r.type == "aws:iam/role:Role"]
    policies = {r.urn for r in found if r.type == "aws:iam/policy:Policy"}
    assert role.inputs["permissionsBoundary"] == "arn:aws:iam::aws:policy/PowerUserAccess"
    assert not policies & set(role.dependencies)


def _group(name: str, parts: tuple[str, ...], arns: tuple[str, ...] = ()) -> GroupPlan:
    assume = tuple(
        AssumePolicyPlan(part=p, name=f"{name}-group-assume-roles-s{'-' + p if p else ''}", arn="", document="{}", roles=("r",))
        for p in parts
    )
    return GroupPlan(
        name=name,
        path="/",
        arn=f"arn:aws:iam::{SRC}:group/{name}",
        members=("random_user",),
        roles=("r",),
        policy_name=assume[0].name if assume else None,
        policy_arn=None,
        policy_document=None,
        managed_policy_arns=arns,
        tags={},
        assume_policies=assume,
    )


def test_a_split_groups_part_and_another_groups_policy_would_share_a_urn() -> None:
    """Group `g` split into parts `0` and `1`, and group `g-1`: `group-assume-g-1` twice (the
    policy and its attachment), which the engine refuses as a duplicate URN."""
    problems = group_resource_name_problems([_group("g", ("0", "1")), _group("g-1", ("",))])
    assert problems == [
        "cross-account-roles:groups.g-1: its assume-role policy would get the Pulumi name 'group-assume-g-1' of the one at "
        "cross-account-roles:groups.g, and the engine refuses two resources of one URN (Duplicate resource URN); expected "
        "names that do not collide: rename one of the groups (or attach one policy of that name)",
        "cross-account-roles:groups.g-1: the attachment of its assume-role policy would get the Pulumi name 'group-assume-g-1' "
        "of the one at cross-account-roles:groups.g, and the engine refuses two resources of one URN (Duplicate resource URN); "
        "expected names that do not collide: rename one of the groups (or attach one policy of that name)",
    ]
    assert group_resource_name_problems([_group("g", ("0", "1")), _group("g-2", ("",))]) == []
