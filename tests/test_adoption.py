"""Adoption and hand-over as the engine does them today: what the program registers is what a
person keeps and what AWS ends with.

Facts these tests rest on:
- Since Pulumi 3.174 (pulumi/pulumi#19339; pulumi/docs, concepts/resources/options/import.md) an
  `import` reads the existing resource and then, in the same deployment, updates every input that
  differs to the program's; a difference that needs a replacement is refused. So an adopted
  resource must not differ in a ForceNew input: a policy's `description`
  (terraform-provider-aws iam/policy.go) is ignored, and a login profile's inputs that an import
  cannot read back (`passwordResetRequired`, `passwordLength`, `pgpKey`) are ignored.
- The engine skips the provider's Delete for a resource whose *state* carries retainOnDelete
  (`DeleteStep.Apply`): the option must be registered before the resource leaves the program.
- The provider imports a login profile by the user's name and never reads a password back
  (iam/user_login_profile.go), so it cannot encrypt an adopted password to a PGP key.
- The account password policy's `maxPasswordAge` / `passwordReusePrevention` are Optional+Computed:
  left out, an existing value is kept forever; an explicit 0 is sent as "not set", which
  UpdateAccountPasswordPolicy resets to AWS's off (iam/account_password_policy.go).
"""

from __future__ import annotations

from typing import Any

import pytest

from crossaccount.errors import SettingsError
from tests.conftest import TARGET, of_type, one, walkthrough_settings
from tools.offline.mocks import ProgramError, run_program
from tools.render import plan as plan_render
from tools.render.plan_diff import diff_plans
from tools.render.review import render_review

POLICY = "aws:iam/policy:Policy"
LOGIN = "aws:iam/userLoginProfile:UserLoginProfile"
PASSWORD_POLICY = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
PERMISSION_ARN = f"arn:aws:iam::{TARGET}:policy/s3-list-role-role_permissions_policy"
LOGIN_IGNORED = ["passwordResetRequired", "passwordLength", "pgpKey"]


def handed_over() -> dict[str, Any]:
    """Stack B receiving random_user, who has a console password from stack A."""
    raw = walkthrough_settings()
    raw["users"]["random_user"]["import"] = True
    return raw


# --- policies the program did not create --------------------------------------------------


def test_an_adopted_permission_policy_ignores_the_description_its_creator_wrote() -> None:
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"]["importPolicies"] = True
    run = run_program("utils", raw)
    policy = one(run, POLICY, "s3-list-role-role_permissions_policy")
    assert policy.options == {"import": PERMISSION_ARN, "ignoreChanges": ["description"]}
    # the document is still the file's: the engine writes it (a new policy version) after the import
    assert (
        policy.inputs["policy"]
        == one(run_program("utils", walkthrough_settings()), POLICY, policy.inputs["name"]).inputs["policy"]
    )
    assert (
        "  = aws:iam/policy:Policy  s3-list-role-role_permissions_policy  (access-policy-s3-list-role-role_permissions_policy)"
        f"  [import {PERMISSION_ARN}, then update] [ignoreChanges description]\n"
    ) in plan_render.render_text(run)


def test_removing_import_policies_later_changes_no_option_that_could_replace_the_policy() -> None:
    """The ignore is there whether or not the policy is being adopted: dropping `importPolicies`
    after the import must not bring the old description back into the diff (a replacement of a
    policy with a fixed name fails with EntityAlreadyExists)."""
    adopted = walkthrough_settings()
    adopted["roles"]["s3-list-role"]["importPolicies"] = True
    before = one(run_program("utils", adopted), POLICY, "s3-list-role-role_permissions_policy")
    after = one(run_program("utils", walkthrough_settings()), POLICY, "s3-list-role-role_permissions_policy")
    assert (after.urn, after.inputs) == (before.urn, before.inputs)
    assert after.options == {"ignoreChanges": ["description"]}


