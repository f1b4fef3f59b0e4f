"""The access model from plan JSON (`crossaccount.access.from_plan.model_from_plans`) is the model
the pipeline's plans give (`crossaccount.access.model.build_model`): for each organisation below,
every stack is planned twice, to its StackPlan and to the JSON `make plan FORMAT=json` prints,
and the two models agree in every field an answer depends on (each role's ARN, account, trust
document and source, permissions' documents and sources, boundary, trusted principals, federated
providers, tags and route fields; each principal's kind, ARN, identity documents and sources,
context, groups and members), and so do the answers of `can` and `who-can` (decision, roles
through, deciding statements, conditions) to a spread of questions.

Where they cannot agree, the difference is asserted exactly: a trust policy the plan holds as
`[secret]`. And a plan JSON is a file: each malformed one gets one error naming the stack, the
resource and the input.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from crossaccount.access.from_plan import SECRET_TRUST, PlanJsonError, model_from_plans
from crossaccount.access.model import AccessModel, Answer, PathAnswer, Question, Role, build_model, can, who_can
from crossaccount.access.principals import Principal
from crossaccount.access.types import StatementRef
from crossaccount.pipeline import Checked, check_organisation
from crossaccount.plan.model import StackPlan
from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tests.hostile.cases.groups import CASES
from tests.hostile.harness import Reported
from tests.test_access import ASSUME_NEXT, BOUNDARY, DELETE_PROD, people, write
from tests.test_access_table_agrees import _head, write_stack
from tests.test_identity_center import everyone
from tests.test_review import every_option, plan_of
from tools.__main__ import main

UNDECRYPTED_SECURE = {"secure": "v1:AAAAbm90LXJlYWwtY2lwaGVydGV4dA=="}
"""A `secure:` value no key decrypts: the engine marks the role's trust secret, as a real one."""


def planned(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, StackPlan], dict[str, dict[str, Any]]]:
    """Every stack of the project: its StackPlan (check_organisation) and its plan JSON (`plan --format json`)."""
    results = check_organisation(project)
    assert all(isinstance(r, Checked) for r in results.values()), results
    plans = {s: r.plan for s, r in results.items() if isinstance(r, Checked)}
    documents = {}
    for stack in plans:
        capsys.readouterr()
        assert main(["plan", "--stack", stack, "--format", "json", "--project-dir", str(project)]) == 0
        documents[stack] = json.loads(capsys.readouterr().out)
    return plans, documents


