"""Stacks other than the walk-through: many users and roles, shared users, and every role option.

Invariant: each user's identity policy names exactly the roles that trust it, each role's
trust policy names exactly its users, two stacks never collide on a name in the same
account, and every option changes the documents and outputs exactly as documented.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import SOURCE, TARGET, by_name, of_type, one, walkthrough_settings
from tools.offline.mocks import ProgramError, ProgramRun, run_program

Runner = Callable[..., ProgramRun]


def two_by_two() -> dict[str, Any]:
    """alice may assume both roles, bob only the auditor; the auditor needs no MFA."""
    raw = walkthrough_settings()
    raw["users"] = {"alice": {}, "bob": {"path": "/people/"}}
    raw["roles"] = {
        "deployer": {"trustedUsers": ["alice"], "policyFiles": ["role_permissions_policy.json"]},
        "auditor": {
            "trustedUsers": ["bob", "alice"],
            "managedPolicyArns": ["arn:aws:iam::aws:policy/SecurityAudit"],
            "requireMfa": False,
        },
    }
    return raw


def trust(run: ProgramRun, role: str) -> Any:
    return json.loads(one(run, "aws:iam/role:Role", role).inputs["assumeRolePolicy"])


def identity(run: ProgramRun, user: str, stack: str = "utils") -> Any:
    return json.loads(one(run, "aws:iam/policy:Policy", f"{user}-assume-roles-{stack}").inputs["policy"])


def test_two_users_and_two_roles_make_the_right_cross_product(run: Runner) -> None:
    plan = run(two_by_two())
    alice = f"arn:aws:iam::{SOURCE}:user/alice"
    bob = f"arn:aws:iam::{SOURCE}:user/people/bob"
    assert trust(plan, "deployer")["Statement"][0]["Principal"] == {"AWS": alice}
    assert trust(plan, "auditor")["Statement"][0]["Principal"] == {"AWS": [alice, bob]}
    assert "Condition" not in trust(plan, "auditor")["Statement"][0]
    assert identity(plan, "alice")["Statement"] == [
        {
            "Sid": "AssumeCrossAccountRoles1",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::{TARGET}:role/deployer",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        },
        {
            "Sid": "AssumeCrossAccountRoles2",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::{TARGET}:role/auditor",
        },
    ]
    assert identity(plan, "bob")["Statement"] == [
        {
            "Sid": "AssumeCrossAccountRoles",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": f"arn:aws:iam::{TARGET}:role/auditor",
        }
    ]
    assert sorted(plan.outputs["roles"]["auditor"]["access"]) == ["alice", "bob"]
    assert plan.outputs["users"]["alice"]["roles"] == ["auditor", "deployer"]


def test_an_aws_managed_policy_is_attached_to_the_role_without_a_copy(run: Runner) -> None:
    plan = run(two_by_two())
    attachment = by_name(plan, "access-attach-auditor-aws-SecurityAudit")
    assert attachment.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
    assert attachment.inputs == {"role": "auditor", "policyArn": "arn:aws:iam::aws:policy/SecurityAudit"}
    assert attachment.account == "target"
    assert len(of_type(plan, "aws:iam/policy:Policy")) == 4  # deployer's file + two identity policies + self-service


def test_a_second_stack_granting_the_same_user_does_not_collide(run: Runner) -> None:
    first = run(walkthrough_settings(), stack="utils")
    raw = walkthrough_settings()
    raw["users"]["random_user"] = {"create": False}
    raw["roles"] = {"s3-read-role": {**raw["roles"]["s3-list-role"]}}
    raw["target"]["accountId"] = "777788889999"
    del raw["passwordPolicy"]  # the account's password policy has one owner: utils
    second = run(raw, stack="staging")
    in_source = [r for p in (first, second) for r in p.registrations if r.account == "source"]
    # What AWS knows each resource by: its name, or for an attachment the pair it links (the
    # password policy has no name: there is one per account).
    identities = {(r.type, r.inputs.get("name") or (r.inputs.get("user"), r.inputs.get("policyArn"))) for r in in_source}
    # utils: user, its login profile, assume-role policy and self-service policy with their
    # attachments, the password policy; staging: its assume-role policy and attachment only
    assert len(identities) == len(in_source) == 9
    assert one(second, "aws:iam/policy:Policy", "random_user-assume-roles-staging").account == "source"
    assert not of_type(second, "aws:iam/user:User")


def test_an_existing_user_is_referenced_not_created(run: Runner) -> None:
    raw = walkthrough_settings()
    raw["users"]["random_user"] = {"create": False, "path": "/people/"}
    plan = run(raw)
    assert not of_type(plan, "aws:iam/user:User")
    attachment = one(plan, "aws:iam/userPolicyAttachment:UserPolicyAttachment", "access-attach-assume-random_user")
    assert attachment.inputs["user"] == "random_user"
    assert trust(plan, "s3-list-role")["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{SOURCE}:user/people/random_user"}


def test_a_deployer_role_replaces_the_profile_for_ci(run: Runner) -> None:
    raw = walkthrough_settings()
    raw["target"] = {"accountId": TARGET, "region": "eu-west-1", "roleArn": f"arn:aws:iam::{TARGET}:role/deployer"}
    plan = run(raw)
    provider = by_name(plan, "access-target")
    assert provider.inputs["assumeRoles"] == [{"roleArn": f"arn:aws:iam::{TARGET}:role/deployer", "sessionName": "pulumi-utils"}]
    assert "profile" not in provider.inputs
    assert provider.inputs["allowedAccountIds"] == [TARGET]


def test_every_trust_option_shows_in_the_trust_policy(run: Runner) -> None:
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"].update(
        mfaMaxAgeSeconds=3600, externalId="prod-audit-7", allowSessionTags=True, maxSessionDuration=7200, path="/cross/"
    )
    plan = run(raw)
    assert trust(plan, "s3-list-role")["Statement"] == [
        {
            "Sid": "TrustSourceUsers",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{SOURCE}:user/random_user"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
                "StringEquals": {"sts:ExternalId": "prod-audit-7"},
            },
        }
    ]
    role = one(plan, "aws:iam/role:Role", "s3-list-role")
    assert (role.inputs["maxSessionDuration"], role.inputs["path"]) == (7200, "/cross/")
    arn = f"arn:aws:iam::{TARGET}:role/cross/s3-list-role"
    assert role.state["arn"] == arn
    access = plan.outputs["roles"]["s3-list-role"]["access"]["random_user"]
    assert access["assumeRoleCommand"] == (
        f"aws sts assume-role --role-arn {arn} --role-session-name random_user --profile random_user@{SOURCE}-mfa "
        "--duration-seconds 3600 --external-id prod-audit-7"
    )
    # The session lasts no longer than the trust policy accepts its MFA (mfaMaxAgeSeconds).
    assert access["mfaSessionCommand"].endswith("mfa/random_user --duration-seconds 3600")
    assert "external_id = prod-audit-7\n" in access["awsConfigProfile"]
    # maxSessionDuration 7200, but AssumeRole signed with the MFA session gets an hour at most (role chaining).
    assert "duration_seconds = 3600\n" in access["awsConfigProfile"]
    assert identity(plan, "random_user")["Statement"][0]["Action"] == ["sts:AssumeRole", "sts:TagSession"]


def test_source_identity_is_pinned_to_each_user_on_both_sides(run: Runner) -> None:
    raw = two_by_two()
    raw["roles"]["auditor"]["requireSourceIdentity"] = True
    plan = run(raw)
    statements = trust(plan, "auditor")["Statement"]
    assert [s["Sid"] for s in statements] == ["TrustBob", "TrustAlice"]
    assert statements[0]["Principal"] == {"AWS": f"arn:aws:iam::{SOURCE}:user/people/bob"}
    assert statements[0]["Action"] == ["sts:AssumeRole", "sts:SetSourceIdentity"]
    assert statements[0]["Condition"] == {"StringEquals": {"sts:SourceIdentity": "bob"}}
    assert identity(plan, "bob")["Statement"][0]["Condition"] == {"StringEquals": {"sts:SourceIdentity": "bob"}}
    access = plan.outputs["roles"]["auditor"]["access"]["bob"]
    assert access["assumeRoleCommand"].endswith(
        f"--role-session-name bob --profile bob@{SOURCE}-mfa --duration-seconds 3600 --source-identity bob"
    )
    # The AWS CLI reads no source_identity from a profile: a profile would be refused, so there is none.
    assert (access["awsConfigProfile"], access["profileName"]) == (None, None)


def test_without_mfa_on_either_side_the_outputs_ask_for_no_token(run: Runner) -> None:
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"]["requireMfa"] = False
    raw["selfService"] = {"enforceMfa": False}
    plan = run(raw)
    access = plan.outputs["roles"]["s3-list-role"]["access"]["random_user"]
    assert (access["mfaRequired"], access["mfaSessionCommand"]) == (False, None)
    assert f"--profile random_user@{SOURCE} " in access["assumeRoleCommand"]
    assert f"source_profile = random_user@{SOURCE}\n" in access["awsConfigProfile"]
    assert "mfaSessionCommand" not in plan.outputs["users"]["random_user"]
    assert "Condition" not in trust(plan, "s3-list-role")["Statement"][0]


def test_stack_tags_reach_every_created_resource_and_entity_tags_win(run: Runner) -> None:
    raw = walkthrough_settings()
    raw["tags"] = {"team": "platform", "name": "stack-wide"}
    plan = run(raw)
    assert one(plan, "aws:iam/user:User", "random_user").inputs["tags"] == {"team": "platform", "name": "random"}
    assert one(plan, "aws:iam/role:Role", "s3-list-role").inputs["tags"] == {"team": "platform", "name": "stack-wide"}
    for policy in of_type(plan, "aws:iam/policy:Policy"):
        assert policy.inputs["tags"]["team"] == "platform"


def test_china_partition_changes_arns_and_the_console_host(run: Runner) -> None:
    raw = walkthrough_settings()
    raw["source"]["region"] = "cn-north-1"
    raw["target"]["region"] = "cn-northwest-1"
    plan = run(raw)
    assert plan.outputs["roles"]["s3-list-role"]["arn"] == f"arn:aws-cn:iam::{TARGET}:role/s3-list-role"
    assert plan.outputs["roles"]["s3-list-role"]["switchRoleUrl"].startswith("https://signin.amazonaws.cn/switchrole?")
    assert one(plan, "aws:iam/role:Role", "s3-list-role").state["arn"] == f"arn:aws-cn:iam::{TARGET}:role/s3-list-role"


def test_a_resource_without_an_explicit_provider_is_refused() -> None:
    """The mocks enforce `pulumi:disable-default-providers` as the engine does."""
    import pulumi_aws as aws

    def program() -> None:
        aws.iam.User("stray", name="stray")

    with pytest.raises(ProgramError) as caught:
        run_program("utils", walkthrough_settings(), program=program)
    assert "has no explicit provider; default providers are disabled" in str(caught.value)


def test_project_disables_default_providers() -> None:
    import yaml

    from tools.offline.mocks import PROJECT_DIR

    project = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert project["name"] == "cross-account-roles"
    assert project["config"]["pulumi:disable-default-providers"]["value"] == ["*"]


def test_an_existing_users_policy_still_gets_the_stack_tags(run: Runner) -> None:
    raw = walkthrough_settings()
    raw["users"]["random_user"] = {"create": False}
    raw["tags"] = {"team": "platform"}
    plan = run(raw)
    assert one(plan, "aws:iam/policy:Policy", "random_user-assume-roles-utils").inputs["tags"] == {"team": "platform"}