def test_switching_enforce_mfa_changes_the_self_service_policy_in_place() -> None:
    """Its description follows enforceMfa; ignored, the switch is a new policy version, not a
    replacement of `self-service-credentials-<stack>`."""
    on = one(run_program("utils", walkthrough_settings()), POLICY, "self-service-credentials-utils")
    raw = walkthrough_settings()
    raw["selfService"] = {"enforceMfa": False}
    off = one(run_program("utils", raw), POLICY, "self-service-credentials-utils")
    assert on.urn == off.urn
    changed = sorted(k for k in on.inputs if on.inputs[k] != off.inputs.get(k))
    assert changed == ["description", "policy"]
    assert on.options == off.options == {"ignoreChanges": ["description"]}


# --- the person's console password ----------------------------------------------------------


def test_a_hand_over_or_a_removal_keeps_the_persons_console_password() -> None:
    """Stack A's login profile carries retainOnDelete from its first `up`: when A sets the user to
    create: false (a hand-over) or removes them, the engine forgets the profile instead of calling
    DeleteLoginProfile."""
    run = run_program("utils", walkthrough_settings())
    login = one(run, LOGIN, "access-login-random_user")
    assert login.options == {"ignoreChanges": LOGIN_IGNORED, "retainOnDelete": True}
    assert (
        "  + aws:iam/userLoginProfile:UserLoginProfile  access-login-random_user  (access-login-random_user)  "
        "[retainOnDelete] [ignoreChanges passwordResetRequired, passwordLength, pgpKey]\n"
    ) in plan_render.render_text(run)
    handed = walkthrough_settings()
    handed["users"]["random_user"] = {"create": False}
    assert of_type(run_program("utils", handed), LOGIN) == []


def test_the_receiving_stack_adopts_the_login_profile_by_the_user_name() -> None:
    run = run_program("utils", handed_over())
    login = one(run, LOGIN, "access-login-random_user")
    assert login.options == {"import": "random_user", "ignoreChanges": LOGIN_IGNORED, "retainOnDelete": True}
    # What an import reads back is the user and passwordResetRequired; the rest is ignored, so the
    # only input compared is the user, which is the id: nothing to replace, the password untouched.
    assert login.inputs["user"] == "random_user"
    assert (
        "  = aws:iam/userLoginProfile:UserLoginProfile  access-login-random_user  (access-login-random_user)  "
        "[import random_user, then update] [retainOnDelete] [ignoreChanges passwordResetRequired, passwordLength, pgpKey]\n"
    ) in plan_render.render_text(run)


def test_an_adopted_password_is_not_an_output_of_the_stack() -> None:
    """The stack never knew it: the person keeps the password they set."""
    assert "initialPassword" in run_program("utils", walkthrough_settings()).outputs["users"]["random_user"]
    shown = run_program("utils", handed_over()).outputs["users"]["random_user"]
    assert not {"initialPassword", "encryptedPassword", "pgpKeyFingerprint"} & set(shown)


def test_adopting_a_user_without_console_access_leaves_their_login_profile_alone() -> None:
    raw = handed_over()
    del raw["users"]["random_user"]["consoleAccess"]
    assert of_type(run_program("utils", raw), LOGIN) == []


def test_a_pgp_key_with_an_adopted_password_is_refused_before_anything_is_registered() -> None:
    raw = handed_over()
    raw["users"]["random_user"]["pgpKey"] = "keybase:random_user"
    with pytest.raises(ProgramError) as failed:
        run_program("utils", raw)
    assert failed.value.registrations == []
    assert isinstance(failed.value.__cause__, SettingsError)
    assert failed.value.__cause__.problems == [
        "cross-account-roles:users.random_user.pgpKey: set with import: true and consoleAccess: true, which adopt "
        "random_user's existing console password; the provider encrypts only a password it generates, so the key "
        "would encrypt nothing. Remove pgpKey (the person keeps their password), or remove import to create the user"
    ]


def test_the_self_service_attachment_follows_the_stack_that_owns_the_user() -> None:
    """Not retained (docs/people.md, hand-over): the receiving stack attaches its own self-service
    policy in the same `up` that adopts the user, before the giving stack detaches its one; a
    retained attachment would block the deletion of the giving stack's policy (DeleteConflict)."""
    received = run_program("utils", handed_over())
    attachment = one(received, USER_ATTACHMENT, "access-attach-self-service-random_user")
    assert (attachment.inputs["user"], attachment.options) == ("random_user", {})
    given = walkthrough_settings()
    given["users"]["random_user"] = {"create": False}
    assert [r.name for r in of_type(run_program("utils", given), USER_ATTACHMENT)] == ["access-attach-assume-random_user"]


