"""`make plan FORMAT=markdown --against <base plan JSON>`: what changed, widened access first.

Invariant: reordering (statements, list elements, a string for a list of one, action case) is
never a change; every gained principal, action, resource, or dropped condition is listed as
widened access; a change that only narrows access says so; an input the provider cannot
update in place is a replacement.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tests.test_plan import run_cli
from tools.offline import mocks
from tools.offline.mocks import run_program
from tools.render import plan as plan_render
from tools.render.plan_diff import AccessChange, diff_plans, document_changes
from tools.render.plan_file import load_plan
from tools.render.review import render_review

ROLE_ARN = f"arn:aws:iam::{TARGET}:role/s3-list-role"
TRUST = "trust policy of role s3-list-role"


def plan_of(raw: dict[str, Any], project: Path | None = None) -> dict[str, Any]:
    program = project / "__main__.py" if project else mocks.DEFAULT_PROGRAM[0]
    return plan_render.as_data(run_program("utils", raw, program_path=program))


def _reorder(document: Any) -> Any:
    """The same document written differently: statements and lists reversed, a string where a
    list of one was, action names and condition keys in another case."""
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    out = []
    for original in reversed(statements):
        s = dict(reversed(list(original.items())))
        for key in ("Action", "Resource"):
            if isinstance(s.get(key), str):
                s[key] = [s[key]]
            elif isinstance(s.get(key), list):
                s[key] = list(reversed(s[key]))
        if "Action" in s:
            s["Action"] = [a.upper() if i % 2 else a for i, a in enumerate(s["Action"])]
        if isinstance(s.get("Condition"), dict):  # condition keys in another case, values as lists
            s["Condition"] = {
                op: {k.lower(): v if isinstance(v, list) else [v] for k, v in block.items()}
                for op, block in s["Condition"].items()
            }
        if isinstance(s.get("Principal"), dict):
            s["Principal"] = {k: list(reversed(v)) if isinstance(v, list) else [v] for k, v in s["Principal"].items()}
        out.append(s)
    return {"Statement": out, "Version": document["Version"]}


def two_users() -> dict[str, Any]:
    raw = walkthrough_settings()
    raw["users"]["bob"] = {}
    raw["roles"]["s3-list-role"]["trustedUsers"] = ["random_user", "bob"]
    return raw


def test_reordering_every_document_is_not_a_change() -> None:
    base = plan_of(two_users())
    head = copy.deepcopy(base)
    head["resources"].reverse()
    for r in head["resources"]:
        for key in ("assumeRolePolicy", "policy"):
            if key in r["inputs"]:
                r["inputs"][key] = json.dumps(_reorder(json.loads(r["inputs"][key])))
    assert head != base
    diff = diff_plans(base, head)
    assert diff.resources == ()
    assert diff.access == ()
    assert "No change: the same resources and documents as the base plan (reordering is not a change)." in render_review(
        head, base
    )


def test_a_new_trusted_user_and_a_dropped_mfa_condition_come_first_as_widened_access() -> None:
    base = plan_of(walkthrough_settings())
    raw = two_users()
    raw["roles"]["s3-list-role"]["requireMfa"] = False
    head = plan_of(raw)
    diff = diff_plans(base, head)
    assert diff.of("widens") == [
        AccessChange(
            "widens",
            "assume-role policy bob-assume-roles-utils",
            f"new statement: Allow sts:AssumeRole on {ROLE_ARN}",
        ),
        AccessChange(
            "widens",
            "assume-role policy random_user-assume-roles-utils",
            "statement AssumeCrossAccountRoles drops condition Bool aws:MultiFactorAuthPresent true: MFA is no longer required",
        ),
        AccessChange("widens", TRUST, f"statement TrustSourceUsers gains principal arn:aws:iam::{SOURCE}:user/bob"),
        AccessChange(
            "widens",
            TRUST,
            "statement TrustSourceUsers drops condition Bool aws:MultiFactorAuthPresent true: MFA is no longer required",
        ),
        AccessChange("widens", "user bob", f"policy arn:aws:iam::{SOURCE}:policy/bob-assume-roles-utils attached"),
        # a user the stack creates gets the self-service policy (own credentials, MFA enforced)
        AccessChange("widens", "user bob", f"policy arn:aws:iam::{SOURCE}:policy/self-service-credentials-utils attached"),
    ]
    assert diff.of("narrows") == []
    text = render_review(head, base)
    # Who gains access is the first thing after the heading (bob may now assume the role; AWS still
    # requires MFA of random_user: the self-service policy's Deny), then the documents' widened
    # access, before the access table.
    changes = text.split("#### What changed against the base plan (stack `utils`)\n\n", 1)[1]
    assert changes.startswith("##### Who gains or loses access (2)\n\n- :warning: widens: **user bob**, role `s3-list-role`")
    who = changes.split("\n\n", 2)[2]
    assert who.startswith("##### :warning: Widened access (6)\n\n- **assume-role policy bob-assume-roles-utils**:")
    assert text.index("Widened access") < text.index("#### Who may assume what")
    assert "| add | source | `aws:iam/user:User` | `bob` |  |" in text


def test_removing_a_user_only_narrows_and_says_so() -> None:
    base = plan_of(two_users())
    head = plan_of(walkthrough_settings())
    diff = diff_plans(base, head)
    assert diff.of("widens") == []
    assert diff.only_narrows
    assert AccessChange("narrows", TRUST, f"statement TrustSourceUsers loses principal arn:aws:iam::{SOURCE}:user/bob") in (
        diff.access
    )
    text = render_review(head, base)
    assert "**This change only narrows access.**" in text
    assert "Widened access" not in text
    # retained: the engine forgets the user, who stays in AWS (docs/people.md)
    assert "| forget (kept in AWS) | source | `aws:iam/user:User` | `bob` |  |" in text


def test_a_new_action_and_a_wildcard_resource_in_a_policy_file_widen(project: Path) -> None:
    base = plan_of(walkthrough_settings(), project)
    policy = project / "policies" / "role_permissions_policy.json"
    document = json.loads(policy.read_text(encoding="utf-8"))
    document["Statement"][0]["Action"] = ["s3:ListAllMyBuckets", "s3:GetBucketLocation"]
    document["Statement"].append(
        {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}
    )
    policy.write_text(json.dumps(document), encoding="utf-8")
    raw = walkthrough_settings()
    raw["policyWaivers"] = {"role_permissions_policy.json": {"RESOURCE_STAR": "the diff is under test, not the rule"}}
    head = plan_of(raw, project)
    where = "permission policy s3-list-role-role_permissions_policy"
    assert diff_plans(base, head).access == (
        AccessChange("widens", where, "new statement: Allow s3:GetObject on arn:aws:s3:::reports/* (a wildcard)", wildcard=True),
        AccessChange("widens", where, "statement ListAllBuckets gains action s3:GetBucketLocation"),
    )
    assert diff_plans(base, head).resources[0].action == "update"
    assert diff_plans(base, head).resources[0].inputs == ("policy",)


def test_a_role_path_change_replaces_the_role_and_a_user_path_change_updates_the_user() -> None:
    base = plan_of(walkthrough_settings())
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"]["path"] = "/cross/"
    raw["users"]["random_user"]["path"] = "/people/"
    head = plan_of(raw)
    changes = {(c.type, c.action, c.inputs, c.replaced_by) for c in diff_plans(base, head).resources}
    assert ("aws:iam/role:Role", "replace", ("assumeRolePolicy", "path"), ("path",)) in changes
    assert ("aws:iam/user:User", "update", ("path",), ()) in changes
    text = render_review(head, base)
    assert "| replace | target | `aws:iam/role:Role` | `s3-list-role` | `assumeRolePolicy`, `path` (forces replacement) |" in text


def test_longer_sessions_and_a_dropped_boundary_widen_a_role() -> None:
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"]["permissionsBoundary"] = f"arn:aws:iam::{TARGET}:policy/cap"
    base = plan_of(raw)
    del raw["roles"]["s3-list-role"]["permissionsBoundary"]
    raw["roles"]["s3-list-role"]["maxSessionDuration"] = 7200
    head = plan_of(raw)
    assert diff_plans(base, head).access == (
        AccessChange("widens", "role s3-list-role", "longest session 3600 s -> 7200 s"),
        AccessChange("widens", "role s3-list-role", f"permissions boundary arn:aws:iam::{TARGET}:policy/cap removed"),
    )


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_a_deny_that_loses_an_action_widens_and_one_that_gains_narrows() -> None:
    old = doc({"Effect": "Deny", "Action": ["iam:*", "s3:DeleteBucket"], "Resource": "*"})
    new = doc({"Effect": "Deny", "Action": ["iam:*", "kms:Decrypt"], "Resource": "*"})
    assert document_changes("d", old, new) == [
        AccessChange("narrows", "d", "Deny statement gains action kms:Decrypt"),
        AccessChange("widens", "d", "Deny statement loses action s3:DeleteBucket"),
    ]


def test_condition_values_widen_or_narrow_by_operator() -> None:
    def trust(age: str, ids: list[str]) -> str:
        return doc(
            {
                "Sid": "T",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:user/a"},
                "Action": "sts:AssumeRole",
                "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": age}, "StringEquals": {"sts:ExternalId": ids}},
            }
        )

    assert [c.effect for c in document_changes("t", trust("900", ["x"]), trust("3600", ["x", "y"]))] == ["widens", "widens"]
    assert [c.effect for c in document_changes("t", trust("3600", ["x", "y"]), trust("900", ["x"]))] == ["narrows", "narrows"]
    assert [c.effect for c in document_changes("t", trust("900", ["x"]), trust("900", ["y"]))] == ["other"]


def test_a_new_wildcard_principal_is_flagged() -> None:
    old = doc(
        {"Sid": "T", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/a"}, "Action": "sts:AssumeRole"}
    )
    new = doc({"Sid": "T", "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})
    assert document_changes("t", old, new) == [
        AccessChange("widens", "t", "statement T gains principal * (a wildcard)", wildcard=True),
        AccessChange("narrows", "t", "statement T loses principal arn:aws:iam::111122223333:user/a"),
    ]


def test_the_cli_diffs_against_a_saved_plan_and_refuses_a_bad_one(tmp_path: Path, walkthrough_project: Path) -> None:
    base = plan_of(two_users())
    saved = tmp_path / "base.json"
    saved.write_text(json.dumps(base), encoding="utf-8")
    project = ("--project-dir", str(walkthrough_project))
    result = run_cli("plan", "--stack", "utils", "--format", "markdown", "--against", str(saved), *project)
    assert result.returncode == 0, result.stderr
    assert "**This change only narrows access.**" in result.stdout
    (tmp_path / "bad.json").write_text('{"resources": [{"urn": 1}]}', encoding="utf-8")
    result = run_cli("plan", "--format", "markdown", "--against", str(tmp_path / "bad.json"), *project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: --against {tmp_path / 'bad.json'}: resources[0].urn: got 1 (a number); "
        "expected a non-empty string, as in the output of make plan FORMAT=json\n"
    )
    result = run_cli("plan", "--format", "text", "--against", str(saved), *project)
    assert result.returncode == 2
    assert result.stderr == f"error: --against {saved}: only with --format markdown (got --format text)\n"


def test_load_plan_names_the_file_when_it_is_not_json() -> None:
    with pytest.raises(ValueError, match=r"^base\.json: not valid JSON") as raised:
        load_plan("not json", "base.json")
    assert str(raised.value) == (
        "base.json: not valid JSON (Expecting value at line 1, column 1); expected the output of make plan FORMAT=json"
    )
