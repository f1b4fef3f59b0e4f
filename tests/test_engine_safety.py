"""What the real engine does with the program: a person's user outlives every settings edit,
existing IAM is adopted with the right import id per type, URNs are the engine's, and the plan
shows the options a reviewer must see.

Engine facts these tests rest on (read in pulumi/pulumi):
- `DeleteStep.Apply` (pkg/resource/deploy/step.go) makes no provider call for a resource whose
  state has RetainOnDelete, and refuses to delete a protected one.
- Since Pulumi 3.174 (pulumi/pulumi#19339) an `import` reads the resource by its import id and
  then updates it to the program's inputs in the same deployment; a diff that needs a replacement
  is refused (tests/test_adoption.py).
- `Deployment.generateURN` chains the parent's whole qualified type, except the root stack's.
"""

from __future__ import annotations

import configparser
from typing import Any

import pytest

from crossaccount.errors import SettingsError
from crossaccount.plan.access import AWS_CONFIG_ROLE_KEYS
from tests.conftest import SOURCE, TARGET, of_type, one, walkthrough_settings
from tools.offline.mocks import ProgramError, engine_urn, run_program
from tools.render import plan as plan_render

USER = "aws:iam/user:User"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
COMPONENT = "crossaccount:iam:CrossAccountAccess"
PERMISSION_ARN = f"arn:aws:iam::{TARGET}:policy/s3-list-role-role_permissions_policy"


def adopted(raw: dict[str, Any] | None = None) -> dict[str, Any]:
    raw = raw or walkthrough_settings()
    raw["users"]["random_user"]["import"] = True
    raw["roles"]["s3-list-role"]["import"] = True
    raw["roles"]["s3-list-role"]["importPolicies"] = True
    raw["roles"]["s3-list-role"]["managedPolicyArns"] = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    return raw


# --- URNs ---------------------------------------------------------------------------------


def test_the_component_is_a_child_of_the_stack_without_the_stacks_type_in_its_urn() -> None:
    run = run_program("utils", walkthrough_settings())
    (component,) = of_type(run, COMPONENT)
    assert component.urn == f"urn:pulumi:utils::cross-account-roles::{COMPONENT}::access"
    assert not [r.urn for r in run.registrations if "pulumi:pulumi:Stack" in r.urn]
    user = one(run, USER, "random_user")
    assert user.urn == f"urn:pulumi:utils::cross-account-roles::{COMPONENT}${USER}::access-user-random_user"
    assert user.parent == component.urn


def test_a_grandchild_urn_chains_the_parents_whole_qualified_type() -> None:
    parent = f"urn:pulumi:prod::proj::{COMPONENT}$my:mod:Inner::inner"
    assert engine_urn("prod", "proj", parent, USER, "u") == f"urn:pulumi:prod::proj::{COMPONENT}$my:mod:Inner${USER}::u"
    stack = "urn:pulumi:prod::proj::pulumi:pulumi:Stack::proj-prod"
    assert engine_urn("prod", "proj", stack, COMPONENT, "access") == f"urn:pulumi:prod::proj::{COMPONENT}::access"
    assert engine_urn("prod", "proj", "", "pulumi:pulumi:Stack", "proj-prod") == stack


# --- users are kept ---------------------------------------------------------------------------


def test_only_the_users_and_their_passwords_are_retained_on_delete_and_nothing_is_protected() -> None:
    run = run_program("utils", walkthrough_settings())
    assert one(run, USER, "random_user").options == {"retainOnDelete": True}
    login = one(run, "aws:iam/userLoginProfile:UserLoginProfile", "access-login-random_user")
    assert login.options == {
        "ignoreChanges": ["passwordResetRequired", "passwordLength", "pgpKey"],  # tests/test_people.py
        "retainOnDelete": True,  # tests/test_adoption.py
    }
    # Every customer managed policy: IAM cannot change a description (components/people.py DESCRIPTION).
    policies = {r.inputs["name"]: r.options for r in of_type(run, POLICY)}
    assert policies == {
        "random_user-assume-roles-utils": {"ignoreChanges": ["description"]},
        "s3-list-role-role_permissions_policy": {"ignoreChanges": ["description"]},
        "self-service-credentials-utils": {"ignoreChanges": ["description"]},
    }
    others = {r.name: r.options for r in run.registrations if r.type not in (USER, POLICY) and r is not login}
    assert others == {name: {} for name in others}


def test_switching_to_create_false_leaves_the_attachment_unchanged_and_registers_no_user() -> None:
    """The user's resource leaves the program (retained: no DeleteUser); its attachment keeps the
    same inputs, so the engine neither replaces nor detaches it."""
    created = run_program("utils", walkthrough_settings())
    raw = walkthrough_settings()
    raw["users"]["random_user"] = {"create": False}
    referenced = run_program("utils", raw)
    assert of_type(referenced, USER) == []
    before = one(created, USER_ATTACHMENT, "access-attach-assume-random_user")
    after = one(referenced, USER_ATTACHMENT, "access-attach-assume-random_user")
    assert (after.urn, after.inputs) == (before.urn, before.inputs)
    assert before.inputs["user"] == "random_user"


def test_the_json_text_and_markdown_plans_show_the_users_option() -> None:
    run = run_program("utils", walkthrough_settings())
    resources = {r["name"]: r for r in plan_render.as_data(run)["resources"]}
    assert resources["access-user-random_user"]["options"] == {"retainOnDelete": True}
    assert resources["access-role-s3-list-role"]["options"] == {}
    text = plan_render.render_text(run)
    assert "  + aws:iam/user:User  random_user  (access-user-random_user)  [retainOnDelete]\n" in text
    markdown = plan_render.render_markdown(run)
    assert "| source | `aws:iam/user:User` | `random_user` [retainOnDelete] | access-source |" in markdown