# --- the password policy: what the settings say is what AWS ends with ----------------------


@pytest.mark.parametrize(
    ("setting", "sent"),
    [
        ({"maxPasswordAge": None}, {"maxPasswordAge": 0, "passwordReusePrevention": 24}),
        ({"passwordReusePrevention": None}, {"maxPasswordAge": 90, "passwordReusePrevention": 0}),
        ({"maxPasswordAge": None, "passwordReusePrevention": None}, {"maxPasswordAge": 0, "passwordReusePrevention": 0}),
        ({"maxPasswordAge": 1095, "passwordReusePrevention": 1}, {"maxPasswordAge": 1095, "passwordReusePrevention": 1}),
    ],
)
def test_a_null_password_policy_setting_is_sent_as_awss_off(setting: dict[str, Any], sent: dict[str, int]) -> None:
    raw = walkthrough_settings()
    raw["passwordPolicy"] = setting
    inputs = one(run_program("utils", raw), PASSWORD_POLICY, "access-password-policy").inputs
    assert inputs == {
        "minimumPasswordLength": 14,
        "requireUppercaseCharacters": True,
        "requireLowercaseCharacters": True,
        "requireNumbers": True,
        "requireSymbols": True,
        "allowUsersToChangePassword": True,
        "hardExpiry": False,
        **sent,
    }


def test_zero_stays_refused_in_the_settings_null_is_the_way_to_say_off() -> None:
    raw = walkthrough_settings()
    raw["passwordPolicy"] = {"maxPasswordAge": 0, "passwordReusePrevention": 0}
    with pytest.raises(ProgramError) as failed:
        run_program("utils", raw)
    assert isinstance(failed.value.__cause__, SettingsError)
    assert failed.value.__cause__.problems == [
        "cross-account-roles:passwordPolicy.passwordReusePrevention: got 0; expected a whole number from 1 to 24, or null",
        "cross-account-roles:passwordPolicy.maxPasswordAge: got 0; expected a whole number of days from 1 to 1,095, or null",
    ]


# --- the reviewer's plan --------------------------------------------------------------------


def test_the_markdown_plan_marks_an_adopted_resource_as_import_then_update() -> None:
    markdown = plan_render.render_markdown(run_program("utils", handed_over()))
    assert (
        "| source | `aws:iam/user:User` | `random_user` [import random_user, then update] [retainOnDelete] | access-source |"
        in (markdown)
    )


def test_a_hand_over_reads_as_forgetting_the_user_and_the_password_in_the_reviewers_diff() -> None:
    base = plan_render.as_data(run_program("utils", walkthrough_settings()))
    handed = walkthrough_settings()
    handed["users"]["random_user"] = {"create": False}
    head = plan_render.as_data(run_program("utils", handed))
    diff = diff_plans(base, head)
    # the self-service policy goes with the stack's last created user (the receiving stack has its own)
    assert [(c.action, c.type, c.name) for c in diff.resources if c.action in ("remove", "forget")] == [
        ("remove", POLICY, "self-service-credentials-utils"),
        ("remove", USER_ATTACHMENT, "access-attach-self-service-random_user"),
        ("forget", "aws:iam/user:User", "random_user"),
        ("forget", LOGIN, "access-login-random_user"),
    ]
    text = render_review(head, base)
    assert (
        "| forget (kept in AWS) | source | `aws:iam/userLoginProfile:UserLoginProfile` | `access-login-random_user` |  |" in text
    )


def test_a_description_under_ignore_changes_is_no_replacement_in_the_reviewers_diff() -> None:
    base = plan_render.as_data(run_program("utils", walkthrough_settings()))
    raw = walkthrough_settings()
    raw["selfService"] = {"enforceMfa": False}
    head = plan_render.as_data(run_program("utils", raw))
    (change,) = [c for c in diff_plans(base, head).resources if c.type == POLICY]
    assert (change.action, change.name, change.inputs, change.replaced_by) == (
        "update",
        "self-service-credentials-utils",
        ("policy",),
        (),
    )
