"""`make analyze`: the exact requests sent to IAM Access Analyzer for the documents a change adds
or changes (botocore's Stubber asserts each operation and its parameters, in order), how each of
AWS's verdicts is printed, and that nothing is sent when nothing changed or with --dry-run.

The review folder is what `make review` writes: the change's plan of the tests' walk-through
stack, and the base's plan of it in base/ (here: the same plan, before the test's edit)."""

from __future__ import annotations

import argparse
import copy
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tools.commands import analyze
from tools.commands.plan import plan_stack
from tools.render.plan import as_data

STACK = "utils"
PERMISSIONS = "access-policy-s3-list-role-role_permissions_policy"
ROLE = "access-role-s3-list-role"
SELF_SERVICE = "access-self-service"
PERMISSIONS_LABEL = (
    "policies/role_permissions_policy.json: managed policy s3-list-role-role_permissions_policy "
    "(access-policy-s3-list-role-role_permissions_policy.policy)"
)
TRUST_LABEL = "trust policy of role s3-list-role (access-role-s3-list-role.assumeRolePolicy)"
WIDER = '{"Version":"2012-10-17","Statement":[{"Sid":"ListAllBuckets","Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetObject"],"Resource":"*"}]}'


@pytest.fixture(scope="module")
def base_plan(walkthrough_project: Path) -> dict[str, Any]:
    return as_data(plan_stack(STACK, walkthrough_project))


