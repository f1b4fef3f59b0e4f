"""The hostile stack files and outputs files: each what a hostile or careless user hands `plan`,
`check` and `verify` (and the program), and the lines of the one error each must give.

A stack case (`Refused`) runs through the program and every command
(tests/hostile/test_refused_before_anything_is_registered.py); an outputs file (`Ends`) through
`verify` (tests/hostile/test_each_file_and_option_ends_in_its_one_error.py). Cases are written
as the files a user would hand the commands, some as bytes no editor keeps, or symbolic links.
"""

from __future__ import annotations

import json
from typing import Any

from tests.hostile.harness import Case, Content, Ends, Refused

STACK = "Pulumi.hostile.yaml"
ALL = "plan check verify"

SOURCE = """  cross-account-roles:source:
    accountId: "111122223333"
    region: eu-north-1
    profile: utils
"""
TARGET = """  cross-account-roles:target:
    accountId: "444455556666"
    region: eu-north-1
    profile: prod
"""
USERS = """  cross-account-roles:users:
    random_user:
      tags:
        name: random
"""
ROLE = """  cross-account-roles:roles:
    s3-list-role:
      description: Lists the S3 buckets of the prod account
      trustedUsers:
        - random_user
      policyFiles:
        - role_permissions_policy.json
"""
POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}, indent=2
)


def stack(source: str = SOURCE, target: str = TARGET, users: str = USERS, roles: str = ROLE, extra: str = "") -> str:
    return "config:\n" + source + target + users + roles + extra


def role_with(lines: str) -> str:
    """The walk-through role with more keys (indented as role settings)."""
    return ROLE + "".join(f"      {line}\n" for line in lines.strip("\n").split("\n"))


CASES: list[Case] = []
AS_A_PROCESS = {"outputs-role-in-another-account"}
"""Run as the command line a pipeline calls (the exit code a shell sees); the others in process."""


def case(name: str, expected: list[str], *rest: Any) -> None:
    """`case(name, expected, files)` or `case(name, expected, commands, files)`; files: relative path -> content.

    A stack (commands `plan check verify`) is refused by every entry point; an outputs file
    (commands `verify`) ends verify in its error."""
    commands, files = rest if len(rest) == 2 else (ALL, rest[0])
    content: dict[str, Content] = dict(files)
    if commands == ALL:
        CASES.append(Case(name, content, Refused(tuple(expected)), origin="corpus"))
    else:
        args = ("verify", "--stack", "hostile", "--project-dir", "{p}", "--outputs", "{p}/outputs.json", "--mfa-token", "123456")
        alone = name in AS_A_PROCESS
        ends = Ends(args, lines=tuple(expected), separate=alone, keys=False)  # refused before verify looks for credentials
        CASES.append(Case(name, content, ends, origin="corpus"))


