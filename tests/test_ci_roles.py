"""The two CI roles each account needs (ci-roles/): what their trust and permissions say.

Invariant: only GitHub's OIDC provider of the same account is trusted, for exactly this
repository and exactly one GitHub environment each (`preview`, whose reviewers approve each run:
the read-only preview role; `deploy`, which admits only `main`: the deploy role), with the
audience AWS's STS, never a subject any pull-request job has without approval; the preview role cannot change IAM; the
deploy role cannot change the CI roles, their policies or the OIDC provider; every action is
one IAM knows; the permission files are what components/permissions.py gives, and docs/ci.md
links them and lists every resource type of that table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from components.permissions import PERMISSIONS
from crossaccount.guardrails import PolicyDocument
from crossaccount.guardrails.catalogue import unknown_action
from crossaccount.guardrails.model import DocumentKind
from tools.commands import ci_matrix, ci_roles
from tools.paths import PROJECT_DIR

ROLES = PROJECT_DIR / "ci-roles"
PROVIDER = "arn:aws:iam::<ACCOUNT_ID>:oidc-provider/token.actions.githubusercontent.com"


def load(name: str) -> Any:
    return json.loads((ROLES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("preview-trust.json", "repo:<OWNER>/<REPO>:environment:preview"),
        ("deploy-trust.json", "repo:<OWNER>/<REPO>:environment:deploy"),
    ],
)
def test_each_role_trusts_only_githubs_oidc_provider_for_this_repository_and_one_environment(name: str, subject: str) -> None:
    (statement,) = load(name)["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Federated": PROVIDER}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    # StringEquals, never StringLike: no wildcard can widen the subject to other environments,
    # branches, events or repositories.
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": subject,
        }
    }


@pytest.mark.parametrize(
    "subject",
    [
        "repo:<OWNER>/<REPO>:pull_request",  # any job of any pull request, as its branch writes it
        "repo:<OWNER>/<REPO>:ref:refs/heads/main",  # push to main, but also pull_request_target and workflow_run
        "repo:<OWNER>/<REPO>:ref:refs/heads/feature",  # a workflow a branch pusher adds to their branch
        "repo:<OWNER>/<REPO>:environment:Preview",  # StringEquals is case-sensitive
        "repo:<OWNER>/<REPO>:environment:preview-x",
        "repo:<OTHER>/<REPO>:environment:deploy",
    ],
)
def test_no_role_admits_a_subject_a_job_has_without_its_environment(subject: str) -> None:
    """The subjects a branch pusher can give a job without a reviewer's approval (no
    environment, or a trigger that runs the base branch's ref) match no trust."""
    for name in ("preview-trust.json", "deploy-trust.json"):
        (statement,) = load(name)["Statement"]
        assert statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] != subject