@pytest.fixture(autouse=True)
def tests_own_project(walkthrough_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--project-dir defaults to the tests' own walk-through project, never the repository's stack files."""
    monkeypatch.setattr(analyze, "PROJECT_DIR", walkthrough_project)


def resource(plan: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in plan["resources"] if r["name"] == name)


def review_dir(tmp_path: Path, base: dict[str, Any], head: dict[str, Any]) -> Path:
    """The folder `make review` writes: OUT/<stack>.json, OUT/<stack>.md, OUT/base/<stack>.json."""
    out = tmp_path / "review"
    (out / "base").mkdir(parents=True)
    (out / f"{STACK}.json").write_text(json.dumps(head), encoding="utf-8")
    (out / f"{STACK}.md").write_text("the whole review\n", encoding="utf-8")
    (out / "base" / f"{STACK}.json").write_text(json.dumps(base), encoding="utf-8")
    return out


def args(folder: Path, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    analyze.add_arguments(parser)
    return parser.parse_args(["--review-dir", str(folder), *extra])


def stubbed(expect: Callable[[Stubber], None]) -> tuple[Any, Stubber]:
    client = boto3.client("accessanalyzer", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    stub = Stubber(client)
    expect(stub)
    stub.activate()
    return client, stub


def edited(base: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    head = copy.deepcopy(base)
    change(head)
    return head


def run(folder: Path, client: Any, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    code = analyze.run(args(folder, *extra), out=out, client=client)
    return code, out.getvalue()


def no_client_made(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: argparse.Namespace) -> Any:
        raise AssertionError("a client was made")

    monkeypatch.setattr(analyze, "_client", refuse)


def test_a_changed_permission_policy_and_trust_get_exactly_these_requests(tmp_path: Path, base_plan: dict[str, Any]) -> None:
    old_permissions = resource(base_plan, PERMISSIONS)["inputs"]["policy"]
    old_trust = resource(base_plan, ROLE)["inputs"]["assumeRolePolicy"]
    new_trust = old_trust.replace('"arn:aws:iam::111122223333:user/random_user"', '"arn:aws:iam::111122223333:root"')

    def change(head: dict[str, Any]) -> None:
        resource(head, PERMISSIONS)["inputs"]["policy"] = WIDER
        resource(head, ROLE)["inputs"]["assumeRolePolicy"] = new_trust

    def expect(stub: Stubber) -> None:
        stub.add_response("validate_policy", {"findings": []}, {"policyDocument": WIDER, "policyType": "IDENTITY_POLICY"})
        stub.add_response(
            "check_no_new_access",
            {
                "result": "FAIL",
                "message": "The modified permissions grant new access compared to your existing policy.",
                "reasons": [
                    {
                        "description": "New access in the statement with index: 0.",
                        "statementIndex": 0,
                        "statementId": "ListAllBuckets",
                    }
                ],
            },
            {"newPolicyDocument": WIDER, "existingPolicyDocument": old_permissions, "policyType": "IDENTITY_POLICY"},
        )
        stub.add_response(
            "validate_policy",
            {
                "findings": [
                    {
                        "findingDetails": "Granting access to an account root grants every principal of that account.",
                        "findingType": "SUGGESTION",
                        "issueCode": "ROOT_PRINCIPAL",
                        "learnMoreLink": "https://docs.aws.amazon.com/",
                        "locations": [
                            {
                                "path": [{"value": "Statement"}, {"index": 0}, {"value": "Principal"}],
                                "span": {
                                    "start": {"line": 0, "column": 0, "offset": 0},
                                    "end": {"line": 0, "column": 1, "offset": 1},
                                },
                            }
                        ],
                    }
                ]
            },
            {
                "policyDocument": new_trust,
                "policyType": "RESOURCE_POLICY",
                "validatePolicyResourceType": "AWS::IAM::AssumeRolePolicyDocument",
            },
        )
        stub.add_response(
            "check_no_new_access",
            {
                "result": "FAIL",
                "message": "New access.",
                "reasons": [{"description": "New access in the statement with index: 0.", "statementIndex": 0}],
            },
            {"newPolicyDocument": new_trust, "existingPolicyDocument": old_trust, "policyType": "RESOURCE_POLICY"},
        )

    client, stub = stubbed(expect)
    code, text = run(review_dir(tmp_path, base_plan, edited(base_plan, change)), client)
    stub.assert_no_pending_responses()
    assert code == 0  # new access is reported, not failed: widening may be the change's purpose
    assert text == (
        f"stack utils: {PERMISSIONS_LABEL}: ValidatePolicy no findings\n"
        f"stack utils: {PERMISSIONS_LABEL}: CheckNoNewAccess FAIL\n"
        "  The modified permissions grant new access compared to your existing policy.\n"
        "  Statement[0] (ListAllBuckets): New access in the statement with index: 0.\n"
        "  the review: widens\n"
        f"stack utils: {TRUST_LABEL}: ValidatePolicy SUGGESTION\n"
        "  SUGGESTION ROOT_PRINCIPAL at Statement[0].Principal: Granting access to an account root grants every principal of that account.\n"
        f"stack utils: {TRUST_LABEL}: CheckNoNewAccess FAIL\n"
        "  New access.\n"
        "  Statement[0]: New access in the statement with index: 0.\n"
        "  the review: widens, narrows\n"
        "4 request(s) for 2 changed document(s): 2 charged custom policy check(s) (CheckNoNewAccess, CheckAccessNotGranted), "
        "2 ValidatePolicy (no charge); docs/analyze.md\n"
    )


def test_nothing_changed_sends_no_request_and_makes_no_client(
    tmp_path: Path, base_plan: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_client_made(monkeypatch)
    code, text = run(review_dir(tmp_path, base_plan, base_plan), None)
    assert (code, text) == (0, "no policy document changed: no request sent to Access Analyzer\n")


def test_statements_only_reordered_are_not_a_change(
    tmp_path: Path, base_plan: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_client_made(monkeypatch)

    def reorder(head: dict[str, Any]) -> None:
        inputs = resource(head, SELF_SERVICE)["inputs"]
        document = json.loads(inputs["policy"])
        document["Statement"].reverse()
        inputs["policy"] = json.dumps(document, indent=2)

    code, text = run(review_dir(tmp_path, base_plan, edited(base_plan, reorder)), None)
    assert (code, text) == (0, "no policy document changed: no request sent to Access Analyzer\n")


def test_a_new_document_is_validated_and_checked_for_denied_access_not_compared(
    tmp_path: Path, base_plan: dict[str, Any]
) -> None:
    """A document the base does not have: nothing to compare with (no CheckNoNewAccess), the
    invariant's CheckAccessNotGranted; a FAIL there fails make analyze."""
    inline = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}'
    new = {
        "account": "target",
        "inputs": {"name": "break-glass", "policy": inline, "role": "s3-list-role"},
        "name": "access-inline-break-glass",
        "options": {},
        "provider": "access-target",
        "type": "aws:iam/rolePolicy:RolePolicy",
        "urn": "urn:pulumi:utils::cross-account-roles::crossaccount:iam:CrossAccountAccess$aws:iam/rolePolicy:RolePolicy::access-inline-break-glass",
    }
    label = "inline policy break-glass (access-inline-break-glass.policy)"

    def expect(stub: Stubber) -> None:
        stub.add_response("validate_policy", {"findings": []}, {"policyDocument": inline, "policyType": "IDENTITY_POLICY"})
        stub.add_response(
            "check_access_not_granted",
            {
                "result": "FAIL",
                "message": "The policy document grants access to perform one or more of the listed actions.",
                "reasons": [
                    {"description": "One or more of the listed actions in the statement with index: 0.", "statementIndex": 0}
                ],
            },
            {
                "policyDocument": inline,
                "access": [{"actions": ["iam:CreateUser", "iam:PassRole"], "resources": ["*"]}],
                "policyType": "IDENTITY_POLICY",
            },
        )

    client, stub = stubbed(expect)
    head = edited(base_plan, lambda h: h["resources"].append(new))
    code, text = run(
        review_dir(tmp_path, base_plan, head),
        client,
        "--deny-action",
        "iam:CreateUser",
        "--deny-action",
        "iam:PassRole",
        "--resource",
        "*",
    )
    stub.assert_no_pending_responses()
    assert code == 1
    assert text.splitlines()[:4] == [
        f"stack utils: {label}: ValidatePolicy no findings",
        f"stack utils: {label}: CheckAccessNotGranted (--deny-action/--resource) FAIL (fails make analyze)",
        "  The policy document grants access to perform one or more of the listed actions.",
        "  Statement[0]: One or more of the listed actions in the statement with index: 0.",
    ]