def both(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[AccessModel, AccessModel]:
    """(build_model of the StackPlans, model_from_plans of the plan JSON) of the whole project."""
    plans, documents = planned(project, capsys)
    return build_model(plans), model_from_plans(documents)


# --- what an answer depends on -----------------------------------------------------------------


def policies(found: Any) -> Any:
    return None if found is None else [(p.document, p.source, p.kind) for p in found]


def role_fields(r: Role) -> dict[str, Any]:
    return {
        "name": r.name,
        "arn": r.arn,
        "account": r.account,
        "where": r.where,
        "trust": (r.trust.document, r.trust.source, r.trust.kind),
        "permissions": policies(r.permissions),
        "boundary": policies([r.boundary] if r.boundary else None),
        "unknown": r.unknown,
        "trusted": r.trusted,
        "federated": r.federated,
        "tags": r.tags,
        "external_id": r.external_id,
        "require_source_identity": r.require_source_identity,
        "mfa_max_age_seconds": r.mfa_max_age_seconds,
        "secret": r.secret,
    }


def principal_fields(p: Principal) -> dict[str, Any]:
    return {
        "kind": p.kind,
        "name": p.name,
        "arn": p.arn,
        "account": p.account,
        "caller": p.caller,
        "assume_action": p.assume_action,
        "identity": policies(p.identity),
        "boundary": policies([p.boundary] if p.boundary else None),
        "context": p.context,
        "where": p.where,
        "assumed": p.assumed,
        "members": p.members,
        "groups": p.groups,
        "role_arn": p.role_arn,
    }


def differences(a: AccessModel, b: AccessModel) -> list[tuple[str, str]]:
    """(entity key, field) for each field in which the two models differ."""
    found = [("roles", "keys")] if list(a.roles) != list(b.roles) else []
    found += [("principals", "keys")] if list(a.principals) != list(b.principals) else []
    for k in a.roles.keys() & b.roles.keys():
        x, y = role_fields(a.roles[k]), role_fields(b.roles[k])
        found += [(k, f) for f in x if x[f] != y[f]]
    for k in a.principals.keys() & b.principals.keys():
        x, y = principal_fields(a.principals[k]), principal_fields(b.principals[k])
        found += [(k, f) for f in x if x[f] != y[f]]
    found += [("model", "by_trusted")] if a.by_trusted != b.by_trusted else []
    found += [("model", "open_roles")] if a.open_roles != b.open_roles else []
    return sorted(found)


def questions(model: AccessModel) -> list[Question]:
    """Assuming each role; the actions the organisations' policies allow and some they do not,
    exact and by pattern; with MFA, without it, and with a guessed ExternalId."""
    asked = [Question("sts:AssumeRole", arn) for arn in (r.arn for r in model.roles.values())]
    for action, resource in (
        ("s3:ListAllMyBuckets", "*"),
        ("s3:GetObject", "arn:aws:s3:::example-staging-artifacts/build.zip"),
        ("s3:DeleteBucket", "arn:aws:s3:::prod-logs"),
        ("s3:DeleteBucket", "arn:aws:s3:::prod-critical"),
        ("iam:*", "*"),
        ("iam:ChangePassword", f"arn:aws:iam::{SOURCE}:user/random_user"),
        ("s3:Delete*", "arn:aws:s3:::prod-*"),
    ):
        asked += [Question(action, resource), Question(action, resource, mfa=False)]
    asked.append(Question("s3:ListAllMyBuckets", "*", context={"sts:ExternalId": ("guess",)}))
    return asked


Ref = Callable[[StatementRef], Any]


def path_of(p: PathAnswer, ref: Ref, condition: Callable[[str], bool]) -> tuple[Any, ...]:
    steps = tuple(
        (s.caller, s.action, s.resource, s.decision.allowed, s.decision.reason, tuple(map(ref, s.decision.because)))
        for s in p.steps
    )
    return (p.principal.arn, p.through, p.allowed, tuple(c for c in p.conditions if condition(c)), p.without_mfa, steps)


def answer_of(a: Answer, ref: Ref, condition: Callable[[str], bool]) -> tuple[Any, ...]:
    return (a.allowed, a.through, tuple(map(ref, a.because)), tuple(path_of(p, ref, condition) for p in a.paths))


def answers(
    model: AccessModel, asked: list[Question], ref: Ref = lambda r: r, condition: Callable[[str], bool] = lambda c: True
) -> dict[str, Any]:
    """Every principal's `can` answer and the `who-can` answer, to each question."""
    found: dict[str, Any] = {}
    for q in asked:
        name = f"{q.action} {q.resource} mfa={q.mfa} {dict(q.context)}"
        found[f"who-can {name}"] = [path_of(p, ref, condition) for p in who_can(model, q)]
        for k, principal in model.principals.items():
            found[f"can {k} {name}"] = answer_of(can(model, principal, q), ref, condition)
    return found


def agree(a: AccessModel, b: AccessModel) -> int:
    """Assert the two models agree everywhere; how many answers allowed (so the test cannot pass on nothing)."""
    assert differences(a, b) == []
    asked = questions(a)
    mine, theirs = answers(a, asked), answers(b, asked)
    assert mine.keys() == theirs.keys()
    assert [k for k in mine if mine[k] != theirs[k]] == []
    return sum(1 for k, v in mine.items() if k.startswith("can ") and v[0])


# --- the organisations -------------------------------------------------------------------------


def test_the_fixture_organisations_model_from_its_plan_json_is_the_pipelines(
    fixture_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = both(fixture_project, capsys)
    assert sorted(a.roles) == [
        f"arn:aws:iam::{TARGET}:role/s3-list-role",
        "arn:aws:iam::777788889999:role/s3-artifacts-read",
    ]
    assert agree(a, b) >= 4


def test_the_comparison_sees_a_policy_of_another_source_and_a_trust_that_differs(
    fixture_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The equality above can fail: a permission with another source, a trust that names no one."""
    a, b = both(fixture_project, capsys)
    arn = f"arn:aws:iam::{TARGET}:role/s3-list-role"
    role = b.roles[arn]
    renamed = replace(role, permissions=tuple(replace(p, source="policies/other.json") for p in role.permissions))
    closed = replace(role, trust=replace(role.trust, document={**role.trust.document, "Statement": []}))
    for changed, field in ((renamed, "permissions"), (closed, "trust")):
        other = replace(b, roles={**b.roles, arn: changed})
        assert differences(a, other) == [(arn, field)]
        asked = [Question("s3:ListAllMyBuckets", "*", mfa=False), Question("s3:ListAllMyBuckets", "*")]
        mine, theirs = answers(a, asked), answers(other, asked)
        assert [k for k in mine if mine[k] != theirs[k]] != []


def test_each_stack_alone_gives_the_same_model_as_its_plan_alone(
    fixture_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The review of one stack: a roles-only stack's users are only named by its trust policies."""
    plans, documents = planned(fixture_project, capsys)
    for stack in plans:
        a, b = build_model({stack: plans[stack]}), model_from_plans({stack: documents[stack]})
        assert f"user:arn:aws:iam::{SOURCE}:user/random_user" in b.principals
        assert agree(a, b) >= 1, stack


@pytest.fixture
def own(program_of_its_own: Path, tmp_path: Path) -> Path:
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    for name, document in (("delete_prod.json", DELETE_PROD), ("boundary.json", BOUNDARY), ("assume_next.json", ASSUME_NEXT)):
        (tmp_path / "policies" / name).write_text(json.dumps(document), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "values",
    [every_option(), everyone()],
    ids=["every-trust-option (ExternalId, source identity, MFA age, boundary, managed policies, an existing user)", "federated"],
)
def test_a_stack_of_every_trust_option_gives_the_same_model(
    values: dict[str, Any], own: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_stack(own, "utils", values)
    a, b = both(own, capsys)
    assert agree(a, b) >= 2


def test_a_user_this_stack_does_not_create_carries_none_of_its_tags(own: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the stack that creates a user tags it: stack-wide tags are on alice (created), not on
    carol or dave (`create: false`, reached through an assume-role policy or only a group)."""
    values = every_option()
    values["tags"] = {"owner": "platform"}
    values["users"]["dave"] = {"create": False}
    values["groups"] = {"team": {"members": ["carol", "dave"]}}
    values["roles"]["machine"]["trustedGroups"] = ["team"]
    write_stack(own, "utils", values)
    a, b = both(own, capsys)
    tags = {
        p.name: {k: v for k, v in p.context.items() if k.startswith("aws:PrincipalTag/")}
        for p in b.principals.values()
        if p.kind == "user"
    }
    assert tags == {"alice": {"aws:PrincipalTag/owner": ("platform",)}, "carol": {}, "dave": {}}
    assert agree(a, b) >= 3


def test_groups_chaining_a_created_boundary_and_a_role_outside_the_plan_give_the_same_model(
    own: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """tests/test_access.py's organisation: a group trusted by a role and one with a role's
    policy, an ExternalId without MFA, a boundary one role's policy file makes, and role chaining
    through a roles-only stack's role, which the people's role also trusts by `trustedRoles`
    beside one outside the project."""
    stacks = people()
    stacks["roles"]["deleter"]["trustedRoles"] = [f"arn:aws:iam::{SOURCE}:role/hopper", f"arn:aws:iam::{SOURCE}:role/ci-deployer"]
    stacks["groups"]["ops"] = {
        "members": ["alice", "bob"],
        "path": "/teams/",
        "managedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    }
    stacks["users"]["alice"] = {"path": "/staff/", "tags": {"team": "data"}}
    stacks["roles"]["prod-read"] |= {"path": "/readers/", "tags": {"tier": "gold"}}
    stacks["tags"] = {"owner": "platform"}
    hub = {
        "target": {"accountId": SOURCE, "region": "eu-north-1"},
        "roles": {"hopper": {"trustedUsers": ["bob"], "policyFiles": ["assume_next.json"]}},
    }
    write(own, people=stacks, hub=hub)
    a, b = both(own, capsys)
    outside = b.principals[f"role:arn:aws:iam::{SOURCE}:role/ci-deployer"]
    assert outside.identity[0].document["Statement"][0]["Resource"] == [f"arn:aws:iam::{TARGET}:role/deleter"]
    assert (
        b.principals[f"group:arn:aws:iam::{SOURCE}:group/teams/ops"].identity[0].source
        == "arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    assert b.roles[f"arn:aws:iam::{TARGET}:role/readers/prod-read"].tags == {"owner": "platform", "tier": "gold"}
    assert b.principals[f"user:arn:aws:iam::{SOURCE}:user/staff/alice"].context["aws:PrincipalTag/team"] == ("data",)
    assert agree(a, b) >= 10


@pytest.mark.parametrize(
    "mode",
    [
        {"trust": "path", "trustedPath": "/team-data/", "mfaMaxAgeSeconds": 3600},
        {"trust": "tag", "trustedTag": {"key": "team", "value": "data"}, "externalId": "shared-ops"},
    ],
    ids=["trust: path", "trust: tag"],
)
def test_the_account_wide_trust_modes_give_the_same_model(
    mode: dict[str, Any], own: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = walkthrough_settings()
    values["roles"]["s3-list-role"].update(mode)
    values["users"]["random_user"]["path"] = "/team-data/"
    write_stack(own, "utils", values)
    a, b = both(own, capsys)
    assert b.open_roles == (f"arn:aws:iam::{TARGET}:role/s3-list-role",)
    assert agree(a, b) >= 1


@pytest.mark.parametrize(
    "case", [c for c in CASES if isinstance(c.expect, Reported) and c.expect.refused is None], ids=lambda c: c.name
)
def test_each_hostile_group_case_gives_the_same_model(case: Any, own: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_stack(own, "utils", _head(case))
    a, b = both(own, capsys)
    assert agree(a, b) >= 1


# --- a secret trust policy ---------------------------------------------------------------------

OPS = f"arn:aws:iam::{TARGET}:role/ops"
OPS_TRUST = "Pulumi.utils.yaml cross-account-roles:roles.ops (trust policy)"
OPS_SECRET_TRUST = (
    "Pulumi.utils.yaml cross-account-roles:roles.ops (trust policy: a secret in the plan, taken from the users' side)"
)


def test_a_secret_trust_is_taken_from_the_users_side_and_the_difference_is_exactly_that(
    own: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = every_option()
    values["roles"]["ops"]["externalId"] = UNDECRYPTED_SECURE
    write_stack(own, "utils", values)
    plans, documents = planned(own, capsys)
    (ops,) = [r for r in documents["utils"]["resources"] if r["type"] == "aws:iam/role:Role" and r["inputs"]["name"] == "ops"]
    assert ops["inputs"]["assumeRolePolicy"] == "[secret]"
    a, b = build_model(plans), model_from_plans(documents)
    assert differences(a, b) == [(OPS.lower(), f) for f in ("external_id", "mfa_max_age_seconds", "trust", "unknown")]
    role = b.roles[OPS.lower()]
    assert role_fields(role)["trust"] == (
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{SOURCE}:user/{user}"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "StringEquals": {"sts:SourceIdentity": user}},
                }
                for user in ("alice", "carol")
            ],
        },
        OPS_SECRET_TRUST,
        "resource",
    )
    assert (role.external_id, role.mfa_max_age_seconds, role.require_source_identity, role.secret) == (
        "[secret]",
        None,
        True,
        True,
    )
    assert role.unknown == (*a.roles[OPS.lower()].unknown, SECRET_TRUST)
    assert (a.roles[OPS.lower()].external_id, a.roles[OPS.lower()].mfa_max_age_seconds) == ("undecrypted-secret", 900)

    # The answers: the same, but for the trust's statements (which the plan does not show) and
    # the MFA age it pins; with a wrong ExternalId the trust refuses, which the plan cannot show.
    def ref(r: StatementRef) -> Any:
        return ("ops trust", r.effect) if r.source in (OPS_TRUST, OPS_SECRET_TRUST) else r

    def condition(c: str) -> bool:
        return c != "MFA no older than 900 s (ops)"

    asked = [q for q in questions(a) if not q.context]
    mine, theirs = answers(a, asked, ref, condition), answers(b, asked, ref, condition)
    assert [k for k in mine if mine[k] != theirs[k]] == []
    alice = a.principals[f"user:arn:aws:iam::{SOURCE}:user/alice"]
    question = Question("s3:ListAllMyBuckets", "*")
    (x,) = [p for p in can(a, alice, question).paths if p.through == (OPS,)]
    (y,) = [p for p in can(b, alice, question).paths if p.through == (OPS,)]
    assumed = (
        "Pulumi.utils.yaml cross-account-roles:users.alice (policy alice-assume-roles-utils)",
        0,
        "AssumeCrossAccountRoles1",
    )
    file = ("policies/role_permissions_policy.json", 0, "ListAllBuckets")
    managed = ("arn:aws:iam::aws:policy/ReadOnlyAccess", 1, "ReadOnlyActionsGroup2")
    assert [(r.source, r.index, r.sid) for r in x.because] == [assumed, (OPS_TRUST, 0, "TrustAlice"), file, managed]
    assert [(r.source, r.index, r.sid) for r in y.because] == [assumed, (OPS_SECRET_TRUST, 0, None), file, managed]
    assert x.conditions == (
        "MFA",
        "MFA no older than 900 s (ops)",
        "sts:ExternalId [secret] (ops)",
        "source identity alice (ops)",
    )
    assert y.conditions == ("MFA", "sts:ExternalId [secret] (ops)", "source identity alice (ops)")
    assert y.notes[-1] == f"ops: {SECRET_TRUST}"
    guessed = replace(question, context={"sts:ExternalId": ("guess",)})
    assert [p.allowed for p in can(a, alice, guessed).paths if p.through == (OPS,)] == [False]
    assert [p.allowed for p in can(b, alice, guessed).paths if p.through == (OPS,)] == [True]


# --- malformed plan JSON -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    return plan_of(every_option())


def resource(plan: dict[str, Any], type_: str, name: str) -> tuple[int, dict[str, Any]]:
    found = [(i, r) for i, r in enumerate(plan["resources"]) if r["type"] == type_ and r["inputs"].get("name", r["name"]) == name]
    assert len(found) == 1
    return found[0]


def refused(plan: Any, stack: str = "utils") -> str:
    with pytest.raises(PlanJsonError) as caught:
        model_from_plans({stack: plan})
    return str(caught.value)


TAIL = ", as in the output of make plan FORMAT=json"


def test_the_good_plan_is_read(good: dict[str, Any]) -> None:
    assert sorted(model_from_plans({"utils": good}).roles) == [f"arn:aws:iam::{TARGET}:role/machine", OPS.lower()]


def test_a_plan_that_is_not_an_object_or_has_no_resources_list_is_refused(good: dict[str, Any]) -> None:
    assert refused([1]) == 'the plan JSON of stack "utils": got [1] (a list); expected an object with a resources list' + TAIL
    assert refused({**good, "resources": {}}) == (
        'the plan JSON of stack "utils": resources: got {} (an object); expected a list of resources' + TAIL
    )
    assert refused(good, stack="prod") == (
        'the plan JSON of stack "prod": stack: got "utils"; expected "prod", the stack it is given for' + TAIL
    )


def test_a_resource_of_the_wrong_shape_is_refused_by_its_place(good: dict[str, Any]) -> None:
    plan = copy.deepcopy(good)
    plan["resources"][2] = "a role"
    assert (
        refused(plan)
        == 'the plan JSON of stack "utils": resources[2]: got "a role" (a string); expected a resource object' + TAIL
    )
    plan = copy.deepcopy(good)
    plan["resources"][3]["type"] = None
    assert refused(plan) == 'the plan JSON of stack "utils": resources[3].type: got null; expected a non-empty string' + TAIL


def test_an_input_of_the_wrong_type_names_the_resource_and_the_input(good: dict[str, Any]) -> None:
    plan = copy.deepcopy(good)
    i, attachment = resource(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "access-attach-machine-aws-SecurityAudit")
    attachment["inputs"]["policyArn"] = 7
    assert refused(plan) == (
        f'the plan JSON of stack "utils": resources[{i}] ("aws:iam/rolePolicyAttachment:RolePolicyAttachment" '
        '"access-attach-machine-aws-SecurityAudit").inputs.policyArn: got 7 (a number); expected a non-empty string' + TAIL
    )
    plan = copy.deepcopy(good)
    i, role = resource(plan, "aws:iam/role:Role", "machine")
    role["inputs"]["tags"] = {"team": ["data"]}
    assert refused(plan) == (
        f'the plan JSON of stack "utils": resources[{i}] ("aws:iam/role:Role" "access-role-machine").inputs.tags: '
        'got {"team": ["data"]} (an object); expected an object of tag values (strings)' + TAIL
    )


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            "{not json",
            "not valid JSON (Expecting property name enclosed in double quotes at line 1, column 2); expected a policy document",
        ),
        ('["Statement"]', 'got ["Statement"] (a list); expected a policy document (a JSON object)'),
        (
            '{"Version":"2012-10-17","Statement":[],"Statement":[{"Effect":"Allow"}]}',
            "not a policy document (the key 'Statement' appears twice in one object; two readers (a reviewer and AWS) may take different ones)",
        ),
    ],
    ids=["not JSON", "not an object", "a duplicate key"],
)
def test_a_trust_policy_that_is_not_a_document_is_refused(good: dict[str, Any], document: str, expected: str) -> None:
    plan = copy.deepcopy(good)
    i, role = resource(plan, "aws:iam/role:Role", "machine")
    role["inputs"]["assumeRolePolicy"] = document
    assert refused(plan) == (
        f'the plan JSON of stack "utils": resources[{i}] ("aws:iam/role:Role" "access-role-machine").inputs.assumeRolePolicy: '
        f"{expected}" + TAIL
    )


def test_an_attachment_to_a_role_the_plan_does_not_hold_is_refused(good: dict[str, Any]) -> None:
    """Never a permission silently left out: each attachment belongs to a role of the plan."""
    plan = copy.deepcopy(good)
    i, attachment = resource(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "access-attach-machine-aws-SecurityAudit")
    attachment["inputs"]["role"] = "Machine"
    assert refused(plan) == (
        f'the plan JSON of stack "utils": resources[{i}] ("aws:iam/rolePolicyAttachment:RolePolicyAttachment" '
        '"access-attach-machine-aws-SecurityAudit").inputs.role: "Machine" is not a role of the plan; '
        "expected a Role resource of it" + TAIL
    )


def test_a_provider_without_one_account_is_refused(good: dict[str, Any]) -> None:
    plan = copy.deepcopy(good)
    i, provider = resource(plan, "pulumi:providers:aws", "access-target")
    provider["inputs"]["allowedAccountIds"] = [TARGET, "999988887777"]
    assert refused(plan) == (
        f'the plan JSON of stack "utils": resources[{i}] ("pulumi:providers:aws" "access-target").inputs.allowedAccountIds: '
        f'got ["{TARGET}", "999988887777"]; expected one 12-digit account id' + TAIL
    )


def test_a_membership_in_a_group_the_plan_does_not_hold_is_modelled_and_a_string_refused(
    own: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A group the plan names but does not create (made by hand, or another stack's) is still the
    members' group: IAM evaluates its policies as each member's. It is modelled at path `/` in the
    account of the membership, and its `where` says so (not left out, not refused)."""
    stacks = people()
    write(own, people=stacks)
    _, documents = planned(own, capsys)
    plan = documents["people"]
    i, membership = next(
        (i, r) for i, r in enumerate(plan["resources"]) if r["type"] == "aws:iam/userGroupMembership:UserGroupMembership"
    )
    membership["inputs"]["groups"] = ["breakglass", "admins\u202e"]
    group = model_from_plans({"people": plan}).principals["group:arn:aws:iam::111122223333:group/admins\u202e"]
    assert group.members == (membership["inputs"]["user"],)
    assert group.where == (
        f'Pulumi.people.yaml group admins\u202e (named by resources[{i}] ("aws:iam/userGroupMembership:UserGroupMembership" '
        f'"{membership["name"]}"); not created by this plan: path / taken)'
    )
    membership["inputs"]["groups"] = "breakglass"
    assert refused(plan, "people") == (
        f'the plan JSON of stack "people": resources[{i}] ("aws:iam/userGroupMembership:UserGroupMembership" '
        f'"{membership["name"]}").inputs.groups: got "breakglass" (a string); expected a list of names' + TAIL
    )


# --- what the program never writes, read all the same -----------------------------------------

DELETE_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "*"}]}
)


def added(plan: dict[str, Any], type_: str, resource_name: str, side: str, **inputs: Any) -> None:
    urn = f"urn:pulumi:utils::cross-account-roles::{type_}::{resource_name}"
    plan["resources"].append(
        {"urn": urn, "type": type_, "name": resource_name, "provider": f"access-{side}", "account": side, "inputs": inputs}
    )


def test_inline_policies_and_exclusive_attachments_and_memberships_in_a_plan_are_access(good: dict[str, Any]) -> None:
    """A hand-made or older plan may hold what the program never writes (the guardrails refuse the
    exclusive resources): each is access, so each is read, never left out."""
    plan = copy.deepcopy(good)
    added(plan, "aws:iam/rolePolicy:RolePolicy", "machine-inline", "target", role="machine", name="delete-all", policy=DELETE_ALL)
    added(plan, "aws:iam/userPolicy:UserPolicy", "alice-inline", "source", user="alice", name="delete-all", policy=DELETE_ALL)
    added(plan, "aws:iam/policy:Policy", "extra", "target", name="extra", path="/", description="by hand", policy=DELETE_ALL)
    arn = f"arn:aws:iam::{TARGET}:policy/extra"
    added(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "extra-to-machine", "target", role="machine", policyArn=arn)
    added(plan, "aws:iam/group:Group", "devs", "source", name="devs", path="/")
    added(plan, "aws:iam/groupMembership:GroupMembership", "devs-members", "source", group="devs", users=["alice", "dave"])
    added(
        plan,
        "aws:iam/policyAttachment:PolicyAttachment",
        "everyone-audit",
        "source",
        policyArn="arn:aws:iam::aws:policy/SecurityAudit",
        groups=["devs"],
        users=["carol"],
    )
    model = model_from_plans({"utils": plan})
    machine = model.roles[f"arn:aws:iam::{TARGET}:role/machine"]
    assert [p.source for p in machine.permissions] == [
        "Pulumi.utils.yaml (policy extra)",  # a policy the plan creates, not from a file of policies/
        "arn:aws:iam::aws:policy/SecurityAudit",
        "Pulumi.utils.yaml cross-account-roles:roles.machine (inline policy delete-all)",
    ]
    assert machine.unknown == ()
    alice = model.principals[f"user:arn:aws:iam::{SOURCE}:user/alice"]
    assert [p.source for p in alice.identity] == [
        "Pulumi.utils.yaml cross-account-roles:users.alice (policy alice-assume-roles-utils)",
        "Pulumi.utils.yaml cross-account-roles:selfService (policy self-service-credentials-utils)",
        "Pulumi.utils.yaml cross-account-roles:users.alice (inline policy delete-all)",
        "arn:aws:iam::aws:policy/SecurityAudit",  # through group devs
    ]
    assert alice.groups == ("devs",)
    devs = model.principals[f"group:arn:aws:iam::{SOURCE}:group/devs"]
    assert devs.members == ("alice", "dave")
    dave = model.principals[f"user:arn:aws:iam::{SOURCE}:user/dave"]
    assert [p.source for p in dave.identity] == ["arn:aws:iam::aws:policy/SecurityAudit"]
    carol = model.principals[f"user:arn:aws:iam::{SOURCE}:user/carol"]
    assert carol.identity[-1].source == "arn:aws:iam::aws:policy/SecurityAudit"
    question = Question("s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    assert [(p.principal.name, p.through) for p in who_can(model, question)] == [
        ("alice", ()),
        ("alice", (f"arn:aws:iam::{TARGET}:role/machine",)),
    ]


def test_an_iam_resource_type_the_model_does_not_read_is_refused(good: dict[str, Any]) -> None:
    plan = copy.deepcopy(good)
    added(plan, "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "x", "target", roleName="machine")
    assert refused(plan) == (
        f'the plan JSON of stack "utils": resources[{len(good["resources"])}] '
        '("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive" "x"): an IAM resource type the access '
        "model does not read; expected only users, roles, groups, policies, their attachments, inline policies and "
        "memberships, login profiles and the password policy" + TAIL
    )
