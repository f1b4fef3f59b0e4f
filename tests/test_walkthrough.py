"""The walk-through stack (Pulumi.utils.yaml) creates exactly the walk-through, securely.

Invariant: running the real __main__.py on the utils settings registers two providers locked
to their accounts, the user and its assume-role policy in the source account, the role and
its permission policy in the target account, non-exclusive attachments only, and outputs
that let random_user assume s3-list-role with one copy-paste.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import SOURCE, TARGET, by_name, of_type, one, walkthrough_settings
from tools.offline.mocks import PROJECT_DIR, ProgramRun, run_program

ROLE_ARN = f"arn:aws:iam::{TARGET}:role/s3-list-role"
USER_ARN = f"arn:aws:iam::{SOURCE}:user/random_user"
MFA_SERIAL = f"arn:aws:iam::{SOURCE}:mfa/random_user"
MFA_LOGIN = (
    f"aws configure mfa-login --profile random_user@{SOURCE} --update-profile random_user@{SOURCE}-mfa "
    f"--serial-number {MFA_SERIAL} --duration-seconds 43200"
)

PROFILE_LINES = [
    f"[profile s3-list-role@{TARGET}]",
    f"role_arn = arn:aws:iam::{TARGET}:role/s3-list-role",
    f"source_profile = random_user@{SOURCE}-mfa",
    "role_session_name = random_user",
    "duration_seconds = 3600",
    "region = eu-north-1",
]
DAY_ONE_STEPS = [
    f"Sign in at https://{SOURCE}.signin.aws.amazon.com/console as random_user with your first password (the stack's "
    "output users.random_user.initialPassword); AWS asks you to choose a new one.",
    "Enrol an authenticator app (TOTP) as your virtual MFA device, named exactly random_user (console: Security "
    "credentials, Assign MFA device, Device name random_user, Authenticator app): your self-service policy lets you "
    "create only mfa/random_user, any other name is refused (AccessDenied). "
    f"Its serial is arn:aws:iam::{SOURCE}:mfa/random_user. The AWS CLI takes one-time codes only: a passkey or security "
    "key works for the console, not the CLI, so enrol this device too.",
    "Create an access key (console: Security credentials, Access keys; sign out and in again with your MFA device "
    f"first) and store it as the profile random_user@{SOURCE}: aws configure --profile random_user@{SOURCE} (it writes "
    "~/.aws/credentials).",
    "Check the AWS CLI: aws --version must show aws-cli/2.30.3 or later. An older one (any v1, or v2 before 2.30.3) has "
    'no configure mfa-login and answers "aws: error: argument subcommand: Invalid choice, valid choices are:": upgrade '
    "(https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html), or run aws sts get-session-token "
    f"--profile random_user@{SOURCE} --serial-number arn:aws:iam::{SOURCE}:mfa/random_user --duration-seconds 43200 "
    "--token-code <code> and write its AccessKeyId, SecretAccessKey and SessionToken as aws_access_key_id, "
    f"aws_secret_access_key and aws_session_token under [random_user@{SOURCE}-mfa] in ~/.aws/credentials.",
    f"Start your MFA session: {MFA_LOGIN} (it asks for the 6-digit code your authenticator shows, and writes the profile "
    f"random_user@{SOURCE}-mfa into ~/.aws/credentials). It lasts 12 hours; run it again when a command answers "
    "ExpiredToken.",
    "Add your profiles to ~/.aws/config, once: the lines of the output users.random_user.dayOne.awsConfig (or the output "
    "of: python -m tools aws-config --person random_user).",
    f"Try it: aws sts get-caller-identity --profile s3-list-role@{TARGET}",
]
"""The walk-through person's day one, in the order they take it: the MFA device before the key
(the self-service Deny refuses CreateAccessKey without MFA), the CLI's version before `mfa-login`,
the session before the profiles that source it."""


@pytest.fixture(scope="module")
def plan() -> ProgramRun:
    return run_program("utils", walkthrough_settings())


def test_every_resource_of_the_walkthrough_is_registered_once(plan: ProgramRun) -> None:
    assert sorted((r.type, r.name) for r in plan.registrations) == [
        ("aws:iam/accountPasswordPolicy:AccountPasswordPolicy", "access-password-policy"),
        ("aws:iam/policy:Policy", "access-assume-random_user"),
        ("aws:iam/policy:Policy", "access-policy-s3-list-role-role_permissions_policy"),
        ("aws:iam/policy:Policy", "access-self-service"),
        ("aws:iam/role:Role", "access-role-s3-list-role"),
        ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "access-attach-s3-list-role-role_permissions_policy"),
        ("aws:iam/user:User", "access-user-random_user"),
        ("aws:iam/userLoginProfile:UserLoginProfile", "access-login-random_user"),
        ("aws:iam/userPolicyAttachment:UserPolicyAttachment", "access-attach-assume-random_user"),
        ("aws:iam/userPolicyAttachment:UserPolicyAttachment", "access-attach-self-service-random_user"),
        ("crossaccount:iam:CrossAccountAccess", "access"),
        ("pulumi:providers:aws", "access-source"),
        ("pulumi:providers:aws", "access-target"),
    ]


def test_each_provider_is_locked_to_its_account_and_uses_its_profile(plan: ProgramRun) -> None:
    source = by_name(plan, "access-source")
    target = by_name(plan, "access-target")
    assert source.inputs["allowedAccountIds"] == [SOURCE]
    assert target.inputs["allowedAccountIds"] == [TARGET]
    assert (source.inputs["profile"], source.inputs["region"]) == ("utils", "eu-north-1")
    assert (target.inputs["profile"], target.inputs["region"]) == ("prod", "eu-north-1")
    assert "assumeRoles" not in source.inputs


def test_providers_and_resources_are_children_of_the_component(plan: ProgramRun) -> None:
    component = by_name(plan, "access")
    children = [r for r in plan.registrations if r is not component]
    assert all(r.parent == component.urn for r in children)


def test_user_and_its_policy_go_to_the_source_account(plan: ProgramRun) -> None:
    for type_, name in [
        ("aws:iam/user:User", "random_user"),
        ("aws:iam/policy:Policy", "random_user-assume-roles-utils"),
        ("aws:iam/userPolicyAttachment:UserPolicyAttachment", "access-attach-assume-random_user"),
        ("aws:iam/policy:Policy", "self-service-credentials-utils"),
        ("aws:iam/userPolicyAttachment:UserPolicyAttachment", "access-attach-self-service-random_user"),
        ("aws:iam/userLoginProfile:UserLoginProfile", "access-login-random_user"),
        ("aws:iam/accountPasswordPolicy:AccountPasswordPolicy", "access-password-policy"),
    ]:
        registration = one(plan, type_, name)
        assert (registration.provider, registration.account) == ("access-source", "source")


def test_role_and_its_permissions_go_to_the_target_account(plan: ProgramRun) -> None:
    for type_, name in [
        ("aws:iam/role:Role", "s3-list-role"),
        ("aws:iam/policy:Policy", "s3-list-role-role_permissions_policy"),
        ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "access-attach-s3-list-role-role_permissions_policy"),
    ]:
        registration = one(plan, type_, name)
        assert (registration.provider, registration.account) == ("access-target", "target")


def test_the_user_is_created_with_its_tag_and_explicit_name(plan: ProgramRun) -> None:
    user = one(plan, "aws:iam/user:User", "random_user")
    assert user.inputs == {"name": "random_user", "path": "/", "tags": {"name": "random"}}
    assert user.state["arn"] == USER_ARN


def test_the_trust_policy_names_exactly_the_user_and_requires_mfa(plan: ProgramRun) -> None:
    role = one(plan, "aws:iam/role:Role", "s3-list-role")
    assert json.loads(role.inputs["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TrustSourceUsers",
                "Effect": "Allow",
                "Principal": {"AWS": USER_ARN},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            }
        ],
    }
    assert role.inputs["maxSessionDuration"] == 3600
    assert role.inputs["description"] == "Lists the S3 buckets of the prod account"
    assert role.inputs["path"] == "/"
    assert "managedPolicyArns" not in role.inputs
    assert "inlinePolicies" not in role.inputs
    assert role.state["arn"] == ROLE_ARN


def test_the_role_waits_for_the_user_it_trusts(plan: ProgramRun) -> None:
    role = one(plan, "aws:iam/role:Role", "s3-list-role")
    user = one(plan, "aws:iam/user:User", "random_user")
    assert user.urn in role.dependencies


def test_the_identity_policy_allows_assume_role_on_exactly_the_role(plan: ProgramRun) -> None:
    policy = one(plan, "aws:iam/policy:Policy", "random_user-assume-roles-utils")
    assert json.loads(policy.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AssumeCrossAccountRoles",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": ROLE_ARN,
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            }
        ],
    }
    attachment = one(plan, "aws:iam/userPolicyAttachment:UserPolicyAttachment", "access-attach-assume-random_user")
    assert attachment.inputs == {
        "user": "random_user",
        "policyArn": f"arn:aws:iam::{SOURCE}:policy/random_user-assume-roles-utils",
    }


def test_the_permission_policy_is_the_file_content(plan: ProgramRun) -> None:
    policy = one(plan, "aws:iam/policy:Policy", "s3-list-role-role_permissions_policy")
    text = (PROJECT_DIR / "policies" / "role_permissions_policy.json").read_text(encoding="utf-8")
    assert json.loads(policy.inputs["policy"]) == json.loads(text)
    attachment = one(
        plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "access-attach-s3-list-role-role_permissions_policy"
    )
    assert attachment.inputs == {
        "role": "s3-list-role",
        "policyArn": f"arn:aws:iam::{TARGET}:policy/s3-list-role-role_permissions_policy",
    }


def test_no_exclusive_attachment_resource_is_used(plan: ProgramRun) -> None:
    exclusive = {
        "aws:iam/policyAttachment:PolicyAttachment",
        "aws:iam/groupMembership:GroupMembership",
        "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
        "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
    }
    assert not [r for r in plan.registrations if r.type in exclusive]
    assert len(of_type(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")) == 1
    assert len(of_type(plan, "aws:iam/userPolicyAttachment:UserPolicyAttachment")) == 2  # assume-role and self-service


def test_the_outputs_make_assuming_the_role_one_copy_paste(plan: ProgramRun) -> None:
    """The person's own profile (not the deployer's `utils`) signs the MFA session step, whose
    session profile signs AssumeRole (tests/test_mfa_routes.py judges why); a role profile named
    so that another stack's cannot collide, the role's session length."""
    assert plan.outputs == {
        "sourceAccountId": SOURCE,
        "targetAccountId": TARGET,
        "consoleSignInUrl": f"https://{SOURCE}.signin.aws.amazon.com/console",
        "users": {
            "random_user": {
                "arn": USER_ARN,
                "mfaSerial": MFA_SERIAL,
                "profile": f"random_user@{SOURCE}",
                "roles": ["s3-list-role"],
                "mfaSessionProfile": f"random_user@{SOURCE}-mfa",
                "mfaSessionCommand": MFA_LOGIN,
                "dayOne": {"awsConfig": PROFILE_LINES, "steps": DAY_ONE_STEPS},
                "initialPassword": "[secret]",
            }
        },
        "roles": {
            "s3-list-role": {
                "arn": ROLE_ARN,
                "switchRoleUrl": (
                    f"https://signin.aws.amazon.com/switchrole?account={TARGET}&roleName=s3-list-role&displayName=s3-list-role%40{TARGET}"
                ),
                "access": {
                    "random_user": {
                        "mfaRequired": True,
                        "mfaReason": None,
                        "mfaSessionCommand": MFA_LOGIN,
                        "assumeRoleCommand": (
                            f"aws sts assume-role --role-arn {ROLE_ARN} --role-session-name random_user "
                            f"--profile random_user@{SOURCE}-mfa --duration-seconds 3600"
                        ),
                        "awsConfigProfile": (
                            f"[profile s3-list-role@{TARGET}]\n"
                            f"role_arn = {ROLE_ARN}\n"
                            f"source_profile = random_user@{SOURCE}-mfa\n"
                            "role_session_name = random_user\n"
                            "duration_seconds = 3600\n"
                            "region = eu-north-1\n"
                        ),
                        "profileName": f"s3-list-role@{TARGET}",
                    }
                },
            }
        },
    }


def test_output_arns_are_the_arns_the_resources_get(plan: ProgramRun) -> None:
    assert plan.outputs["roles"]["s3-list-role"]["arn"] == one(plan, "aws:iam/role:Role", "s3-list-role").state["arn"]
    assert plan.outputs["users"]["random_user"]["arn"] == one(plan, "aws:iam/user:User", "random_user").state["arn"]


def test_the_outputs_are_stored_once_in_the_state_as_the_stacks_not_again_on_the_component() -> None:
    """The engine stores what each resource registers as outputs; the stack's copy is the one
    `pulumi stack output` reads, so the component registers none (an organisation's outputs
    are megabytes, written at every checkpoint). (Under the SDK's mocks the root stack registers
    its outputs before the program runs, so its registered map is empty here; under the engine
    `run_in_stack` registers the exports at the end: pulumi/runtime/stack.py, `Stack._finish`.)"""
    run = run_program("utils", walkthrough_settings())
    (component,) = of_type(run, "crossaccount:iam:CrossAccountAccess")
    assert component.urn in run.output_keys
    assert run.output_keys[component.urn] == []
    assert {"roles", "users", "consoleSignInUrl"} <= set(run.outputs)