def test_an_error_finding_fails_and_aws_text_is_escaped(tmp_path: Path, base_plan: dict[str, Any]) -> None:
    def expect(stub: Stubber) -> None:
        stub.add_response(
            "validate_policy",
            {
                "findings": [
                    {
                        "findingDetails": "bad\nline \u202ereversed",
                        "findingType": "ERROR",
                        "issueCode": "MISSING_VERSION",
                        "learnMoreLink": "x",
                        "locations": [],
                    }
                ]
            },
            {"policyDocument": WIDER, "policyType": "IDENTITY_POLICY"},
        )
        stub.add_response(
            "check_no_new_access",
            {"result": "PASS", "message": "The modified permissions do not grant new access.", "reasons": []},
            {
                "newPolicyDocument": WIDER,
                "existingPolicyDocument": resource(base_plan, PERMISSIONS)["inputs"]["policy"],
                "policyType": "IDENTITY_POLICY",
            },
        )

    client, stub = stubbed(expect)
    head = edited(base_plan, lambda h: resource(h, PERMISSIONS)["inputs"].update(policy=WIDER))
    code, text = run(review_dir(tmp_path, base_plan, head), client)
    stub.assert_no_pending_responses()
    assert code == 1
    assert text.splitlines()[:5] == [
        f"stack utils: {PERMISSIONS_LABEL}: ValidatePolicy ERROR (fails make analyze)",
        "  ERROR MISSING_VERSION: bad\\nline \\u202ereversed",
        f"stack utils: {PERMISSIONS_LABEL}: CheckNoNewAccess PASS",
        "  The modified permissions do not grant new access.",
        "  the review: widens; AWS finds no new access where the review shows widening: read both",
    ]


