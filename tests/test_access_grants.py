"""The access table's rows as the core computes them (`crossaccount.access.grants`): plain data
that the review prints, never Markdown; the Markdown is the renderer's (`tools.render.review`).

The review's own tests (tests/test_review*.py, test_plan_diff.py, test_identity_center.py,
tests/hostile/test_access_through_groups_is_reported.py) keep the rendered table byte for byte; these pin what the core
hands it, and the renderer's part: the order it prints permissions in.
"""

from __future__ import annotations

import json

import pytest

from crossaccount.access.from_plan import PlanJsonError
from crossaccount.access.grants import Grant, Permission, access_grants, planned_roles
from tests.hostile.cases.groups import SRC, TGT
from tests.hostile.test_access_through_groups_is_reported import plan, res
from tests.test_review import every_option, plan_of
from tools.render.review import access_table, mermaid, permissions_cells, plain_permission

OPS = (
    Permission("file", "policies/role_permissions_policy.json"),
    Permission("managed", "ReadOnlyAccess"),
    Permission("boundary", "boundaries/ops-cap"),
)
SELF_SERVICE = (
    "required (the person's selfService.enforceMfa: true denies AssumeRole without MFA, "
    "whatever the role's requireMfa: false says)"
)


def row(principal: str, role: str, created: bool, **fields: object) -> Grant:
    ops = role == "ops"
    values: dict[str, object] = {
        "principal": principal,
        "principal_arn": f"arn:aws:iam::{SRC}:user/{principal}",
        "created": created,
        "role": role,
        "account": TGT,
        "mfa": "required, at most 900 s old" if ops else SELF_SERVICE,
        "external_id": "required (value not shown)" if ops else "no",
        "session_tags": "allowed" if ops else "no",
        "source_identity": f"= {principal}" if ops else "not required",
        "session": "2 h" if ops else "1 h",
        "permissions": OPS if ops else (Permission("managed", "SecurityAudit"),),
    }
    return Grant(**{**values, **fields})  # type: ignore[arg-type]


def test_the_rows_are_plain_data_with_the_roles_permissions_by_kind() -> None:
    """Every field is the plain words the table escapes; the permissions are (kind, name), in
    the order the words sort: files of policies/, then managed policies, then the boundary."""
    plan_data = plan_of(every_option())
    assert access_grants(plan_data) == (row("alice", "machine", True), row("alice", "ops", True), row("carol", "ops", False))
    assert [(r.name, r.permissions) for r in planned_roles(plan_data)] == [
        ("machine", (Permission("managed", "SecurityAudit"),)),
        ("ops", OPS),
    ]
    assert access_table(access_grants(plan_data))[3] == (
        "| `alice` | `ops` | 444455556666 | required, at most 900 s old | required (value not shown) | allowed "
        "| = alice | 2 h | `policies/role_permissions_policy.json`<br>managed `ReadOnlyAccess`<br>boundary `boundaries/ops-cap` |"
    )


def test_the_table_orders_permissions_by_its_markdown_and_the_diagram_by_the_words() -> None:
    """`RoleA` sorts before `Role` as Markdown (a capital letter before the closing backtick)
    and after it as words: each view keeps the order it printed before the rows moved to the core."""
    permissions = (Permission("managed", "Role"), Permission("managed", "RoleA"), Permission("boundary", "cap"))
    assert permissions_cells(permissions) == ("managed `RoleA`", "managed `Role`", "boundary `cap`")
    assert [plain_permission(p) for p in permissions] == ["managed Role", "managed RoleA", "boundary cap"]


def other_stacks_role(document: str) -> dict[str, object]:
    """A people's stack whose person, bob, has an assume-role policy `document`; the plan creates no role."""
    return plan(
        res("aws:iam/user:User", "access-user-bob", name="bob", path="/"),
        res("aws:iam/policy:Policy", "access-bob-assume", name="bob-assume", path="/", policy=document),
        res(
            "aws:iam/userPolicyAttachment:UserPolicyAttachment",
            "access-bob-attach",
            user="bob",
            policyArn=f"arn:aws:iam::{SRC}:policy/bob-assume",
        ),
    )


def test_a_role_of_another_stack_written_with_json_escapes_is_still_a_row() -> None:
    """The rows for other stacks' roles skip the documents that name none without reading them
    into canonical form; the test reads the JSON, not its text, so `\\u0072ole` is `role`."""
    escaped = json.dumps(
        {
            "Statement": {
                "Effect": "Allow",
                "Action": "STS:AssumeRole",
                "Resource": "arn:aws:iam::777788889999:ROLE/x",
            }
        }
    ).replace("ROLE", "\\u0072ole")
    (grant,) = access_grants(other_stacks_role(escaped))
    assert (grant.principal, grant.role, grant.account, grant.elsewhere) == ("bob", "x", "777788889999", True)
    assert grant.mfa == "no (this stack's side; the role's trust may ask more)"
    assert 'e1["IAM role x in account 777788889999"]' in mermaid(other_stacks_role(escaped))


def test_a_document_that_names_no_other_stacks_role_gives_no_row() -> None:
    for document in (
        json.dumps({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{TGT}:user/x"}]}),
        json.dumps({"Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{TGT}:role/x"}]}),
        json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": f"arn:aws:iam::{TGT}:role/x"}]}),
    ):
        assert access_grants(other_stacks_role(document)) == ()


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("not JSON", "not valid JSON (Expecting value at line 1, column 1); expected a policy document"),
        (json.dumps(["a list"]), "expected a policy document"),
    ],
)
def test_a_document_that_is_no_policy_is_one_error_naming_the_resource(document: str, expected: str) -> None:
    """The rows are the access model's answers, and the model reads every document whole: a plan
    (an artifact a pull request made) whose policy is not one is refused, naming where."""
    with pytest.raises(PlanJsonError) as error:
        access_grants(other_stacks_role(document))
    assert 'the plan JSON of stack "utils": resources[3] ("aws:iam/policy:Policy" "access-bob-assume").inputs.policy' in str(
        error.value
    )
    assert expected in str(error.value)
