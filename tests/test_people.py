"""Groups, trusted roles, console sign-in and the password policy, as the program registers them.

Invariants:
- a user in a group that a role trusts is written by exact ARN in the role's trust policy
  and gets the identity side through the group (one policy attached to the group, a
  non-exclusive membership): adding a member is one line of settings;
- a trusted role is in the trust policy, in a statement of its own with its own MFA rule,
  and nowhere in the source account's resources;
- a login profile never carries its password in clear: not in the plan (text, JSON,
  Markdown), not in the outputs (`[secret]`), and with a PGP key only the encrypted form;
- the account's password policy has AWS Config's recommended values by default and one
  owning stack;
- bad settings (unknown group member, a role of another account, a malformed PGP key, ...)
  stop the program with one error naming the key, before anything is registered.
"""

from __future__ import annotations

import base64
import json
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest

from crossaccount.errors import SettingsError
from crossaccount.guardrails import check_plan
from crossaccount.pipeline import load_values, plan_of
from tests.conftest import FIXTURE_PROJECT, SOURCE, TARGET, of_type, one, stack_findings, walkthrough_settings
from tests.test_settings_errors import problems_of
from tools.offline.mocks import MOCK_PASSWORD, PROJECT_DIR, ProgramError, ProgramRun, run_program
from tools.render import plan as plan_render
from tools.render.review import render_review

ROLE = "s3-list-role"
ROLE_ARN = f"arn:aws:iam::{TARGET}:role/{ROLE}"
CI_ROLE = f"arn:aws:iam::{SOURCE}:role/ci-deployer"
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{SOURCE}:user/{name}"


def trust(run: ProgramRun) -> dict[str, Any]:
    return dict(json.loads(one(run, "aws:iam/role:Role", ROLE).inputs["assumeRolePolicy"]))


def with_group(*members: str) -> dict[str, Any]:
    raw = walkthrough_settings()
    for member in members:
        raw["users"][member] = {}
    raw["groups"] = {"platform": {"members": list(members)}}
    raw["roles"][ROLE]["trustedGroups"] = ["platform"]
    return raw


# --- groups --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def grouped() -> ProgramRun:
    return run_program("utils", with_group("alice"))


def test_a_group_member_is_written_by_exact_arn_in_the_trust_policy(grouped: ProgramRun) -> None:
    assert trust(grouped) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TrustSourceUsers",
                "Effect": "Allow",
                "Principal": {"AWS": [user_arn("alice"), user_arn("random_user")]},
                "Action": "sts:AssumeRole",
                "Condition": MFA,
            }
        ],
    }