def test_dry_run_prints_every_request_and_sends_none(
    tmp_path: Path, base_plan: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    no_client_made(monkeypatch)
    old = resource(base_plan, PERMISSIONS)["inputs"]["policy"]
    head = edited(base_plan, lambda h: resource(h, PERMISSIONS)["inputs"].update(policy=WIDER))
    code, text = run(review_dir(tmp_path, base_plan, head), None, "--dry-run", "--format", "json")
    assert code == 0
    assert json.loads(text) == {
        "dryRun": True,
        "requests": [
            {
                "stack": "utils",
                "document": PERMISSIONS_LABEL,
                "operation": "ValidatePolicy",
                "checks": None,
                "parameters": {"policyDocument": WIDER, "policyType": "IDENTITY_POLICY"},
            },
            {
                "stack": "utils",
                "document": PERMISSIONS_LABEL,
                "operation": "CheckNoNewAccess",
                "checks": None,
                "parameters": {"newPolicyDocument": WIDER, "existingPolicyDocument": old, "policyType": "IDENTITY_POLICY"},
            },
        ],
    }
    code, text = run(review_dir(tmp_path / "text", base_plan, head), None, "--dry-run")
    assert text.startswith(f"would send ValidatePolicy for stack utils: {PERMISSIONS_LABEL}\n{{\n")
    assert text.endswith(
        "dry run: 2 request(s) for 1 changed document(s): 1 charged custom policy check(s) (CheckNoNewAccess, "
        "CheckAccessNotGranted), 1 ValidatePolicy (no charge); docs/analyze.md; nothing was sent\n"
    )


def test_a_call_aws_refuses_is_one_error(tmp_path: Path, base_plan: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    def expect(stub: Stubber) -> None:
        stub.add_client_error(
            "validate_policy", "AccessDeniedException", "not authorized to perform: access-analyzer:ValidatePolicy", 403
        )

    client, _ = stubbed(expect)
    head = edited(base_plan, lambda h: resource(h, PERMISSIONS)["inputs"].update(policy=WIDER))
    code, text = run(review_dir(tmp_path, base_plan, head), client)
    assert (code, text) == (2, "")
    assert capsys.readouterr().err == (
        f"error: Access Analyzer ValidatePolicy for {PERMISSIONS_LABEL}: An error occurred (AccessDeniedException) when calling "
        "the ValidatePolicy operation: not authorized to perform: access-analyzer:ValidatePolicy (0 of 2 requests answered)\n"
    )


def test_more_actions_than_the_check_takes(tmp_path: Path, base_plan: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    many = [a for i in range(101) for a in ("--deny-action", f"s3:Action{i}")]
    code, _ = run(review_dir(tmp_path, base_plan, base_plan), None, *many)
    assert code == 2
    assert capsys.readouterr().err == "error: --deny-action: 101 given; expected at most 100 (CheckAccessNotGranted's limit)\n"


def test_a_folder_make_review_did_not_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(tmp_path / "nowhere", None)
    assert code == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'nowhere'}: not a folder; expected the folder plan --artifact wrote\n"


def test_each_denied_access_is_one_check_per_changed_document() -> None:
    """The hook for access invariants: each `Denied` is one CheckAccessNotGranted, named by where it comes from."""
    document = analyze.Document(
        "prod", "trust policy of role r (access-role-r.assumeRolePolicy)", "RESOURCE_POLICY", True, "{}", "{ }"
    )
    denied = [
        analyze.Denied("invariant no-iam-in-prod", ("iam:*",)),
        analyze.Denied("invariant bucket", resources=("arn:aws:s3:::prod-*",)),
    ]
    calls = list(analyze.calls_for(document, denied))
    assert [(c.title, c.parameters) for c in calls] == [
        (
            "ValidatePolicy",
            {
                "policyDocument": "{}",
                "policyType": "RESOURCE_POLICY",
                "validatePolicyResourceType": "AWS::IAM::AssumeRolePolicyDocument",
            },
        ),
        ("CheckNoNewAccess", {"newPolicyDocument": "{}", "existingPolicyDocument": "{ }", "policyType": "RESOURCE_POLICY"}),
        (
            "CheckAccessNotGranted (invariant no-iam-in-prod)",
            {"policyDocument": "{}", "access": [{"actions": ["iam:*"]}], "policyType": "RESOURCE_POLICY"},
        ),
        (
            "CheckAccessNotGranted (invariant bucket)",
            {"policyDocument": "{}", "access": [{"resources": ["arn:aws:s3:::prod-*"]}], "policyType": "RESOURCE_POLICY"},
        ),
    ]


def test_python_m_tools_analyze_dry_run(tmp_path: Path, base_plan: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    """The command line: `python -m tools analyze --review-dir DIR --dry-run` (what make analyze DRY_RUN=1 runs)."""
    from tools.__main__ import main

    head = edited(base_plan, lambda h: resource(h, PERMISSIONS)["inputs"].update(policy=WIDER))
    assert main(["analyze", "--review-dir", str(review_dir(tmp_path, base_plan, head)), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("would send ") == 2
    assert out.endswith("; nothing was sent\n")


def test_aws_finding_new_access_the_review_does_not_show_is_said(tmp_path: Path, base_plan: dict[str, Any]) -> None:
    """A narrowing change (the base grants s3:GetObject too, the change does not): the review says
    narrows; were AWS to answer FAIL, the two verdicts are printed side by side, flagged."""
    narrower = resource(base_plan, PERMISSIONS)["inputs"]["policy"]
    base = edited(base_plan, lambda b: resource(b, PERMISSIONS)["inputs"].update(policy=WIDER))

    def expect(stub: Stubber) -> None:
        stub.add_response("validate_policy", {"findings": []}, {"policyDocument": narrower, "policyType": "IDENTITY_POLICY"})
        stub.add_response(
            "check_no_new_access",
            {"result": "FAIL", "message": "New access.", "reasons": []},
            {"newPolicyDocument": narrower, "existingPolicyDocument": WIDER, "policyType": "IDENTITY_POLICY"},
        )

    client, stub = stubbed(expect)
    code, text = run(review_dir(tmp_path, base, base_plan), client)
    stub.assert_no_pending_responses()
    assert code == 0
    assert text.splitlines()[1:4] == [
        f"stack utils: {PERMISSIONS_LABEL}: CheckNoNewAccess FAIL",
        "  New access.",
        "  the review: narrows; AWS finds new access the review does not show: read both",
    ]


NO_IAM_ADMIN = """  cross-account-roles:accessInvariants:
    - name: no-iam-admin
      action: "iam:*"
      resource: "*"
      allow: none
    - name: only-random-lists
      action: s3:ListAllMyBuckets
      resource: "*"
      allow: [random_user]
"""


def test_a_stacks_invariant_that_no_one_may_reach_is_checked_in_each_changed_document(
    tmp_path: Path, walkthrough_project: Path, base_plan: dict[str, Any]
) -> None:
    """`allow: none` (no one reaches iam:*): one CheckAccessNotGranted per changed document of the
    stack, named by the invariant; an invariant naming who may reach it is check's to judge, not sent."""
    project = tmp_path / "project"
    shutil.copytree(walkthrough_project, project)
    with (project / "Pulumi.utils.yaml").open("a", encoding="utf-8") as stack_file:
        stack_file.write(NO_IAM_ADMIN)
    old = resource(base_plan, PERMISSIONS)["inputs"]["policy"]

    def expect(stub: Stubber) -> None:
        stub.add_response("validate_policy", {"findings": []}, {"policyDocument": WIDER, "policyType": "IDENTITY_POLICY"})
        stub.add_response(
            "check_no_new_access",
            {"result": "FAIL", "message": "New access.", "reasons": []},
            {"newPolicyDocument": WIDER, "existingPolicyDocument": old, "policyType": "IDENTITY_POLICY"},
        )
        stub.add_response(
            "check_access_not_granted",
            {
                "result": "PASS",
                "message": "The policy document does not grant access to perform the listed actions.",
                "reasons": [],
            },
            {"policyDocument": WIDER, "access": [{"actions": ["iam:*"]}], "policyType": "IDENTITY_POLICY"},
        )

    client, stub = stubbed(expect)
    head = edited(base_plan, lambda h: resource(h, PERMISSIONS)["inputs"].update(policy=WIDER))
    code, text = run(review_dir(tmp_path, base_plan, head), client, "--project-dir", str(project))
    stub.assert_no_pending_responses()
    assert code == 0
    assert text.splitlines()[4:6] == [
        f"stack utils: {PERMISSIONS_LABEL}: CheckAccessNotGranted (invariant no-iam-admin of Pulumi.utils.yaml) PASS",
        "  The policy document does not grant access to perform the listed actions.",
    ]

    code, text = run(
        review_dir(tmp_path / "again", base_plan, head), None, "--project-dir", str(project), "--no-invariants", "--dry-run"
    )
    assert "would send CheckAccessNotGranted" not in text
    assert text.count("would send ") == 2