def test_the_two_roles_trust_different_environments_so_the_preview_can_never_obtain_the_deploy_role() -> None:
    subjects = [
        load(n)["Statement"][0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"]
        for n in ("preview-trust.json", "deploy-trust.json")
    ]
    assert subjects == [ci_roles.subject(ci_roles.PREVIEW_ENVIRONMENT), ci_roles.subject(ci_roles.DEPLOY_ENVIRONMENT)]
    assert subjects[0] != subjects[1]


def actions(document: Any, effect: str = "Allow") -> list[str]:
    out: list[str] = []
    for s in document["Statement"]:
        if s["Effect"] == effect:
            out += [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
    return out


def test_the_preview_role_cannot_change_iam_and_writes_only_the_state_lock() -> None:
    document = load("preview-permissions.json")
    iam = [a for a in actions(document) if a.startswith("iam:")]
    assert iam
    assert all(a.split(":")[1].startswith(("Get", "List")) for a in iam), iam
    writes = [s for s in document["Statement"] if {"s3:PutObject", "s3:DeleteObject"} & set(s["Action"])]
    assert [s["Resource"] for s in writes] == ["arn:aws:s3:::<STATE_BUCKET>/.pulumi/locks/*"]


def test_the_deploy_role_cannot_touch_the_ci_roles_their_policies_or_the_oidc_provider() -> None:
    document = load("deploy-permissions.json")
    (deny,) = [s for s in document["Statement"] if s["Effect"] == "Deny"]
    assert deny["Action"] == "iam:*"
    assert sorted(deny["Resource"]) == [
        "arn:aws:iam::<ACCOUNT_ID>:oidc-provider/*",
        "arn:aws:iam::<ACCOUNT_ID>:policy/cross-account-roles-ci-*",
        "arn:aws:iam::<ACCOUNT_ID>:role/cross-account-roles-ci-*",
    ]
    # The names the workflows assume fall under that Deny.
    for role in (ci_matrix.PREVIEW_ROLE, ci_matrix.DEPLOY_ROLE):
        assert role.startswith("cross-account-roles-ci-")


def test_the_deploy_role_can_do_what_the_component_does_and_never_deletes_a_user_or_a_password() -> None:
    """Every IAM call the provider makes to create, update and delete this program's resources,
    the people's ones included (login profiles, the password policy, groups, their policies and
    memberships). Users and login profiles are retained on delete (the engine never calls
    DeleteUser or DeleteLoginProfile for them), so the role cannot."""
    allowed = set(actions(load("deploy-permissions.json")))
    assert not {"iam:DeleteUser", "iam:DeleteLoginProfile"} & allowed
    needed = {
        "iam:CreateUser", "iam:UpdateUser", "iam:TagUser", "iam:UntagUser",
        "iam:CreateRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:PutRolePermissionsBoundary",
        "iam:DeleteRolePermissionsBoundary", "iam:CreatePolicy", "iam:CreatePolicyVersion",
        "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:ListPolicyVersions", "iam:DeletePolicy",
        "iam:TagPolicy", "iam:UntagPolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
        "iam:AttachUserPolicy", "iam:DetachUserPolicy",
        "iam:CreateLoginProfile", "iam:GetLoginProfile",
        "iam:UpdateAccountPasswordPolicy", "iam:GetAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy",
        "iam:CreateGroup", "iam:GetGroup", "iam:UpdateGroup", "iam:DeleteGroup",
        "iam:AttachGroupPolicy", "iam:DetachGroupPolicy", "iam:ListAttachedGroupPolicies",
        "iam:AddUserToGroup", "iam:RemoveUserFromGroup", "iam:ListGroupsForUser",
    }  # fmt: skip
    assert needed <= allowed, needed - allowed


def test_the_password_policy_is_granted_on_every_resource_because_its_actions_have_no_resource_type() -> None:
    (statement,) = [s for s in load("deploy-permissions.json")["Statement"] if "iam:UpdateAccountPasswordPolicy" in s["Action"]]
    assert statement == {
        "Sid": "ManageTheAccountPasswordPolicy",
        "Effect": "Allow",
        "Action": ["iam:DeleteAccountPasswordPolicy", "iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy"],
        "Resource": "*",
    }
    (read,) = [s for s in load("preview-permissions.json")["Statement"] if s["Resource"] == "*"]
    assert read["Action"] == ["iam:GetAccountPasswordPolicy"]


def test_group_memberships_are_granted_on_the_group_and_listed_on_the_user() -> None:
    """AddUserToGroup and RemoveUserFromGroup act on the group, ListGroupsForUser on the user
    (Service Authorization Reference, through the catalogue)."""
    on = {a: s["Resource"] for s in load("deploy-permissions.json")["Statement"] if s["Effect"] == "Allow" for a in s["Action"]}
    assert on["iam:AddUserToGroup"] == on["iam:RemoveUserFromGroup"] == ["arn:aws:iam::<ACCOUNT_ID>:group/*"]
    assert on["iam:ListGroupsForUser"] == on["iam:CreateLoginProfile"] == ["arn:aws:iam::<ACCOUNT_ID>:user/*"]


def test_the_files_are_what_the_component_permissions_table_gives() -> None:
    """ci-roles/*.json are generated (python -m tools.commands.ci_roles): a row added to
    components/permissions.py, or a trust changed by hand, without regenerating fails here."""
    for name, text in ci_roles.files().items():
        assert (ROLES / name).read_text(encoding="utf-8") == text, f"ci-roles/{name}: run python -m tools.commands.ci_roles"
    assert ci_roles.main(["--check"]) == 0


def test_the_check_reports_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, text in ci_roles.files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / ci_roles.PREVIEW_FILE).write_text("{}\n", encoding="utf-8")
    assert ci_roles.main(["--check"], roles_dir=tmp_path) == 1
    assert capsys.readouterr().err == (
        "error: ci-roles/preview-permissions.json differs from what tools/commands/ci_roles.py writes; "
        "run python -m tools.commands.ci_roles\n"
    )


def test_the_check_reports_a_trust_widened_by_hand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A trust edited back to every pull request's jobs is caught like a stale permission file."""
    for name, text in ci_roles.files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    widened = ci_roles.files()[ci_roles.PREVIEW_TRUST_FILE].replace(":environment:preview", ":pull_request")
    (tmp_path / ci_roles.PREVIEW_TRUST_FILE).write_text(widened, encoding="utf-8")
    assert ci_roles.main(["--check"], roles_dir=tmp_path) == 1
    assert capsys.readouterr().err == (
        "error: ci-roles/preview-trust.json differs from what tools/commands/ci_roles.py writes; "
        "run python -m tools.commands.ci_roles\n"
    )


@pytest.mark.parametrize("name", sorted(p.name for p in ROLES.glob("*.json")))
def test_every_action_is_one_iam_knows(name: str) -> None:
    text = (ROLES / name).read_text(encoding="utf-8")
    text = text.replace("<ACCOUNT_ID>", "111122223333").replace("<OWNER>/<REPO>", "o/r")
    text = text.replace("<STATE_BUCKET>", "state-bucket")
    kind: DocumentKind = "trust" if name.endswith("-trust.json") else "managed"
    assert list(unknown_action(PolicyDocument(kind=kind, where=f"ci-roles/{name}", text=text))) == []


def test_the_ci_docs_link_every_ci_role_file() -> None:
    docs = (PROJECT_DIR / "docs" / "ci.md").read_text(encoding="utf-8")
    for path in sorted(ROLES.glob("*.json")):
        assert f"(../ci-roles/{path.name})" in docs, path.name


def test_there_are_four_files_two_per_role() -> None:
    assert sorted(p.name for p in ROLES.iterdir()) == [
        "deploy-permissions.json",
        "deploy-trust.json",
        "preview-permissions.json",
        "preview-trust.json",
    ]


def test_the_ci_docs_list_every_resource_type_of_the_permissions_table() -> None:
    docs = (PROJECT_DIR / "docs" / "ci.md").read_text(encoding="utf-8")
    for resource_type, row in PERMISSIONS.items():
        assert f"| `{resource_type}` |" in docs, resource_type
        if row.source.endswith(".go"):
            assert f"| `{resource_type}` | `{row.source}` |" in docs, resource_type