def test_a_group_member_gets_the_identity_side_through_the_group(grouped: ProgramRun) -> None:
    group = one(grouped, "aws:iam/group:Group", "platform")
    assert (group.account, group.inputs) == ("source", {"name": "platform", "path": "/"})
    policy = one(grouped, "aws:iam/policy:Policy", "platform-group-assume-roles-utils")
    assert policy.account == "source"
    assert json.loads(policy.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AssumeCrossAccountRoles",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": ROLE_ARN,
                "Condition": MFA,
            }
        ],
    }
    attachment = one(grouped, "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "access-attach-group-assume-platform")
    assert attachment.inputs == {
        "group": "platform",
        "policyArn": f"arn:aws:iam::{SOURCE}:policy/platform-group-assume-roles-utils",
    }
    membership = one(grouped, "aws:iam/userGroupMembership:UserGroupMembership", "access-groups-alice")
    assert (membership.account, membership.inputs) == ("source", {"user": "alice", "groups": ["platform"]})
    # alice has no assume-role policy of her own: the group's is hers
    assert not [r for r in of_type(grouped, "aws:iam/policy:Policy") if r.inputs["name"] == "alice-assume-roles-utils"]
    day_one = grouped.outputs["users"]["alice"].pop("dayOne")
    assert day_one["awsConfig"] == [
        f"[profile {ROLE}@{TARGET}]",
        f"role_arn = {ROLE_ARN}",
        f"source_profile = alice@{SOURCE}-mfa",
        "role_session_name = alice",
        "duration_seconds = 3600",
        "region = eu-north-1",
    ]
    assert grouped.outputs["users"]["alice"] == {
        "arn": user_arn("alice"),
        "mfaSerial": f"arn:aws:iam::{SOURCE}:mfa/alice",
        "profile": f"alice@{SOURCE}",
        "roles": [ROLE],
        "mfaSessionProfile": f"alice@{SOURCE}-mfa",
        "mfaSessionCommand": (
            f"aws configure mfa-login --profile alice@{SOURCE} --update-profile alice@{SOURCE}-mfa "
            f"--serial-number arn:aws:iam::{SOURCE}:mfa/alice --duration-seconds 43200"
        ),
        "groups": ["platform"],
    }
    assert grouped.outputs["groups"] == {
        "platform": {"arn": f"arn:aws:iam::{SOURCE}:group/platform", "members": ["alice"], "roles": [ROLE]}
    }
    assert "alice" in grouped.outputs["roles"][ROLE]["access"]


def test_no_exclusive_membership_resource_is_used(grouped: ProgramRun) -> None:
    assert not of_type(grouped, "aws:iam/groupMembership:GroupMembership")
    assert not of_type(grouped, "aws:iam/policyAttachment:PolicyAttachment")


def test_a_new_member_is_one_line_of_settings(grouped: ProgramRun) -> None:
    bigger = run_program("utils", with_group("alice", "bob"))
    assert trust(bigger)["Statement"][0]["Principal"] == {"AWS": [user_arn("alice"), user_arn("bob"), user_arn("random_user")]}
    added = {(r.type, r.name) for r in bigger.registrations} - {(r.type, r.name) for r in grouped.registrations}
    assert added == {
        ("aws:iam/user:User", "access-user-bob"),
        ("aws:iam/userGroupMembership:UserGroupMembership", "access-groups-bob"),
        ("aws:iam/userPolicyAttachment:UserPolicyAttachment", "access-attach-self-service-bob"),
    }


def test_with_source_identity_the_group_policy_pins_it_with_the_policy_variable() -> None:
    raw = with_group("alice")
    raw["roles"][ROLE]["requireSourceIdentity"] = True
    policy = one(run_program("utils", raw), "aws:iam/policy:Policy", "platform-group-assume-roles-utils")
    statement = json.loads(policy.inputs["policy"])["Statement"][0]
    assert statement["Condition"]["StringEquals"] == {"sts:SourceIdentity": "${aws:username}"}


def test_a_groups_managed_policies_are_attached_to_the_group() -> None:
    raw = with_group("alice")
    raw["groups"]["platform"]["managedPolicyArns"] = ["arn:aws:iam::aws:policy/IAMReadOnlyAccess"]
    run = run_program("utils", raw)
    attachment = one(
        run, "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "access-attach-group-platform-aws-IAMReadOnlyAccess"
    )
    assert (attachment.account, attachment.inputs) == (
        "source",
        {"group": "platform", "policyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"},
    )


# --- trusted roles -------------------------------------------------------------------------


def with_ci_role(**role_settings: Any) -> dict[str, Any]:
    raw = walkthrough_settings()
    raw["roles"][ROLE].update({"trustedRoles": [CI_ROLE], **role_settings})
    return raw


def test_a_trusted_role_has_its_own_statement_with_its_own_mfa_rule() -> None:
    run = run_program("utils", with_ci_role(requireMfaForRoles=False))
    assert trust(run)["Statement"] == [
        {
            "Sid": "TrustSourceUsers",
            "Effect": "Allow",
            "Principal": {"AWS": user_arn("random_user")},
            "Action": "sts:AssumeRole",
            "Condition": MFA,
        },
        {"Sid": "TrustSourceRoles", "Effect": "Allow", "Principal": {"AWS": CI_ROLE}, "Action": "sts:AssumeRole"},
    ]


def test_by_default_a_trusted_role_is_held_to_the_roles_mfa_rule() -> None:
    statement = trust(run_program("utils", with_ci_role()))["Statement"][1]
    assert statement == {
        "Sid": "TrustSourceRoles",
        "Effect": "Allow",
        "Principal": {"AWS": CI_ROLE},
        "Action": "sts:AssumeRole",
        "Condition": MFA,
    }


def test_a_trusted_role_without_mfa_is_a_guardrail_warning_on_its_statement() -> None:
    loaded = load_values("utils", with_ci_role(requireMfaForRoles=False), PROJECT_DIR / "policies")
    findings = check_plan(plan_of(loaded))
    assert [(f.rule_id, f.severity, f.location) for f in findings] == [
        ("TRUST_WITHOUT_MFA", "warning", "cross-account-roles:roles.s3-list-role (trust policy), Statement[1]")
    ]


def test_a_trusted_role_is_nowhere_in_the_source_accounts_resources() -> None:
    run = run_program("utils", with_ci_role(requireMfaForRoles=False))
    in_source = [r for r in run.registrations if r.account == "source"]
    assert in_source
    assert not [r.name for r in in_source if "ci-deployer" in json.dumps(r.inputs)]
    assert "ci-deployer" not in json.dumps(run.outputs["users"])


# --- console sign-in ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def walkthrough() -> ProgramRun:
    return run_program("utils", walkthrough_settings())


def test_console_access_creates_a_login_profile_that_requires_a_new_password(walkthrough: ProgramRun) -> None:
    profile = one(walkthrough, "aws:iam/userLoginProfile:UserLoginProfile", "access-login-random_user")
    assert (profile.account, profile.inputs) == (
        "source",
        {"user": "random_user", "passwordResetRequired": True, "passwordLength": 20},
    )
    user = one(walkthrough, "aws:iam/user:User", "random_user")
    assert user.urn in profile.dependencies


def test_later_ups_never_replace_the_login_profile_so_never_reset_a_password(walkthrough: ProgramRun) -> None:
    """The provider has no update: any input change replaces the profile (a new password), and it
    reads PasswordResetRequired back as false once the user changed it
    (hashicorp/terraform-provider-aws#23567). The plan shows the option a reviewer relies on."""
    profile = one(walkthrough, "aws:iam/userLoginProfile:UserLoginProfile", "access-login-random_user")
    assert profile.options == {
        "ignoreChanges": ["passwordResetRequired", "passwordLength", "pgpKey"],
        "retainOnDelete": True,  # a hand-over keeps the password (tests/test_adoption.py)
    }
    assert "[ignoreChanges passwordResetRequired, passwordLength, pgpKey]" in plan_render.render_text(walkthrough)
    assert walkthrough.outputs["consoleSignInUrl"] == f"https://{SOURCE}.signin.aws.amazon.com/console"


def test_the_password_is_never_in_clear_in_the_plan_or_the_outputs(walkthrough: ProgramRun) -> None:
    assert walkthrough.outputs["users"]["random_user"]["initialPassword"] == "[secret]"
    for render in (plan_render.render_text, plan_render.render_json, plan_render.render_markdown):
        text = render(walkthrough)
        assert MOCK_PASSWORD not in text
        assert '"initialPassword": "[secret]"' in text
    # the mocks did hand the program a password: the check above could fail
    profile = one(walkthrough, "aws:iam/userLoginProfile:UserLoginProfile", "access-login-random_user")
    assert profile.state["password"] == MOCK_PASSWORD


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, str]:
    """A real OpenPGP key, public and private halves as `gpg --export[-secret-keys] <id> | base64 -w0` print them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgpy
        from pgpy.constants import CompressionAlgorithm, HashAlgorithm, KeyFlags, PubKeyAlgorithm, SymmetricKeyAlgorithm

        key = pgpy.PGPKey.new(PubKeyAlgorithm.RSAEncryptOrSign, 2048)
        key.add_uid(
            pgpy.PGPUID.new("Random User", email="random@example.com"),
            usage={KeyFlags.Sign, KeyFlags.EncryptCommunications},
            hashes=[HashAlgorithm.SHA256],
            ciphers=[SymmetricKeyAlgorithm.AES256],
            compression=[CompressionAlgorithm.ZLIB],
        )
        return base64.b64encode(bytes(key.pubkey)).decode(), base64.b64encode(bytes(key)).decode()


@pytest.fixture(scope="module")
def public_key(key_pair: tuple[str, str]) -> str:
    return key_pair[0]


def test_with_a_pgp_key_only_the_encrypted_password_is_output(public_key: str) -> None:
    raw = walkthrough_settings()
    raw["users"]["random_user"]["pgpKey"] = public_key
    run = run_program("utils", raw)
    profile = one(run, "aws:iam/userLoginProfile:UserLoginProfile", "access-login-random_user")
    assert profile.inputs["pgpKey"] == public_key
    shown = run.outputs["users"]["random_user"]
    assert "initialPassword" not in shown
    assert (shown["encryptedPassword"], shown["pgpKeyFingerprint"]) == (f"{MOCK_PASSWORD}-encrypted", "0" * 40)
    assert MOCK_PASSWORD not in json.dumps(run.outputs).replace(f"{MOCK_PASSWORD}-encrypted", "")


def test_a_keybase_user_is_accepted_as_it_is_fetched_at_up() -> None:
    raw = walkthrough_settings()
    raw["users"]["random_user"]["pgpKey"] = "keybase:random_user"
    profile = one(run_program("utils", raw), "aws:iam/userLoginProfile:UserLoginProfile", "access-login-random_user")
    assert profile.inputs["pgpKey"] == "keybase:random_user"


# --- requirePgpKey: a first console password never sits in the state unless a stack says so ----------

PGP_REQUIRED = (
    "cross-account-roles:users.random_user.consoleAccess: true without pgpKey, and cross-account-roles:requirePgpKey is "
    "true (the default); random_user's initial console password would sit in the stack's state, readable by whoever "
    "holds the state's key, who could sign in first and enrol their own MFA device: expected pgpKey (keybase:<user> or "
    "the person's base64 PGP public key), or cross-account-roles:requirePgpKey: false to accept that (docs/ci.md)"
)


def test_by_default_a_new_console_password_needs_a_pgp_key() -> None:
    raw = walkthrough_settings()
    del raw["requirePgpKey"]  # the tests' walk-through says false
    assert problems_of(raw) == [PGP_REQUIRED]
    raw["requirePgpKey"] = True
    assert problems_of(raw) == [PGP_REQUIRED]


def test_with_pgp_required_a_key_makes_the_state_hold_only_the_encrypted_password(public_key: str) -> None:
    raw = walkthrough_settings()
    raw["requirePgpKey"] = True
    raw["users"]["random_user"]["pgpKey"] = public_key
    run = run_program("utils", raw)
    profile = one(run, "aws:iam/userLoginProfile:UserLoginProfile", "access-login-random_user")
    assert profile.inputs["pgpKey"] == public_key
    assert "initialPassword" not in run.outputs["users"]["random_user"]


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        # Adopting a person's login profile generates no password: nothing to encrypt.
        ({"import": True, "consoleAccess": True}, []),
        # The user of another stack: only its own error, not a second one about PGP.
        (
            {"create": False, "consoleAccess": True},
            [
                "cross-account-roles:users.random_user.consoleAccess: set on a user with create: false; "
                "the console password belongs to the stack that owns the user"
            ],
        ),
        ({"consoleAccess": False}, []),
    ],
)
def test_pgp_is_required_only_where_a_password_is_generated(user: dict[str, Any], expected: list[str]) -> None:
    raw = walkthrough_settings()
    del raw["requirePgpKey"]
    raw["users"]["random_user"] = user
    if expected:
        assert problems_of(raw) == expected
    else:
        run_program("utils", raw)  # accepted


@pytest.mark.parametrize("value", ["yes", "off", 1, None, {}])
def test_require_pgp_key_is_a_boolean(value: Any) -> None:
    """(The text "true" reaches the program as the boolean does: the engine passes every
    top-level value as text, and `true` is the JSON text of both.)"""
    raw = walkthrough_settings()
    raw["requirePgpKey"] = value
    assert problems_of(raw) == [f"cross-account-roles:requirePgpKey: got {json.dumps(value)}; expected true or false"]


# --- the password policy -------------------------------------------------------------------


def test_the_password_policy_has_aws_configs_recommended_values_by_default(walkthrough: ProgramRun) -> None:
    policy = one(walkthrough, "aws:iam/accountPasswordPolicy:AccountPasswordPolicy", "access-password-policy")
    assert (policy.account, policy.inputs) == (
        "source",
        {
            "minimumPasswordLength": 14,
            "requireUppercaseCharacters": True,
            "requireLowercaseCharacters": True,
            "requireNumbers": True,
            "requireSymbols": True,
            "passwordReusePrevention": 24,
            "maxPasswordAge": 90,
            "allowUsersToChangePassword": True,
            "hardExpiry": False,
        },
    )


def test_the_initial_password_is_long_enough_for_the_policy() -> None:
    raw = walkthrough_settings()
    raw["passwordPolicy"] = {"minimumPasswordLength": 32, "maxPasswordAge": None}
    run = run_program("utils", raw)
    assert one(run, "aws:iam/userLoginProfile:UserLoginProfile", "access-login-random_user").inputs["passwordLength"] == 32
    # null is sent as 0, AWS's "never expire" (tests/test_adoption.py, the password policy)
    assert one(run, "aws:iam/accountPasswordPolicy:AccountPasswordPolicy", "access-password-policy").inputs["maxPasswordAge"] == 0


def test_a_stack_without_the_key_leaves_the_password_policy_alone() -> None:
    raw = walkthrough_settings()
    del raw["passwordPolicy"]
    assert not of_type(run_program("utils", raw), "aws:iam/accountPasswordPolicy:AccountPasswordPolicy")


def test_two_stack_files_owning_one_accounts_password_policy_are_refused(project: Path) -> None:
    shutil.copy2(FIXTURE_PROJECT / "Pulumi.yaml", project / "Pulumi.yaml")  # the shared source account
    shutil.copy2(FIXTURE_PROJECT / "Pulumi.utils.yaml", project / "Pulumi.utils.yaml")
    raw = walkthrough_settings()
    raw["target"]["accountId"] = "777788889999"
    with pytest.raises(ProgramError) as caught:
        run_program("staging", raw, program_path=project / "__main__.py")
    assert caught.value.registrations == []
    assert isinstance(caught.value.cause, SettingsError)
    assert caught.value.cause.problems == [
        "cross-account-roles:passwordPolicy: Pulumi.utils.yaml also sets the password policy of source account 111122223333; "
        "an account has one password policy, owned by one stack: remove passwordPolicy from all stacks but one"
    ]
    raw["source"]["accountId"] = "222233334444"  # another source account: its own policy
    assert of_type(
        run_program("staging", raw, program_path=project / "__main__.py"), "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
    )


# --- bad settings: one clear error, nothing registered ---------------------------------------


def test_an_unknown_group_member_is_refused() -> None:
    raw = with_group("alice")
    raw["groups"]["platform"]["members"].append("mallory")
    assert problems_of(raw) == [
        'cross-account-roles:groups.platform.members[1]: user "mallory" is not declared under cross-account-roles:users; '
        "expected one of alice, random_user"
    ]


def test_an_unknown_trusted_group_is_refused() -> None:
    raw = walkthrough_settings()
    raw["roles"][ROLE]["trustedGroups"] = ["admins"]
    assert problems_of(raw) == [
        'cross-account-roles:roles.s3-list-role.trustedGroups[0]: group "admins" is not declared under cross-account-roles:groups; '
        "expected one of (none declared)"
    ]


def test_a_trusted_role_of_another_account_is_refused() -> None:
    other = f"arn:aws:iam::{TARGET}:role/ci-deployer"
    assert problems_of(with_ci_role(trustedRoles=[other])) == [
        f'cross-account-roles:roles.s3-list-role.trustedRoles[0]: got "{other}", a role in aws account {TARGET}; '
        f"expected a role of the source account (arn:aws:iam::{SOURCE}:role/...): the trust of other accounts is not this stack's to grant"
    ]


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:iam::{SOURCE}:role/*",
        f"arn:aws:sts::{SOURCE}:assumed-role/ci-deployer/session",
        f"arn:aws:iam::{SOURCE}:user/random_user",
        f"arn:aws:iam::{SOURCE}:root",
        "*",
    ],
)
def test_a_trusted_role_that_is_not_one_roles_arn_is_refused(arn: str) -> None:
    assert problems_of(with_ci_role(trustedRoles=[arn])) == [
        f'cross-account-roles:roles.s3-list-role.trustedRoles[0]: got "{arn}"; expected the ARN of an existing role, '
        f"arn:aws:iam::{SOURCE}:role/<name> (no wildcards, not an assumed-role session ARN)"
    ]


def test_a_trusted_role_of_another_partition_is_refused() -> None:
    arn = f"arn:aws-cn:iam::{SOURCE}:role/ci-deployer"
    (problem,) = problems_of(with_ci_role(trustedRoles=[arn]))
    assert problem.startswith(
        f'cross-account-roles:roles.s3-list-role.trustedRoles[0]: got "{arn}", a role in aws-cn account {SOURCE}'
    )


def test_the_same_role_twice_ignoring_case_is_refused() -> None:
    (problem,) = problems_of(with_ci_role(trustedRoles=[CI_ROLE, CI_ROLE.replace("ci-deployer", "CI-Deployer")]))
    assert problem.startswith("cross-account-roles:roles.s3-list-role.trustedRoles[1]: the same role as trustedRoles[0]")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("bm90IGEga2V5", "is not an OpenPGP public key that can encrypt"),
        ("not base64!", 'got "not base64!", which is not base64'),
        ("-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n-----END PGP PUBLIC KEY BLOCK-----", "got an ASCII-armored block"),
        ("keybase:", 'got "keybase:"; expected keybase:<user name>'),
        ("keybase:a/../../x", 'got "keybase:a/../../x"; expected keybase:<user name>'),
    ],
)
def test_a_malformed_pgp_key_is_one_clear_error(key: str, expected: str) -> None:
    raw = walkthrough_settings()
    raw["users"]["random_user"]["pgpKey"] = key
    (problem,) = problems_of(raw)
    assert problem.startswith(f"cross-account-roles:users.random_user.pgpKey: {expected}"), problem


def test_a_truncated_key_is_refused(public_key: str) -> None:
    raw = walkthrough_settings()
    raw["users"]["random_user"]["pgpKey"] = base64.b64encode(base64.b64decode(public_key)[:60]).decode()
    (problem,) = problems_of(raw)
    assert problem.startswith("cross-account-roles:users.random_user.pgpKey: ")
    assert "expected the base64 of a binary OpenPGP public key (gpg --export <key id> | base64 -w0)" in problem


def test_a_private_key_is_refused_and_called_what_it_is(key_pair: tuple[str, str]) -> None:
    raw = walkthrough_settings()
    raw["users"]["random_user"]["pgpKey"] = key_pair[1]
    assert problems_of(raw) == [
        "cross-account-roles:users.random_user.pgpKey: is a PRIVATE key: remove it from the stack file and its history, "
        "and give the public key (gpg --export, not --export-secret-keys)"
    ]


def test_console_settings_that_cannot_work_are_refused() -> None:
    raw = walkthrough_settings()
    raw["users"]["random_user"] = {"create": False, "consoleAccess": True}
    raw["users"]["bob"] = {"pgpKey": "keybase:bob", "mfaDeviceName": "bobs-phone"}
    raw["roles"][ROLE]["trustedUsers"].append("bob")
    assert problems_of(raw) == [  # users in the engine's order: it sorts map keys
        "cross-account-roles:users.bob.pgpKey: set without consoleAccess: true; the key only encrypts the initial console password",
        'cross-account-roles:users.bob.mfaDeviceName: got "bobs-phone"; the self-service policy lets a user create only the '
        "virtual MFA device named after them (mfa/bob); remove mfaDeviceName, or set cross-account-roles:selfService.enabled: false",
        "cross-account-roles:users.random_user.consoleAccess: set on a user with create: false; "
        "the console password belongs to the stack that owns the user",
    ]


def test_group_limits_are_refused_with_their_numbers() -> None:
    raw = walkthrough_settings()
    raw["groups"] = {f"g{i}": {"members": ["random_user"]} for i in range(11)}
    raw["groups"]["g0"]["managedPolicyArns"] = [f"arn:aws:iam::aws:policy/P{i}" for i in range(10)]
    raw["roles"][ROLE]["trustedGroups"] = ["g0"]
    assert problems_of(raw) == [
        "cross-account-roles:groups.g0: 11 managed policies (10 managedPolicyArns plus its assume-role policy); "
        "AWS attaches at most 10 to a group",
        "cross-account-roles:users.random_user: member of 11 groups (g0, g1, g10, g2, g3, g4, g5, g6, g7, g8, g9); "
        "AWS allows at most 10 per user",
    ]


def test_a_role_trusting_only_an_empty_group_is_refused() -> None:
    raw = walkthrough_settings()
    raw["groups"] = {"platform": {"members": []}}
    raw["roles"]["other-role"] = {"trustedGroups": ["platform"], "policyFiles": ["role_permissions_policy.json"]}
    assert problems_of(raw) == [
        "cross-account-roles:roles.other-role.trustedGroups: the groups platform have no members, and the role trusts no one "
        "else; expected at least one member (a trust policy must name a principal)"
    ]


def test_trusted_roles_with_source_identity_are_refused() -> None:
    (problem,) = problems_of(with_ci_role(requireSourceIdentity=True))
    assert problem.startswith("cross-account-roles:roles.s3-list-role.trustedRoles: set with requireSourceIdentity")


def test_password_policy_values_out_of_range_are_refused() -> None:
    raw = walkthrough_settings()
    raw["passwordPolicy"] = {"minimumPasswordLength": 4, "passwordReusePrevention": 25, "maxPasswordAge": 0}
    assert problems_of(raw) == [
        "cross-account-roles:passwordPolicy.minimumPasswordLength: got 4; expected a whole number from 6 to 128",
        "cross-account-roles:passwordPolicy.passwordReusePrevention: got 25; expected a whole number from 1 to 24, or null",
        "cross-account-roles:passwordPolicy.maxPasswordAge: got 0; expected a whole number of days from 1 to 1,095, or null",
    ]


def test_make_check_refuses_a_second_owner_of_the_password_policy_too(project: Path) -> None:
    shutil.copy2(FIXTURE_PROJECT / "Pulumi.yaml", project / "Pulumi.yaml")  # the shared source account
    shutil.copy2(FIXTURE_PROJECT / "Pulumi.utils.yaml", project / "Pulumi.utils.yaml")
    shutil.copy2(FIXTURE_PROJECT / "Pulumi.utils.yaml", project / "Pulumi.copy.yaml")
    with pytest.raises(SettingsError) as caught:
        stack_findings("copy", project)
    assert caught.value.problems == [
        "cross-account-roles:passwordPolicy: Pulumi.utils.yaml also sets the password policy of source account 111122223333; "
        "an account has one password policy, owned by one stack: remove passwordPolicy from all stacks but one"
    ]


def test_a_group_policy_name_that_collides_with_a_users_is_refused() -> None:
    raw = with_group("alice")
    raw["groups"] = {"ops": {"members": ["alice"]}}
    raw["roles"][ROLE]["trustedGroups"] = ["ops"]
    raw["users"]["OPS-group"] = {}
    raw["roles"][ROLE]["trustedUsers"].append("OPS-group")
    assert problems_of(raw) == [
        "cross-account-roles:groups.ops: policy name 'ops-group-assume-roles-utils' is also the name derived at "
        "cross-account-roles:users.OPS-group; rename one of them"
    ]


def test_a_password_policy_in_the_project_config_is_refused_since_every_stack_would_own_it(project: Path) -> None:
    (project / "Pulumi.yaml").write_text(
        (FIXTURE_PROJECT / "Pulumi.yaml").read_text(encoding="utf-8") + "  cross-account-roles:passwordPolicy:\n    value: {}\n",
        encoding="utf-8",
    )
    assert problems_of(walkthrough_settings(), project / "__main__.py") == [
        "cross-account-roles:passwordPolicy: set in Pulumi.yaml, the project's config, which every stack inherits; "
        "an account has one password policy, owned by one stack: set it in that stack's file only"
    ]


def test_the_reviewers_access_table_shows_group_members_and_trusted_roles_for_what_they_are() -> None:
    raw = with_group("alice")
    raw["roles"][ROLE].update({"trustedRoles": [CI_ROLE], "requireMfaForRoles": False})
    table = [
        line for line in render_review(plan_render.as_data(run_program("utils", raw))).splitlines() if line.startswith("| `")
    ]
    assert [line.split(" | ")[0] for line in table] == [
        "| `alice` (through group platform)",
        f"| `{CI_ROLE}` (existing role of the source account)",
        "| `random_user`",
    ]
    assert table[1].split(" | ")[3] == "no"  # the MFA column: requireMfaForRoles: false
