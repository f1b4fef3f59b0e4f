"""Hostile input, round two (issue 21): the engine's configuration read exactly, groups and
managed policies as AWS attaches them, and an order the engine cannot see.

Each case is a project (`Pulumi.yaml`, `Pulumi.hostile.yaml`, maybe more files), an environment,
the outcome every entry point must reach (accepted, or the lines of the one error) and the
reason, citing the engine's source (pulumi/pulumi of 2026-08-21, commit 1b59498) or AWS's
documentation. "The program" is `__main__.py` under the recording mocks, given the configuration
map the engine would pass it. Where the engine itself stops before any program runs
(`engine="stops"`), that is what the offline read must do too; where the engine runs the program
on something the offline commands refuse (`engine_values`), the program must refuse it on its own.
"""

from __future__ import annotations

import json

from tests.hostile.cases.stack_files import PROJECT, ROLE, SOURCE, TARGET, USERS, role_with, stack
from tests.hostile.harness import Accepted, Case, Content, Refused

STACK = "hostile"
FILE = "Pulumi.hostile.yaml"
SRC, TGT = "111122223333", "444455556666"
OK = "ok"
OWN_POLICY = f"arn:aws:iam::{TGT}:policy/s3-list-role-role_permissions_policy"
"""The ARN of the policy the walk-through role's policyFiles create (crossaccount/plan/names.py role_policy_name)."""


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


def case(
    name: str,
    files: dict[str, str],
    expect: str | list[str],
    why: str,
    env: dict[str, str] | None = None,
    warning: str | None = None,
    engine: str = "runs",
    engine_values: dict[str, str] | None = None,
) -> None:
    """`expect`: OK, or the lines of the one error. `engine`: `runs` (the engine runs the program,
    which must refuse on its own), `stops` (the engine refuses before any program runs) or
    `runs-other` (it would run on another reading than the one written). A case without a
    `Pulumi.yaml` has none (the engine looks upwards for one)."""
    content: dict[str, Content] = {"Pulumi.yaml": None, **files}
    outcome = Accepted(warning) if expect == OK else Refused(tuple(expect), engine=engine)
    CASES.append(Case(name, content, outcome, why, env=env or {}, engine_values=engine_values, origin="engine"))


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


BY_NAME = {c.name: c for c in CASES}