# --- adoption -------------------------------------------------------------------------------


def test_adoption_sets_the_import_id_each_resource_type_takes() -> None:
    run = run_program("utils", adopted())
    assert one(run, USER, "random_user").options == {"import": "random_user", "retainOnDelete": True}
    assert one(run, ROLE, "s3-list-role").options == {"import": "s3-list-role"}
    assert one(run, POLICY, "s3-list-role-role_permissions_policy").options == {
        "import": PERMISSION_ARN,
        "ignoreChanges": ["description"],
    }
    attachments = {r.inputs["policyArn"]: r.options for r in of_type(run, ROLE_ATTACHMENT)}
    assert attachments == {
        PERMISSION_ARN: {"import": f"s3-list-role/{PERMISSION_ARN}"},
        "arn:aws:iam::aws:policy/ReadOnlyAccess": {"import": "s3-list-role/arn:aws:iam::aws:policy/ReadOnlyAccess"},
    }
    # The user's assume-role policy is this stack's own (its name carries the stack): always created.
    assert one(run, POLICY, "random_user-assume-roles-utils").options == {"ignoreChanges": ["description"]}
    assert one(run, USER_ATTACHMENT, "access-attach-assume-random_user").options == {}


def test_the_plan_shows_adopted_resources_as_imports() -> None:
    run = run_program("utils", adopted())
    text = plan_render.render_text(run)
    assert (
        "  = aws:iam/user:User  random_user  (access-user-random_user)  [import random_user, then update] [retainOnDelete]\n"
        in text
    )
    assert "  = aws:iam/role:Role  s3-list-role  (access-role-s3-list-role)  [import s3-list-role, then update]\n" in text
    assert (
        "  + aws:iam/policy:Policy  random_user-assume-roles-utils  (access-assume-random_user)  [ignoreChanges description]\n"
        in text
    )
    resources = {r["name"]: r for r in plan_render.as_data(run)["resources"]}
    assert resources["access-role-s3-list-role"]["options"] == {"import": "s3-list-role"}


def test_a_role_can_be_adopted_without_its_policies() -> None:
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"]["import"] = True
    run = run_program("utils", raw)
    assert one(run, ROLE, "s3-list-role").options == {"import": "s3-list-role"}
    assert one(run, POLICY, "s3-list-role-role_permissions_policy").options == {"ignoreChanges": ["description"]}
    assert [r.options for r in of_type(run, ROLE_ATTACHMENT)] == [{}]


def test_import_on_a_user_the_stack_does_not_own_is_refused_before_anything_is_registered() -> None:
    raw = walkthrough_settings()
    raw["users"]["random_user"] = {"create": False, "import": True}
    with pytest.raises(ProgramError) as failed:
        run_program("utils", raw)
    assert failed.value.registrations == []
    assert isinstance(failed.value.__cause__, SettingsError)
    assert failed.value.__cause__.problems == [
        "cross-account-roles:users.random_user.import: set on a user with create: false; import adopts a user into "
        "this stack, which a user with create: false is not (set create: true to adopt it)"
    ]


@pytest.mark.parametrize(
    ("value", "shown"), [("", '""'), ("my profile", '"my profile"'), ("[x]", '"[x]"'), ("a" * 129, '"' + "a" * 76 + "...")]
)
def test_a_profile_name_the_config_file_cannot_hold_is_refused(value: str, shown: str) -> None:
    raw = walkthrough_settings()
    raw["users"]["random_user"]["profile"] = value
    with pytest.raises(ProgramError) as failed:
        run_program("utils", raw)
    assert isinstance(failed.value.__cause__, SettingsError)
    assert failed.value.__cause__.problems == [
        f"cross-account-roles:users.random_user.profile: got {shown}; expected a profile name of 1 to 128 "
        "letters, digits and +=,.@_:/- (no spaces or brackets: it is written as [profile NAME])"
    ]


# --- outputs a person can paste ---------------------------------------------------------------


def test_the_users_own_profile_setting_is_used_and_two_stacks_profiles_do_not_collide() -> None:
    prod = walkthrough_settings()
    prod["users"]["random_user"]["profile"] = "me"
    staging = walkthrough_settings()
    staging["target"]["accountId"] = "777788889999"
    staging["users"]["random_user"]["profile"] = "me"
    del staging["passwordPolicy"]  # the source account's password policy has one owner: utils
    outputs = [run_program(stack, raw).outputs for stack, raw in (("utils", prod), ("staging", staging))]
    access = [o["roles"]["s3-list-role"]["access"]["random_user"] for o in outputs]
    assert [a["profileName"] for a in access] == [f"s3-list-role@{TARGET}", "s3-list-role@777788889999"]
    for a in access:
        assert "source_profile = me-mfa\n" in a["awsConfigProfile"]
        assert "--profile me-mfa " in a["assumeRoleCommand"]
        assert a["mfaSessionCommand"].startswith("aws configure mfa-login --profile me --update-profile me-mfa ")
        assert "utils" not in a["awsConfigProfile"]
    assert outputs[0]["users"]["random_user"]["profile"] == "me"
    assert f"user/random_user@{SOURCE}" not in str(outputs)


def test_every_key_a_profile_writes_is_one_the_aws_cli_reads() -> None:
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"]["externalId"] = "prod-audit-7"
    access = run_program("utils", raw).outputs["roles"]["s3-list-role"]["access"]["random_user"]
    parser = configparser.ConfigParser()
    parser.read_string(access["awsConfigProfile"])
    (section,) = parser.sections()
    assert section == f"profile s3-list-role@{TARGET}"
    assert list(parser[section]) == list(AWS_CONFIG_ROLE_KEYS)