# --- stack files the reader refuses ------------------------------------------------------------
case("stack-not-utf8", ["Pulumi.hostile.yaml: not UTF-8 text"], {STACK: stack().encode().replace(b"Lists", b"Lists \xff\xfe")})
case("stack-is-a-directory", ["Pulumi.hostile.yaml: not a regular file"], {f"{STACK}/.keep": ""})
case("stack-empty", ["Pulumi.hostile.yaml: empty"], {STACK: ""})
case("stack-only-comments", ["Pulumi.hostile.yaml: empty"], {STACK: "# nothing here\n# at all\n"})
case("stack-top-is-a-list", ["Pulumi.hostile.yaml: got a list at the top"], {STACK: "- config\n- more\n"})
case("stack-top-is-a-scalar", ["Pulumi.hostile.yaml: got the str", "at the top"], {STACK: "just some text\n"})
case("stack-config-is-a-list", ["Pulumi.hostile.yaml: config is a list"], {STACK: "config:\n  - cross-account-roles:source\n"})
case(
    "stack-nested-too-deep",
    ["Pulumi.hostile.yaml, line 22: nested more than 32 levels deep"],
    {STACK: stack(extra="  cross-account-roles:tags:\n    deep: " + "[" * 40 + "]" * 40 + "\n")},
)
case(
    "stack-nested-absurdly",
    ["Pulumi.hostile.yaml, line 22: nested more than 32 levels deep"],
    {STACK: stack(extra="  cross-account-roles:tags:\n    deep: " + "[" * 20000 + "]" * 20000 + "\n")},
)
case(
    "stack-nested-behind-an-apostrophe",
    ["Pulumi.hostile.yaml, line 23: nested more than 32 levels deep"],
    {STACK: stack(extra="  cross-account-roles:tags:\n    a: it's\n    deep: " + "[" * 20000 + "]" * 20000 + "\n")},
)
_laughs = "".join(f"    l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 10))
case(
    "stack-billion-laughs",
    ["more than 200,000 values once aliases are expanded", "alias bomb"],
    {STACK: stack(extra="  cross-account-roles:tags:\n    l0: &l0 lol\n" + _laughs)},
)
case(
    "stack-key-is-a-number",
    ["Pulumi.hostile.yaml, line 14: cross-account-roles:users: the key 123 is a number to YAML, not text; quote it"],
    {STACK: stack(users=USERS + "    123: {}\n")},
)
case(
    "stack-key-is-a-boolean",
    ["cross-account-roles:roles.s3-list-role: the key true is a boolean to YAML, not text"],
    {STACK: stack(roles=role_with("true: false"))},
)
case(
    "stack-key-is-a-date",
    ["cross-account-roles:users: the key 2024-01-01 is a date to YAML, not text"],
    {STACK: stack(users=USERS + "    2024-01-01: {}\n")},
)
case(
    "stack-key-is-null",
    ["cross-account-roles:users: the key ~ is null to YAML, not text"],
    {STACK: stack(users=USERS + "    ~: {}\n")},
)
case(
    "stack-key-is-a-list",
    ["cross-account-roles:users: a key that is a list or mapping; expected a name"],
    {STACK: stack(users=USERS + "    ? [a, b]\n    : {}\n")},
)
case(
    "stack-value-is-a-date",
    ["cross-account-roles:roles.s3-list-role.description: 2024-01-01 is a date/time to YAML", 'quote it, e.g. "2024-01-01"'],
    {STACK: stack(roles=ROLE.replace("Lists the S3 buckets of the prod account", "2024-01-01"))},
)
case(
    "stack-value-is-binary",
    ["cross-account-roles:roles.s3-list-role.description: a value with the YAML type binary"],
    {STACK: stack(roles=ROLE.replace("Lists the S3 buckets of the prod account", "!!binary aGVsbG8="))},
)
case(
    "stack-value-is-a-set",
    ["cross-account-roles:tags: a tag:yaml.org,2002:set mapping; expected a plain mapping"],
    {STACK: stack(extra="  cross-account-roles:tags: !!set {a, b}\n")},
)
case(
    "stack-value-is-an-omap",
    ["cross-account-roles:roles.s3-list-role.trustedUsers: a tag:yaml.org,2002:omap sequence"],
    {STACK: stack(roles=ROLE.replace("      trustedUsers:\n        - random_user\n", "      trustedUsers: !!omap [a: 1]\n"))},
)
case(
    "stack-value-has-a-custom-tag",
    ["cross-account-roles:source.profile: a value with the YAML type !Ref"],
    {STACK: stack(source=SOURCE.replace("profile: utils", "profile: !Ref utils"))},
)
case(
    "stack-duplicate-setting",
    ["Pulumi.hostile.yaml, line 22: cross-account-roles:roles.s3-list-role.requireMfa: duplicate key (first at line 21)"],
    {STACK: stack(roles=role_with("requireMfa: true\nrequireMfa: false"))},
)
case(
    "stack-duplicate-users-block",
    ["cross-account-roles:users: duplicate key (first at line 10)", "the engine refuses the file"],
    {STACK: stack(extra="  cross-account-roles:users:\n    mallory: {}\n")},
)
case(
    "stack-duplicate-role",
    ["cross-account-roles:roles.s3-list-role: duplicate key"],
    {STACK: stack(roles=ROLE + ROLE.split("\n", 1)[1].replace("random_user", "other_user"))},
)
case(
    "stack-merge-key",
    ["cross-account-roles:roles.s3-list-role: a merge key (<<); write the keys out instead"],
    {STACK: stack(roles=role_with("<<: {requireMfa: false}"))},
)
case("stack-yaml-1.1-directive", ["a %YAML or %TAG directive"], {STACK: "%YAML 1.1\n---\n" + stack()})
case("stack-two-documents", ["Pulumi.hostile.yaml, line 21: a second YAML document"], {STACK: stack() + "---\nconfig: {}\n"})
case(
    "stack-not-yaml",
    ["Pulumi.hostile.yaml, line 4: not valid YAML"],
    {STACK: "config:\n  cross-account-roles:source: {accountId: [\n  x: ]\n"},
)
case(
    "stack-octal-looking-number",
    ["cross-account-roles:roles.s3-list-role.maxSessionDuration: the number 07200 is read differently by YAML readers"],
    {STACK: stack(roles=role_with("maxSessionDuration: 07200"))},
)
case(
    "stack-hex-number",
    ["cross-account-roles:roles.s3-list-role.maxSessionDuration: the number 0x1C20 is read differently"],
    {STACK: stack(roles=role_with("maxSessionDuration: 0x1C20"))},
)
case(
    "stack-number-with-underscores",
    ["cross-account-roles:roles.s3-list-role.maxSessionDuration: the number 7_200 is read differently"],
    {STACK: stack(roles=role_with("maxSessionDuration: 7_200"))},
)
case(
    "stack-infinity",
    ["cross-account-roles:roles.s3-list-role.maxSessionDuration: .inf is not a finite number"],
    {STACK: stack(roles=role_with("maxSessionDuration: .inf"))},
)
case(
    "stack-nan",
    ["cross-account-roles:roles.s3-list-role.mfaMaxAgeSeconds: .nan is not a finite number"],
    {STACK: stack(roles=role_with("mfaMaxAgeSeconds: .nan"))},
)
case(
    "stack-account-id-leading-zero-unquoted",
    ["cross-account-roles:source.accountId: the number 011122223333 is read differently", "quote it if it is an id"],
    {STACK: stack(source=SOURCE.replace('"111122223333"', "011122223333"))},
)
case(
    "stack-account-id-unquoted",
    ["cross-account-roles:target.accountId: got 444455556666; expected a 12-digit account id as a quoted string"],
    {STACK: stack(target=TARGET.replace('"444455556666"', "444455556666"))},
)
case(
    "stack-tag-value-is-a-number",
    [
        "cross-account-roles:users.random_user.tags.cost-center: got 1234; expected a string; 1234 unquoted is a number",
        'quote it, e.g. "1234"',
    ],
    {STACK: stack(users=USERS + "        cost-center: 1234\n")},
)
case(
    "stack-tag-value-is-a-boolean",
    ["cross-account-roles:tags.enabled: got true; expected a string; true unquoted is a boolean to the engine"],
    {STACK: stack(extra="  cross-account-roles:tags:\n    enabled: true\n")},
)
case(
    "stack-yes-is-not-a-boolean",
    ['cross-account-roles:roles.s3-list-role.requireMfa: got "yes"; expected true or false'],
    {STACK: stack(roles=role_with("requireMfa: yes"))},
)
case(
    "stack-on-is-not-a-boolean",
    ['cross-account-roles:roles.s3-list-role.allowSessionTags: got "on"; expected true or false'],
    {STACK: stack(roles=role_with("allowSessionTags: on"))},
)
# `environment:` (Pulumi ESC) is read, with a warning: tests/hostile/cases/engine.py (esc-*)
case(
    "stack-key-without-namespace",
    ["Pulumi.hostile.yaml: config key 'region' has no namespace"],
    {STACK: stack(extra="  region: eu-north-1\n")},
)
case(
    "stack-namespace-in-other-case",
    ["config key 'Cross-Account-Roles:tags': namespace 'Cross-Account-Roles' differs from 'cross-account-roles' only in case"],
    {STACK: stack(extra="  Cross-Account-Roles:tags:\n    team: platform\n")},
)
case(
    "stack-unknown-setting",
    ["cross-account-roles:roles.s3-list-role.requireMFA: unknown key"],
    {STACK: stack(roles=role_with("requireMFA: false"))},
)
case(
    "stack-unknown-top-level-key",
    ["cross-account-roles:role: unknown key"],
    {STACK: stack(extra="  cross-account-roles:role: {}\n")},
)

# --- secrets -----------------------------------------------------------------------------------
case(
    "secret-profile",
    ["cross-account-roles:source.profile: a secure: (secret) value; this setting may not be secret"],
    {STACK: stack(source=SOURCE.replace("profile: utils", "profile:\n      secure: v1:AAAAbm90LXJlYWw="))},
)
case(
    "secret-description",
    ["cross-account-roles:roles.s3-list-role.description: a secure: (secret) value; this setting may not be secret"],
    {STACK: stack(roles=ROLE.replace("Lists the S3 buckets of the prod account", "{secure: v1:AAAAbm90LXJlYWw=}"))},
)
case(
    "secret-whole-roles",
    ["cross-account-roles:roles: a secure: (secret) value; this setting may not be secret"],
    {STACK: stack(roles="  cross-account-roles:roles:\n    secure: v1:AAAAbm90LXJlYWw=\n")},
)
case(
    "secret-account-id",
    ["cross-account-roles:target.accountId: a secure: (secret) value"],
    {STACK: stack(target=TARGET.replace('"444455556666"', "{secure: v1:AAAAbm90LXJlYWw=}"))},
)

# --- the project file and the project's other stacks --------------------------------------------
PROJECT = "name: cross-account-roles\nruntime: python\n"
case(
    "project-default-and-value",
    ["Pulumi.yaml: config cross-account-roles:tags: both default and value"],
    {STACK: stack(), "Pulumi.yaml": PROJECT + "config:\n  cross-account-roles:tags:\n    default: {a: b}\n    value: {a: c}\n"},
)
case(
    "project-map-without-value",
    ["Pulumi.yaml: config cross-account-roles:tags: unknown field(s) team", "written under value:"],
    {STACK: stack(), "Pulumi.yaml": PROJECT + "config:\n  cross-account-roles:tags:\n    team: platform\n"},
)
case(
    "project-other-name",
    ["Pulumi.yaml: name is 'someone-else'; expected 'cross-account-roles'"],
    {STACK: stack(), "Pulumi.yaml": "name: someone-else\nruntime: python\n"},
)
case(
    "project-duplicate-key",
    ["Pulumi.yaml, line 5: cross-account-roles:tags: duplicate key"],
    {
        STACK: stack(),
        "Pulumi.yaml": PROJECT
        + "config:\n  cross-account-roles:tags: {value: {a: b}}\n  cross-account-roles:tags: {value: {a: c}}\n",
    },
)
case(
    "project-bad-shared-setting",
    ['cross-account-roles:tags: tag key "aws:team" uses the reserved prefix aws:'],
    {STACK: stack(), "Pulumi.yaml": PROJECT + "config:\n  cross-account-roles:tags:\n    value:\n      aws:team: platform\n"},
)
case(
    "stack-names-differ-only-in-case",
    ["stack name 'hostile': the project also has stack 'HOSTILE'", "IAM names ignore case"],
    {STACK: stack(), "Pulumi.HOSTILE.yaml": stack()},
)


# --- policy files ------------------------------------------------------------------------------
def _policy(text: str | bytes) -> dict[str, Any]:
    return {STACK: stack(), "policies/role_permissions_policy.json": text}


KEY = "cross-account-roles:roles.s3-list-role.policyFiles[0]: policies/role_permissions_policy.json"
case(
    "policy-duplicate-resource",
    [f"{KEY}: the key 'Resource' appears twice in one object"],
    _policy(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
        '"Resource": "arn:aws:s3:::public/*", "Resource": "*"}]}'
    ),
)
case(
    "policy-duplicate-statement-key",
    [f"{KEY}: the key 'Statement' appears twice"],
    _policy('{"Version": "2012-10-17", "Statement": [], "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'),
)
case("policy-nan", [f"{KEY}: NaN is not JSON"], _policy('{"Version": "2012-10-17", "Statement": [], "X": NaN}'))
case("policy-infinity", [f"{KEY}: -Infinity is not JSON"], _policy('{"Version": "2012-10-17", "Statement": [], "X": -Infinity}'))
case(
    "policy-nested-deep",
    [f"{KEY}: nested more than 16 levels deep"],
    _policy('{"Version": "2012-10-17", "Statement": [{"Condition": ' + '{"a": ' * 20 + "1" + "}" * 20 + "}]}"),
)
case(
    "policy-nested-absurdly",
    [f"{KEY}: nested too deeply to be a policy"],
    _policy('{"Statement": ' + "[" * 5000 + "]" * 5000 + "}"),
)
case("policy-not-utf8", [f"{KEY}: not UTF-8 text"], _policy(POLICY.encode().replace(b"ListAllMyBuckets", b"List\xe9")))
case("policy-is-a-directory", [f"{KEY}: not a regular file"], {STACK: stack(), "policies/role_permissions_policy.json/.keep": ""})
case(
    "policy-symlink-outside",
    [f"{KEY}: a symbolic link to", "outside policies/"],
    {STACK: stack(), "outside.json": POLICY, "policies/role_permissions_policy.json": ("symlink", "../outside.json")},
)
case(
    "policy-path-traversal",
    ["cross-account-roles:roles.s3-list-role.policyFiles[0]: policies/../outside.json: not a plain file name"],
    {STACK: stack(roles=ROLE.replace("role_permissions_policy.json", "../outside.json")), "outside.json": POLICY},
)
case("policy-not-json", [f"{KEY}: not valid JSON"], _policy("Version: 2012-10-17\n"))
case("policy-a-list", [f"{KEY}: got [", "expected a JSON object with Version and Statement"], _policy("[1, 2]"))

# --- names and documents AWS would refuse, or that mean more than they say ----------------------
case(
    "role-path-wildcard",
    ['cross-account-roles:roles.s3-list-role.path: got "/team/*/"; * in a path becomes a wildcard or a policy variable'],
    {STACK: stack(roles=role_with("path: /team/*/"))},
)
case(
    "user-path-policy-variable",
    ['cross-account-roles:users.random_user.path: got "/${aws:username}/"; ${ in a path becomes'],
    {STACK: stack(users=USERS + "      path: /${aws:username}/\n")},
)
case(
    "saml-audience-look-alike-host",
    [
        'cross-account-roles:roles.s3-list-role.samlAudiences[0]: got "https://signin.aws.amazon.com.evil.example/saml"; '
        "expected an AWS sign-in endpoint of partition aws, https://signin.aws.amazon.com/saml or "
        "https://<region>.signin.aws.amazon.com/saml"
    ],
    {
        STACK: stack(
            roles=role_with(
                "trustedSamlProviders:\n  - arn:aws:iam::444455556666:saml-provider/Okta\n"
                "samlAudiences:\n  - https://signin.aws.amazon.com.evil.example/saml"
            )
        )
    },
)
case(
    "saml-audience-wildcard",
    [
        'cross-account-roles:roles.s3-list-role.samlAudiences[0]: got "https://*.signin.aws.amazon.com/saml"; '
        "expected an AWS sign-in endpoint of partition aws"
    ],
    {
        STACK: stack(
            roles=role_with(
                "trustedSamlProviders:\n  - arn:aws:iam::444455556666:saml-provider/Okta\n"
                "samlAudiences:\n  - 'https://*.signin.aws.amazon.com/saml'"
            )
        )
    },
)
case(
    "role-path-question-mark",
    ['cross-account-roles:roles.s3-list-role.path: got "/te?m/"; ? in a path'],
    {STACK: stack(roles=role_with("path: /te?m/"))},
)
case(
    "managed-arn-twice",
    [
        'cross-account-roles:roles.s3-list-role.managedPolicyArns[1]: "arn:aws:iam::aws:policy/ReadOnlyAccess" is also managedPolicyArns[0]'
    ],
    {
        STACK: stack(
            roles=role_with(
                "managedPolicyArns:\n  - arn:aws:iam::aws:policy/ReadOnlyAccess\n  - arn:aws:iam::aws:policy/ReadOnlyAccess"
            )
        )
    },
)
case(
    "managed-arn-twice-other-case",
    ['managedPolicyArns[1]: "arn:aws:iam::aws:policy/readonlyaccess" is also managedPolicyArns[0] (IAM ignores case)'],
    {
        STACK: stack(
            roles=role_with(
                "managedPolicyArns:\n  - arn:aws:iam::aws:policy/ReadOnlyAccess\n  - arn:aws:iam::aws:policy/readonlyaccess"
            )
        )
    },
)
case(
    "policy-file-and-managed-policy-same-name",
    [
        "cross-account-roles:roles.s3-list-role.managedPolicyArns[0]: attaching arn:aws:iam::aws:policy/ReadOnlyAccess would get "
        "the resource name of the attachment at cross-account-roles:roles.s3-list-role.policyFiles[0]"
    ],
    {
        STACK: stack(
            roles=ROLE.replace("role_permissions_policy.json", "aws-ReadOnlyAccess.json")
            + "      managedPolicyArns:\n        - arn:aws:iam::aws:policy/ReadOnlyAccess\n"
        ),
        "policies/aws-ReadOnlyAccess.json": POLICY,
    },
)
case(
    "managed-arn-is-the-stacks-own-policy",
    [
        "managedPolicyArns[0]: arn:aws:iam::444455556666:policy/s3-list-role-role_permissions_policy is a policy this stack creates"
    ],
    {
        STACK: stack(
            roles=role_with("managedPolicyArns:\n  - arn:aws:iam::444455556666:policy/s3-list-role-role_permissions_policy")
        )
    },
)
case(
    "managed-arn-other-partition",
    ['managedPolicyArns[0]: got "arn:aws-cn:iam::aws:policy/ReadOnlyAccess"; expected an ARN of partition aws'],
    {STACK: stack(roles=role_with("managedPolicyArns:\n  - arn:aws-cn:iam::aws:policy/ReadOnlyAccess"))},
)
case(
    "boundary-other-account",
    [
        'cross-account-roles:roles.s3-list-role.permissionsBoundary: got "arn:aws:iam::999988887777:policy/Boundary"; '
        "a permissions boundary must be a policy of the target account 444455556666"
    ],
    {STACK: stack(roles=role_with("permissionsBoundary: arn:aws:iam::999988887777:policy/Boundary"))},
)
case(
    "boundary-other-partition",
    ['permissionsBoundary: got "arn:aws-us-gov:iam::aws:policy/PowerUserAccess"; expected an ARN of partition aws'],
    {STACK: stack(roles=role_with("permissionsBoundary: arn:aws-us-gov:iam::aws:policy/PowerUserAccess"))},
)
case(
    "accounts-in-two-partitions",
    ["cross-account-roles:target.region: cn-north-1 is in partition aws-cn", "a role cannot trust a user of another partition"],
    {STACK: stack(target=TARGET.replace("eu-north-1", "cn-north-1"))},
)
case(
    "deployer-role-other-partition",
    ['cross-account-roles:source.roleArn: got "arn:aws-cn:iam::111122223333:role/deployer"; expected an ARN of partition aws'],
    {STACK: stack(source=SOURCE.replace("profile: utils", "roleArn: arn:aws-cn:iam::111122223333:role/deployer"))},
)
case(
    "user-name-one-character",
    ['cross-account-roles:users.u: user name "u" is shorter than 2 characters', "STS takes from 2 to 64"],
    {STACK: stack(users="  cross-account-roles:users:\n    u: {}\n", roles=ROLE.replace("random_user", "u"))},
)
case(
    "tag-key-characters",
    ['cross-account-roles:users.random_user.tags.team!: tag key "team!" has characters IAM refuses (U+0021 "!")'],
    {STACK: stack(users=USERS + "        team!: platform\n")},
)
case(
    "tag-value-emoji",
    ["cross-account-roles:tags.team: tag value", "has characters IAM refuses (U+1F680"],
    {STACK: stack(extra='  cross-account-roles:tags:\n    team: "rocket \\U0001F680"\n')},
)
case(
    "tag-key-aws-prefix",
    ['cross-account-roles:roles.s3-list-role.tags: tag key "AWS:owner" uses the reserved prefix aws:'],
    {STACK: stack(roles=role_with("tags:\n  AWS:owner: me"))},
)
case(
    "tag-keys-differ-in-case",
    ['cross-account-roles:roles.s3-list-role.tags: tag key names "Team" and "team" differ only in case'],
    {STACK: stack(roles=role_with("tags:\n  team: a"), extra="  cross-account-roles:tags:\n    Team: b\n")},
)
case(
    "same-account-policy-names-collide",
    [
        "cross-account-roles:users.random_user: its assume-role policy 'random_user-assume-roles-hostile' has the name of the "
        "policy derived at cross-account-roles:roles.random_user-assume-roles.policyFiles[0]"
    ],
    {
        STACK: stack(
            target=TARGET.replace("444455556666", "111122223333"),
            roles=ROLE.replace("s3-list-role:", "random_user-assume-roles:").replace(
                "role_permissions_policy.json", "hostile.json"
            ),
        ),
        "policies/hostile.json": POLICY,
    },
)

# --- outputs files for verify ------------------------------------------------------------------
GOOD_OUTPUTS: dict[str, Any] = {
    "sourceAccountId": "111122223333",
    "targetAccountId": "444455556666",
    "users": {
        "random_user": {
            "arn": "arn:aws:iam::111122223333:user/random_user",
            "mfaSerial": "arn:aws:iam::111122223333:mfa/random_user",
            "roles": ["s3-list-role"],
        }
    },
    "roles": {"s3-list-role": {"arn": "arn:aws:iam::444455556666:role/s3-list-role"}},
}


def _outputs(change: dict[str, Any] | str) -> dict[str, Any]:
    text = change if isinstance(change, str) else json.dumps({**GOOD_OUTPUTS, **change}, indent=2)
    return {STACK: stack(), "outputs.json": text}


case(
    "outputs-nested-absurdly",
    ["outputs.json: nested too deeply to be outputs"],
    "verify",
    _outputs('{"roles": ' + "[" * 5000 + "]" * 5000 + "}"),
)
case(
    "outputs-unknown-role",
    ["outputs.json: role 'admin', which Pulumi.hostile.yaml does not declare"],
    "verify",
    _outputs({"roles": {**GOOD_OUTPUTS["roles"], "admin": {"arn": "arn:aws:iam::444455556666:role/admin"}}}),
)
case(
    "outputs-role-in-another-account",
    [
        "outputs.json: roles.s3-list-role.arn is 'arn:aws:iam::999988887777:role/s3-list-role' but Pulumi.hostile.yaml implies "
        "'arn:aws:iam::444455556666:role/s3-list-role'"
    ],
    "verify",
    _outputs({"roles": {"s3-list-role": {"arn": "arn:aws:iam::999988887777:role/s3-list-role"}}}),
)
case(
    "outputs-role-on-another-path",
    ["roles.s3-list-role.arn is 'arn:aws:iam::444455556666:role/admin/s3-list-role' but Pulumi.hostile.yaml implies"],
    "verify",
    _outputs({"roles": {"s3-list-role": {"arn": "arn:aws:iam::444455556666:role/admin/s3-list-role"}}}),
)
case(
    "outputs-user-mfa-serial-elsewhere",
    ["users.random_user.mfaSerial is 'arn:aws:iam::999988887777:mfa/random_user' but Pulumi.hostile.yaml implies"],
    "verify",
    _outputs(
        {
            "users": {
                "random_user": {**GOOD_OUTPUTS["users"]["random_user"], "mfaSerial": "arn:aws:iam::999988887777:mfa/random_user"}
            }
        }
    ),
)
case(
    "outputs-duplicate-keys",
    ["outputs.json: not valid outputs (the key 'targetAccountId' appears twice in one object"],
    "verify",
    _outputs(json.dumps(GOOD_OUTPUTS)[:-1] + ', "targetAccountId": "999988887777"}'),
)
case("outputs-nan", ["outputs.json: not valid outputs (NaN is not JSON)"], "verify", _outputs('{"sourceAccountId": NaN}'))
case("outputs-not-json", ["outputs.json: not valid JSON"], "verify", _outputs("sourceAccountId: 111122223333\n"))
case("outputs-a-list", ["outputs.json: not this program's outputs"], "verify", _outputs("[]"))


# --- the organisation: a people's stack beside the project's other stacks, and federation -------
case(
    "federation-external-id-on-saml-only",
    [
        "cross-account-roles:roles.federated-read.externalId: set on a role whose only principals are trustedSamlProviders; they assume it with AssumeRoleWithSAML or AssumeRoleWithWebIdentity, which take no ExternalId, so no principal can send it"
    ],
    {
        "Pulumi.hostile.yaml": (
            "# A role trusted only by a SAML provider, with an external id no SAML sign-in can send.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers: [random_user]\n"
            "      policyFiles: [role_permissions_policy.json]\n"
            "    federated-read:\n"
            "      policyFiles: [role_permissions_policy.json]\n"
            '      trustedSamlProviders: ["arn:aws:iam::444455556666:saml-provider/Okta"]\n'
            "      externalId: partner-1234\n"
        ),
    },
)
case(
    "federation-mfa-age-on-permission-sets-only",
    [
        "cross-account-roles:roles.federated-read.mfaMaxAgeSeconds: set on a role whose only principals are trustedPermissionSets, who sign in elsewhere; their statements carry no MFA condition (IAM Identity Center or the identity provider enforces MFA at sign-in: docs/identity-center.md), so it does nothing: remove mfaMaxAgeSeconds, and require MFA where they sign in"
    ],
    {
        "Pulumi.hostile.yaml": (
            "# A role trusted only by a permission set, with an MFA age its trust policy cannot carry.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers: [random_user]\n"
            "      policyFiles: [role_permissions_policy.json]\n"
            "    federated-read:\n"
            "      policyFiles: [role_permissions_policy.json]\n"
            "      trustedPermissionSets: [DataEngineers]\n"
            "      ssoRegion: eu-west-1\n"
            "      ssoStartUrl: https://d-1234567890.awsapps.com/start\n"
            "      mfaMaxAgeSeconds: 3600\n"
        ),
    },
)
case(
    "federation-require-mfa-on-saml-only",
    [
        "cross-account-roles:roles.federated-read.requireMfa: set on a role whose only principals are trustedSamlProviders, who sign in elsewhere"
    ],
    {
        "Pulumi.hostile.yaml": (
            "# A role trusted only by a SAML provider, with requireMfa: true, which its trust policy cannot carry.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers: [random_user]\n"
            "      policyFiles: [role_permissions_policy.json]\n"
            "    federated-read:\n"
            "      policyFiles: [role_permissions_policy.json]\n"
            '      trustedSamlProviders: ["arn:aws:iam::444455556666:saml-provider/Okta"]\n'
            "      requireMfa: true\n"
        ),
    },
)
case(
    "federation-start-url-other-partition",
    [
        'cross-account-roles:roles.federated-read.ssoStartUrl: got "https://d-1234567890.awsapps.cn/start", an AWS access portal of partition aws-cn; expected a portal of the source account\'s partition aws (source.region eu-north-1), e.g. https://d-1234567890.awsapps.com/start'
    ],
    {
        "Pulumi.hostile.yaml": (
            "# A permission set whose access portal is in China, for a source account in the aws partition.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers: [random_user]\n"
            "      policyFiles: [role_permissions_policy.json]\n"
            "    federated-read:\n"
            "      policyFiles: [role_permissions_policy.json]\n"
            "      trustedPermissionSets: [DataEngineers]\n"
            "      ssoRegion: eu-west-1\n"
            "      ssoStartUrl: https://d-1234567890.awsapps.cn/start\n"
        ),
    },
)
case(
    "org-other-stack-account-id-typo",
    [
        '(Pulumi.staging.yaml: cross-account-roles:target.accountId: got "77778888999"; expected exactly 12 digits as a quoted string)'
    ],
    {
        "Pulumi.hostile.yaml": (
            "# The people's stack: it grants random_user the roles of every roles-only stack of its source account.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "    profile: prod\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
        "Pulumi.staging.yaml": (
            "# A roles-only stack whose roles the people's stack (Pulumi.hostile.yaml) grants.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "77778888999"\n'
            "    region: eu-north-1\n"
            "    profile: staging\n"
            "  cross-account-roles:roles:\n"
            "    s3-artifacts-read:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
    },
)
case(
    "org-other-stack-key-misspelt",
    [
        "Pulumi.staging.yaml: a roles-only stack whose roles this people's stack grants, but part of it is invalid (Pulumi.staging.yaml: cross-account-roles:rolse: unknown key; expected one of",
        "deploying it now could revoke their grants: fix Pulumi.staging.yaml",
    ],
    {
        "Pulumi.hostile.yaml": (
            "# The people's stack: it grants random_user the roles of every roles-only stack of its source account.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "    profile: prod\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
        "Pulumi.staging.yaml": (
            "# A roles-only stack whose roles the people's stack (Pulumi.hostile.yaml) grants.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "777788889999"\n'
            "    region: eu-north-1\n"
            "    profile: staging\n"
            "  cross-account-roles:rolse:\n"
            "    s3-artifacts-read:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
    },
)
case(
    "org-other-stack-not-yaml",
    [
        "Pulumi.staging.yaml: cannot be read (Pulumi.staging.yaml, line 4: not valid YAML",
        "so this people's stack cannot tell which roles it holds, and deploying it now would revoke every grant of that stack's roles: fix Pulumi.staging.yaml (python -m tools check --stack staging lists its problems)",
    ],
    {
        "Pulumi.hostile.yaml": (
            "# The people's stack: it grants random_user the roles of every roles-only stack of its source account.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "    profile: prod\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
        "Pulumi.staging.yaml": ("# A roles-only stack cut off mid-edit.\nconfig:\n  cross-account-roles:target: [1\n"),
    },
)
case(
    "org-other-stack-role-not-a-mapping",
    [
        '(Pulumi.staging.yaml: cross-account-roles:roles.s3-artifacts-read: got [{"trustedUsers": ["random_user"]}]; expected a mapping)'
    ],
    {
        "Pulumi.hostile.yaml": (
            "# The people's stack: it grants random_user the roles of every roles-only stack of its source account.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "    profile: prod\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
        "Pulumi.staging.yaml": (
            "# A roles-only stack with one role written as a list.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "777788889999"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:roles:\n"
            "    s3-artifacts-read:\n"
            "      - trustedUsers: [random_user]\n"
        ),
    },
)
case(
    "org-person-listed-create-false",
    [
        'cross-account-roles:roles.s3-artifacts-read.trustedUsers[0]: user "random_user" is listed with create: false in Pulumi.utils.yaml, so no stack creates it, and a roles-only stack trusts the people a people\'s stack creates; expected "random_user" created (create: true, the default) under cross-account-roles:users of Pulumi.utils.yaml'
    ],
    {
        "Pulumi.hostile.yaml": (
            "# A roles-only stack that trusts a person the people's stack lists with create: false.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "777788889999"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:roles:\n"
            "    s3-artifacts-read:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
        "Pulumi.utils.yaml": (
            "# The people's stack: it creates alice, and lists random_user without creating it.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:users:\n"
            "    alice: {}\n"
            "    random_user:\n"
            "      create: false\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers:\n"
            "        - alice\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
    },
)
case(
    "org-person-removed-still-trusted",
    [
        'Pulumi.staging.yaml: cross-account-roles:roles.s3-artifacts-read.trustedUsers[1]: trusts user "carol", which no people\'s stack of source account 111122223333 creates (not under cross-account-roles:users here); expected "carol" created here, or removed from that role\'s trustedUsers in Pulumi.staging.yaml'
    ],
    {
        "Pulumi.hostile.yaml": (
            "# The people's stack, from which carol was just removed.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
        "Pulumi.staging.yaml": (
            "# A roles-only stack that still trusts carol.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "777788889999"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:roles:\n"
            "    s3-artifacts-read:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "        - carol\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
    },
)
case(
    "org-policy-name-two-stacks-one-account",
    [
        "cross-account-roles:roles.A.policyFiles[0]: the policy 'A-b-c' it creates in account 555566667777 has the name of the policy 'a-B-c' that Pulumi.data.yaml creates there (cross-account-roles:roles.a-B.policyFiles[0]); IAM names ignore case, and the second `up` would fail (EntityAlreadyExists)"
    ],
    {
        "Pulumi.data.yaml": (
            "# Another roles-only stack in the same account.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "555566667777"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:roles:\n"
            "    a-B:\n"
            "      trustedUsers: [random_user]\n"
            "      policyFiles: [c.json]\n"
        ),
        "Pulumi.hostile.yaml": (
            "# Role A with b-c.json: its policy is A-b-c, which Pulumi.data.yaml's role a-B with c.json also creates (a-B-c) in this account.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "555566667777"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:roles:\n"
            "    A:\n"
            "      trustedUsers: [alice]\n"
            "      policyFiles: [b-c.json]\n"
        ),
        "Pulumi.utils.yaml": (
            "# The people's stack.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:users:\n"
            "    alice: {}\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers:\n"
            "        - alice\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
        "policies/b-c.json": (
            "{\n"
            '  "Version": "2012-10-17",\n'
            '  "Statement": [\n'
            "    {\n"
            '      "Sid": "ListAllBuckets",\n'
            '      "Effect": "Allow",\n'
            '      "Action": "s3:ListAllMyBuckets",\n'
            '      "Resource": "*"\n'
            "    }\n"
            "  ]\n"
            "}\n"
        ),
        "policies/c.json": (
            "{\n"
            '  "Version": "2012-10-17",\n'
            '  "Statement": [\n'
            "    {\n"
            '      "Sid": "ListAllBuckets",\n'
            '      "Effect": "Allow",\n'
            '      "Action": "s3:ListAllMyBuckets",\n'
            '      "Resource": "*"\n'
            "    }\n"
            "  ]\n"
            "}\n"
        ),
    },
)
case(
    "org-project-file-account-id-typo",
    [
        'Pulumi.yaml: config cross-account-roles:source.accountId: got "11112222333"; expected exactly 12 digits as a quoted string'
    ],
    {
        "Pulumi.hostile.yaml": (
            "# The people's stack; its source account comes from Pulumi.yaml.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
        "Pulumi.staging.yaml": (
            "# A roles-only stack; its source account comes from Pulumi.yaml.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "777788889999"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:roles:\n"
            "    s3-artifacts-read:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
        "Pulumi.yaml": (
            "# A typo in the source account every stack inherits: reported once, against Pulumi.yaml.\n"
            "name: cross-account-roles\n"
            "description: IAM users in a source account that assume roles in a target account, trust set from both sides.\n"
            "runtime:\n"
            "  name: python\n"
            "  options:\n"
            "    toolchain: pip\n"
            "    virtualenv: .venv\n"
            "config:\n"
            "  # A resource without an explicit provider is an error, never a resource in the\n"
            "  # account that happens to be the default profile's.\n"
            "  pulumi:disable-default-providers:\n"
            "    value:\n"
            '      - "*"\n'
            "  # What every stack shares, written once: the source account, where the people's IAM users\n"
            "  # live. A stack that sets cross-account-roles:source itself replaces this whole value (the\n"
            "  # engine does not merge maps); none of this project's stacks does. A map needs `value:`\n"
            '  # (a bare map here would be read as a type declaration). docs/settings.md, "Project-wide values".\n'
            "  cross-account-roles:source:\n"
            "    value:\n"
            '      accountId: "11112222333"\n'
            "      region: eu-north-1\n"
            "      profile: utils\n"
        ),
    },
)
case(
    "org-self-service-in-roles-only-stack",
    [
        "cross-account-roles:selfService: set in a stack without users, which holds only roles in its target account; expected it in the people's stack (the stack that declares the users)"
    ],
    {
        "Pulumi.hostile.yaml": (
            "# A roles-only stack that sets selfService, which only the people's stack's users get.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "777788889999"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:selfService:\n"
            "    enforceMfa: true\n"
            "  cross-account-roles:roles:\n"
            "    s3-artifacts-read:\n"
            "      trustedUsers: [random_user]\n"
            "      policyFiles: [role_permissions_policy.json]\n"
        ),
        "Pulumi.utils.yaml": (
            "# The people's stack.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
    },
)
case(
    "org-tag-key-two-values",
    [
        "cross-account-roles:roles.data-read.trustedTag: trusts user 'random_user' by tag team=data, and other stacks by Team=ops for Pulumi.staging.yaml: cross-account-roles:roles.ops-read.trustedTag; the user carries one value per key (ignoring case), so one of the roles is unreachable"
    ],
    {
        "Pulumi.hostile.yaml": (
            "# A roles-only stack trusting random_user by tag team=data, while Pulumi.staging.yaml trusts them by team=ops.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "555566667777"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:roles:\n"
            "    data-read:\n"
            "      trust: tag\n"
            "      trustedTag: {key: team, value: data}\n"
            "      trustedUsers: [random_user]\n"
            "      policyFiles: [role_permissions_policy.json]\n"
        ),
        "Pulumi.staging.yaml": (
            "# Another roles-only stack: the same user by the same tag key, another value.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "777788889999"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:roles:\n"
            "    ops-read:\n"
            "      trust: tag\n"
            "      trustedTag: {key: Team, value: ops}\n"
            "      trustedUsers: [random_user]\n"
            "      policyFiles: [role_permissions_policy.json]\n"
        ),
        "Pulumi.utils.yaml": (
            "# The people's stack.\n"
            "config:\n"
            "  cross-account-roles:target:\n"
            '    accountId: "444455556666"\n'
            "    region: eu-north-1\n"
            "  cross-account-roles:users:\n"
            "    random_user: {}\n"
            "  cross-account-roles:roles:\n"
            "    s3-list-role:\n"
            "      trustedUsers:\n"
            "        - random_user\n"
            "      policyFiles:\n"
            "        - role_permissions_policy.json\n"
        ),
    },
)
