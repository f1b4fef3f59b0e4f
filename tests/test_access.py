"""The access model (crossaccount/access/model.py) and its commands, `can` and `who-can`, on
stacks of the tests' own: exact answers (the role ARNs in "through", the deciding statements
with their file or key and index), MFA and ExternalId contexts, access through a group, a Deny
in a permissions boundary, role chaining, the organisation's SCPs and RCPs, hostile input.

Cross-account trust and MFA context are what moto does not evaluate: the expected answers follow
AWS's documented evaluation (IAM User Guide, "Policy evaluation logic" and "Cross-account policy
evaluation logic"; "Permissions boundaries for IAM entities": an action must be allowed by both
the identity policy and the boundary, and an explicit Deny in either wins).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossaccount.access.evaluate import evaluate
from crossaccount.access.model import AccessModel, Asker, Question, build_model, can, merge_context, witness
from crossaccount.access.principals import Principal, find
from crossaccount.access.types import Caller, Request
from crossaccount.errors import SettingsError
from crossaccount.pipeline import Checked, check_organisation
from tests.organisation_folder import example
from tools.__main__ import main

SOURCE, PROD, STAGING = "111122223333", "444455556666", "777788889999"
PROD_ROLE = f"arn:aws:iam::{PROD}:role/s3-list-role"
STAGING_ROLE = f"arn:aws:iam::{STAGING}:role/s3-artifacts-read"
USER_POLICY = "Pulumi.utils.yaml cross-account-roles:users.random_user (policy random_user-assume-roles-utils)"
SELF_SERVICE = "Pulumi.utils.yaml cross-account-roles:selfService (policy self-service-credentials-utils)"

DELETE_PROD = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "DeleteProdBuckets", "Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::prod-*"}
    ],
}
BOUNDARY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "UpToBuckets", "Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::prod-*"},
        {"Sid": "NeverTheCriticalOne", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::prod-critical"},
    ],
}
ASSUME_NEXT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "HopToDeleter", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{PROD}:role/deleter"}
    ],
}


def run(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> tuple[int, str, str]:
    code = main([*args, "--project-dir", str(project)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def answer(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, project, *args, "--format", "json")
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def write(project: Path, **stacks: dict[str, Any]) -> None:
    for old in project.glob("Pulumi.*.yaml"):
        old.unlink()
    for name, values in stacks.items():
        config = {f"cross-account-roles:{k}": v for k, v in values.items()}
        (project / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}), encoding="utf-8")


def people(**extra: Any) -> dict[str, Any]:
    """alice reaches prod-read and the bounded deleter; bob the vendor role (ExternalId, no MFA
    condition of its own) and boundary-holder (whose policy is deleter's boundary); carol,
    through group breakglass, the break-glass role."""
    return {
        "target": {"accountId": PROD, "region": "eu-north-1"},
        "users": {"alice": {}, "bob": {}, "carol": {}},
        "groups": {"breakglass": {"members": ["carol"]}},
        "roles": {
            "prod-read": {"trustedUsers": ["alice"], "policyFiles": ["role_permissions_policy.json"]},
            "boundary-holder": {"trustedUsers": ["bob"], "policyFiles": ["boundary.json"]},
            "deleter": {
                "trustedUsers": ["alice"],
                "policyFiles": ["delete_prod.json"],
                "permissionsBoundary": f"arn:aws:iam::{PROD}:policy/boundary-holder-boundary",
            },
            "vendor": {
                "trustedUsers": ["bob"],
                "externalId": "vendor-7731",
                "requireMfa": False,
                "policyFiles": ["role_permissions_policy.json"],
            },
            "glass": {"trustedGroups": ["breakglass"], "policyFiles": ["delete_prod.json"]},
        },
        **extra,
    }


@pytest.fixture
def project(program_of_its_own: Path, tmp_path: Path) -> Path:
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    for name, document in (("delete_prod.json", DELETE_PROD), ("boundary.json", BOUNDARY), ("assume_next.json", ASSUME_NEXT)):
        (tmp_path / "policies" / name).write_text(json.dumps(document), encoding="utf-8")
    write(tmp_path, people=people())
    return tmp_path


def model_of(project: Path) -> AccessModel:
    results = check_organisation(project)
    assert all(isinstance(r, Checked) for r in results.values()), results
    return build_model({s: r.plan for s, r in results.items() if isinstance(r, Checked)})


# --- the fixture project: the walk-through and staging --------------------------------------------


def test_can_names_both_roles_and_the_exact_statements_of_each_path(
    fixture_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = answer(capsys, fixture_project, "can", "random_user", "s3:ListAllMyBuckets", "*")
    assert result["decision"] == "allowed"
    assert result["through"] == [PROD_ROLE, STAGING_ROLE]
    by_role = {p["through"][0]: p for p in result["paths"]}
    assert [(b["source"], b["statement"], b["sid"]) for b in by_role[PROD_ROLE]["because"]] == [
        (USER_POLICY, 0, "AssumeCrossAccountRoles"),
        ("Pulumi.utils.yaml cross-account-roles:roles.s3-list-role (trust policy)", 0, "TrustSourceUsers"),
        ("policies/role_permissions_policy.json", 0, "ListAllBuckets"),
    ]
    assert [(b["source"], b["statement"]) for b in by_role[STAGING_ROLE]["because"]] == [
        (USER_POLICY, 0),
        ("Pulumi.staging.yaml cross-account-roles:roles.s3-artifacts-read (trust policy)", 0),
        ("policies/staging_artifacts_read.json", 0),
    ]
    assert {p["withoutMfa"] for p in result["paths"]} == {"denied"}
    assert result["notes"] == ["SCPs and RCPs were not considered (give --organisation DIR: docs/organisation-policies.md)"]


def test_can_text_is_the_documented_answer(fixture_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, fixture_project, "can", "random_user", "s3:GetObject", "arn:aws:s3:::example-staging-artifacts/build.zip"
    )
    assert code == 0
    assert out == (
        "random_user s3:GetObject on arn:aws:s3:::example-staging-artifacts/build.zip: allowed\n"
        f"  through {STAGING_ROLE}: allowed; denied without MFA\n"
        "    conditions: MFA\n"
        f"    Allow {USER_POLICY} Statement[0] (AssumeCrossAccountRoles)\n"
        "    Allow Pulumi.staging.yaml cross-account-roles:roles.s3-artifacts-read (trust policy) Statement[0] (TrustSourceUsers)\n"
        "    Allow policies/staging_artifacts_read.json Statement[2] (ReadTheArtifacts)\n"
        "context: aws:MultiFactorAuthPresent=true, aws:MultiFactorAuthAge=0, aws:SecureTransport=true and each "
        "principal's own keys (aws:PrincipalArn, aws:username, tags); each path also says whether it holds without MFA\n"
        "SCPs and RCPs were not considered (give --organisation DIR: docs/organisation-policies.md)\n"
    )


def test_without_mfa_the_self_service_deny_decides(fixture_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = answer(
        capsys, fixture_project, "can", "random_user", "s3:ListAllMyBuckets", "*", "--context", "aws:MultiFactorAuthPresent=false"
    )
    assert result["decision"] == "denied"
    assert result["through"] == []
    assert result["because"] == [
        {"effect": "Deny", "kind": "identity", "sid": "DenyAllExceptListedIfNoMFA", "source": SELF_SERVICE, "statement": 6}
    ]
    assert [p["withoutMfa"] for p in result["paths"]] == [None, None]


def test_expect_exits_1_when_the_answer_differs(fixture_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, fixture_project, "can", "random_user", "s3:ListAllMyBuckets", "*", "--expect", "allow")[0] == 0
    code, _, err = run(capsys, fixture_project, "can", "random_user", "s3:DeleteBucket", "arn:aws:s3:::x", "--expect", "allow")
    assert code == 1
    assert "expected allow, the answer is denied" in err


def test_stack_keeps_the_paths_that_end_in_that_stack(fixture_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = answer(capsys, fixture_project, "can", "random_user", "s3:ListAllMyBuckets", "*", "--stack", "staging")
    assert result["through"] == [STAGING_ROLE]


def test_who_can_lists_the_person_through_the_one_role_that_reads_artifacts(
    fixture_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = answer(capsys, fixture_project, "who-can", "s3:GetObject", "arn:aws:s3:::example-staging-artifacts/*")
    assert result["principals"] == ["random_user"]
    assert [p["through"] for p in result["paths"]] == [[STAGING_ROLE]]
    assert result["paths"][0]["because"][-1] == {
        "effect": "Allow",
        "kind": "identity",
        "sid": "ReadTheArtifacts",
        "source": "policies/staging_artifacts_read.json",
        "statement": 2,
    }


def test_two_runs_print_the_same_bytes(fixture_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys, fixture_project, "who-can", "s3:*", "*", "--format", "json")
    assert run(capsys, fixture_project, "who-can", "s3:*", "*", "--format", "json") == first


def test_the_organisations_rcp_denies_a_principal_from_outside_it(
    fixture_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = example().write(tmp_path / "org")
    inside = answer(
        capsys,
        fixture_project,
        "can",
        "random_user",
        "s3:ListAllMyBuckets",
        "*",
        "--stack",
        "utils",
        "--organisation",
        str(folder),
    )
    assert inside["decision"] == "allowed"
    assert inside["notes"] == []
    outside = answer(
        capsys,
        fixture_project,
        "can",
        "random_user",
        "s3:ListAllMyBuckets",
        "*",
        "--stack",
        "utils",
        "--organisation",
        str(folder),
        "--context",
        "aws:PrincipalOrgID=o-someoneelse",
    )
    assert outside["decision"] == "denied"
    assert [(b["kind"], b["effect"], b["sid"]) for b in outside["because"]] == [("rcp", "Deny", "OnlyOurOrg")]


# --- a project of its own: groups, boundaries, ExternalId, chaining -------------------------------


def test_a_group_member_reaches_the_role_through_the_groups_policy(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = answer(capsys, project, "can", "carol", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    assert result["decision"] == "allowed"
    assert result["through"] == [f"arn:aws:iam::{PROD}:role/glass"]
    assert result["because"][0]["source"] == (
        "Pulumi.people.yaml cross-account-roles:groups.breakglass (policy breakglass-group-assume-roles-people)"
    )
    group = answer(capsys, project, "can", "group:BreakGlass", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    assert group["principal"] == "group:breakglass"
    assert [p["principal"] for p in group["paths"]] == ["carol"]


def test_a_deny_in_the_permissions_boundary_decides(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    denied = answer(capsys, project, "can", "alice", "s3:DeleteBucket", "arn:aws:s3:::prod-critical")
    assert denied["decision"] == "denied"
    assert denied["because"] == [
        {"effect": "Deny", "kind": "boundary", "sid": "NeverTheCriticalOne", "source": "policies/boundary.json", "statement": 1}
    ]
    allowed = answer(capsys, project, "can", "alice", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    assert allowed["through"] == [f"arn:aws:iam::{PROD}:role/deleter"]
    assert [(b["kind"], b["source"], b["statement"]) for b in allowed["because"]][-2:] == [
        ("identity", "policies/delete_prod.json", 0),
        ("boundary", "policies/boundary.json", 0),
    ]


def test_external_id_is_a_condition_and_a_wrong_one_is_denied_by_the_trust(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = answer(capsys, project, "can", "bob", "s3:ListAllMyBuckets", "*")
    (path,) = result["paths"]
    assert path["through"] == [f"arn:aws:iam::{PROD}:role/vendor"]
    assert path["conditions"] == ["MFA", "sts:ExternalId vendor-7731 (vendor)"]
    assert path["withoutMfa"] == "denied"  # requireMfa: false, but bob's self-service policy enforces MFA
    wrong = answer(capsys, project, "can", "bob", "s3:ListAllMyBuckets", "*", "--context", "sts:ExternalId=guess")
    assert wrong["decision"] == "denied"
    (vendor,) = [p for p in wrong["paths"] if p["through"] == [f"arn:aws:iam::{PROD}:role/vendor"]]
    assert vendor["steps"][0]["reason"].startswith("no Allow in the resource policy")


def test_role_chaining_is_a_path(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """bob assumes hopper (a role of the source account, in a roles-only stack), whose session
    may assume deleter, which trusts hopper (`trustedRoles`)."""
    stacks = people()
    stacks["roles"]["deleter"]["trustedRoles"] = [f"arn:aws:iam::{SOURCE}:role/hopper"]
    hub = {
        "target": {"accountId": SOURCE, "region": "eu-north-1"},
        "roles": {"hopper": {"trustedUsers": ["bob"], "policyFiles": ["assume_next.json"]}},
    }
    write(project, people=stacks, hub=hub)
    result = answer(capsys, project, "can", "bob", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    (chain,) = [p for p in result["paths"] if len(p["through"]) == 2]
    assert chain["through"] == [f"arn:aws:iam::{SOURCE}:role/hopper", f"arn:aws:iam::{PROD}:role/deleter"]
    sources = [(b["source"], b["statement"]) for b in chain["because"]]
    assert ("policies/assume_next.json", 0) in sources
    assert ("Pulumi.people.yaml cross-account-roles:roles.deleter (trust policy)", 1) in sources


def test_who_can_delete_prod_buckets_names_each_person_and_role(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = answer(capsys, project, "who-can", "s3:DeleteBucket", "arn:aws:s3:::prod-*")
    assert [(p["principal"], p["through"]) for p in result["paths"]] == [
        ("alice", [f"arn:aws:iam::{PROD}:role/deleter"]),
        ("bob", [f"arn:aws:iam::{PROD}:role/boundary-holder"]),
        ("carol", [f"arn:aws:iam::{PROD}:role/glass"]),
    ]


def test_the_model_is_built_once_and_answers_many_questions(project: Path) -> None:
    model = model_of(project)
    alice = find(model.principals, "alice")
    first = can(model, alice, Question("s3:DeleteBucket", "arn:aws:s3:::prod-logs"))
    second = can(model, alice, Question("s3:DeleteBucket", "arn:aws:s3:::prod-critical"))
    assert (first.allowed, second.allowed) == (True, False)


def test_permission_sets_and_providers_are_principals_with_what_the_trust_pins(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A permission set's role (the trust's ArnLike pattern, the suffix as zeros), a SAML and an
    OIDC provider of the target account: each reaches the role, the answer names what is taken
    on trust (identity-center.md)."""
    stacks = people()
    oidc = f"arn:aws:iam::{PROD}:oidc-provider/token.actions.githubusercontent.com"
    saml = f"arn:aws:iam::{PROD}:saml-provider/Okta"
    stacks["roles"]["prod-read"].update(
        trustedPermissionSets=["ReadOnly"],
        ssoRegion="eu-west-1",
        ssoStartUrl="https://acme.awsapps.com/start",
        trustedSamlProviders=[saml],
        trustedOidcProviders=[{"arn": oidc, "audience": "sts.amazonaws.com", "subject": "repo:acme/app:ref:refs/heads/main"}],
    )
    write(project, people=stacks)
    result = answer(capsys, project, "who-can", "s3:ListAllMyBuckets", "*")
    read = f"arn:aws:iam::{PROD}:role/prod-read"
    rows = {p["principal"]: p for p in result["paths"] if p["through"] == [read]}
    assert sorted(rows) == ["alice", f"oidc:{oidc}", "permission-set:ReadOnly", f"saml:{saml}"]
    assert rows[f"oidc:{oidc}"]["conditions"] == [
        "token token.actions.githubusercontent.com:aud = sts.amazonaws.com (prod-read)",
        "token token.actions.githubusercontent.com:sub = repo:acme/app:ref:refs/heads/main (prod-read)",
    ]
    assert rows["permission-set:ReadOnly"]["principalArn"] == (
        f"arn:aws:iam::{SOURCE}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_0000000000000000"
    )
    assert rows["permission-set:ReadOnly"]["withoutMfa"] == "allowed"  # Identity Center enforces MFA at sign-in
    assert rows["permission-set:ReadOnly"]["notes"][0].startswith("permission set ReadOnly: its role is ")


def test_a_secret_external_id_is_never_printed(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stacks = people()
    stacks["roles"]["vendor"]["externalId"] = {"secure": "v1:c2VjcmV0LWNpcGhlcnRleHQ="}
    write(project, people=stacks)
    code, out, _ = run(capsys, project, "can", "bob", "s3:ListAllMyBuckets", "*")
    assert code == 0
    assert "conditions: MFA; sts:ExternalId [secret] (vendor)" in out
    assert "c2VjcmV0" not in out
    assert "c2VjcmV0" not in run(capsys, project, "who-can", "s3:ListAllMyBuckets", "*", "--format", "json")[1]


# --- hostile input -------------------------------------------------------------------------------


def test_a_name_in_another_case_is_the_same_iam_user(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = answer(capsys, project, "can", "ALICE", "s3:DeleteBucket", "arn:aws:s3:::prod-logs")
    assert result["principal"] == "alice"
    assert result["principalArn"] == f"arn:aws:iam::{SOURCE}:user/alice"


def principal(name: str) -> Principal:
    arn = f"arn:aws:iam::{SOURCE}:user/{name}"
    return Principal("user", name, arn, SOURCE, Caller("AWS", arn, None, SOURCE), "sts:AssumeRole", where=f"Pulumi.{name}.yaml")


def test_two_principals_whose_names_differ_only_by_case_are_refused_as_ambiguous() -> None:
    principals = {"user:a": principal("Alice"), "user:b": principal("alice")}
    with pytest.raises(SettingsError) as caught:
        find(principals, "ALICE")
    assert caught.value.problems == [
        'principal "ALICE" matches 2 principals whose names differ only by case: Alice (Pulumi.Alice.yaml), '
        "alice (Pulumi.alice.yaml); IAM treats them as one name"
    ]


@pytest.mark.parametrize("given", ["*", "ali*", "group:break?lass", "arn:aws:iam::111122223333:user/*"])
def test_a_wildcard_principal_is_refused_and_who_can_is_named(
    project: Path, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    code, out, err = run(capsys, project, "can", given, "s3:DeleteBucket", "*")
    assert (code, out) == (2, "")
    assert f"principal {json.dumps(given)} holds a wildcard (* or ?); expected one principal" in err
    assert "python -m tools who-can ACTION RESOURCE" in err


def test_a_control_character_in_a_principal_is_shown_escaped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, project, "can", "al\x1b[2Jice", "s3:DeleteBucket", "*")
    assert code == 2
    assert '"al\\u001b[2Jice"' in err
    assert "\x1b" not in err


def test_a_bad_context_is_one_clear_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, project, "can", "alice", "s3:DeleteBucket", "*", "--context", "MultiFactor", "--context", "a b=c")
    assert code == 2
    assert '--context "MultiFactor": expected KEY=VALUE with a condition key as IAM names it' in err
    assert '--context "a b=c": expected KEY=VALUE' in err


def test_an_unknown_principal_names_the_known_ones(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, project, "can", "mallory", "s3:DeleteBucket", "*")
    assert code == 2
    assert 'principal "mallory": no user of that name in the project\'s stacks (known: alice, bob, carol)' in err


def test_a_stack_the_settings_refuse_stops_the_model(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Pulumi.broken.yaml").write_text("config:\n  cross-account-roles:roles: 3\n", encoding="utf-8")
    code, out, err = run(capsys, project, "who-can", "s3:DeleteBucket", "*")
    assert (code, out) == (2, "")
    assert "Pulumi.broken.yaml: " in err


def test_witness_is_a_string_both_patterns_match() -> None:
    assert witness("arn:aws:s3:::prod-*", "arn:aws:s3:::*-logs") == "arn:aws:s3:::prod-logs"
    assert witness("iam:Get*", "iam:*User", ignore_case=True) == "iam:GetUser"
    assert witness("s3:Get*", "s3:Put*") is None


def test_the_examples_of_docs_access_md_are_the_commands_real_output(
    fixture_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "access.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n\$ python -m tools ((?:can|who-can) [^\n]*)\n(.*?)```", page, re.DOTALL)
    assert len(blocks) == 3
    for command, shown in blocks:
        code, out, _ = run(capsys, fixture_project, *shlex.split(command))
        assert (code, out) == (0, shown), command


@pytest.mark.parametrize("mfa", [True, False])
def test_narrowing_a_persons_policies_never_changes_a_decision(project: Path, mfa: bool) -> None:
    """Every (person, role) AssumeRole request: the narrowed identity policies (`_narrowed`) and
    the policies as deployed give the same decision, by the same statements."""
    model = model_of(project)
    asker = Asker(model, Question("s3:DeleteBucket", "arn:aws:s3:::prod-logs"))
    people = [p for p in model.principals.values() if p.kind == "user"]
    compared = 0
    for person in people:
        for role in model.roles.values():
            narrowed = asker.assume(person, role, mfa).decision
            external = role.external_id
            context = merge_context(asker.base(mfa), person.context, {"sts:ExternalId": (external,)} if external else {})
            request = Request(person.caller, "sts:AssumeRole", role.arn, role.account, context)
            whole = evaluate(request, identity=person.identity, resource=(role.trust,))
            assert (narrowed.allowed, narrowed.because) == (whole.allowed, whole.because), (person.name, role.name)
            compared += 1
    assert compared == 3 * 5
