"""The reviewer's plan (`make plan FORMAT=markdown`): access table, diagram, documents, findings.

Invariant: the comment is built from the plan JSON alone (a saved plan renders byte for byte
like a live run), every row of the access table says what the role's trust policy enforces,
and every diagram the program emits is one that Mermaid's own parser accepts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crossaccount import pipeline
from crossaccount.guardrails import check_plan
from crossaccount.pipeline import load_values
from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tests.node_tools import mermaid_parse
from tests.test_stack_variants import two_by_two
from tools.commands import plan as plan_module
from tools.offline.mocks import run_program
from tools.paths import PROJECT_DIR
from tools.render import plan as plan_render
from tools.render.plan_diff import AccessChange, diff_plans
from tools.render.review import access_grants, mermaid, render_review

HEADER = "| user | role | account | MFA | ExternalId | session tags | source identity | longest session | permissions |"


def plan_of(raw: dict[str, Any], stack: str = "utils") -> dict[str, Any]:
    """The plan JSON `make plan FORMAT=json` prints for these settings, findings included."""
    findings = check_plan(pipeline.plan_of(load_values(stack, raw, PROJECT_DIR / "policies")))
    return plan_render.as_data(run_program(stack, raw), findings)


def every_option() -> dict[str, Any]:
    """One role with every trust option, one plain role; carol exists already (create: false)."""
    raw = walkthrough_settings()
    raw["users"] = {"alice": {}, "carol": {"create": False}}
    raw["roles"] = {
        "ops": {
            "trustedUsers": ["alice", "carol"],
            "policyFiles": ["role_permissions_policy.json"],
            "managedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            "permissionsBoundary": f"arn:aws:iam::{TARGET}:policy/boundaries/ops-cap",
            "mfaMaxAgeSeconds": 900,
            "externalId": "ext-3f9a1c",
            "allowSessionTags": True,
            "requireSourceIdentity": True,
            "maxSessionDuration": 7200,
        },
        "machine": {
            "trustedUsers": ["alice"],
            "managedPolicyArns": ["arn:aws:iam::aws:policy/SecurityAudit"],
            "requireMfa": False,
        },
    }
    return raw


def test_the_walkthrough_access_table_says_who_may_assume_what_under_which_conditions() -> None:
    text = render_review(plan_of(walkthrough_settings()))
    table = text.split("#### Who may assume what\n\n", 1)[1].split("\n\n", 1)[0]
    assert table.splitlines() == [
        HEADER,
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| `random_user` | `s3-list-role` | {TARGET} | required | no | no | not required | 1 h "
        "| `policies/role_permissions_policy.json` |",
    ]


def test_every_trust_option_shows_in_its_row_and_the_external_id_value_does_not() -> None:
    plan = plan_of(every_option())
    text = render_review(plan)
    table = text.split("#### Who may assume what\n\n", 1)[1].split("\n\n", 1)[0]
    rows = table.splitlines()[2:]
    permissions = "`policies/role_permissions_policy.json`<br>managed `ReadOnlyAccess`<br>boundary `boundaries/ops-cap`"
    assert rows == [
        # The trust asks for no MFA, alice's own self-service policy does: the row is what AWS decides.
        f"| `alice` | `machine` | {TARGET} | required (the person's selfService.enforceMfa: true denies AssumeRole "
        "without MFA, whatever the role's requireMfa: false says) | no | no | not required | 1 h | managed `SecurityAudit` |",
        f"| `alice` | `ops` | {TARGET} | required, at most 900 s old | required (value not shown) | allowed | = alice | 2 h "
        f"| {permissions} |",
        f"| `carol` (existing user, not created by this stack) | `ops` | {TARGET} | required, at most 900 s old "
        f"| required (value not shown) | allowed | = carol | 2 h | {permissions} |",
    ]
    # The table and the diagram never print the ExternalId's value.
    summary = text.split("#### Resources", 1)[0]
    assert "ext-3f9a1c" not in summary


def test_a_secret_external_id_stays_a_placeholder() -> None:
    plan = plan_of(every_option())
    for r in plan["resources"]:
        if r["type"] == "aws:iam/role:Role" and r["inputs"]["name"] == "ops":
            doc = json.loads(r["inputs"]["assumeRolePolicy"])
            for s in doc["Statement"]:
                s["Condition"]["StringEquals"]["sts:ExternalId"] = "[secret]"
            r["inputs"]["assumeRolePolicy"] = json.dumps(doc)
    ops = [g for g in access_grants(plan) if g.role == "ops"]
    assert {g.external_id for g in ops} == {"[secret]"}


def test_the_walkthrough_diagram_is_exact() -> None:
    assert mermaid(plan_of(walkthrough_settings())) == "\n".join(
        [
            "flowchart LR",
            f'  subgraph source["source account {SOURCE} (stack utils)"]',
            '    u1["IAM user random_user"]',
            "  end",
            f'  subgraph target["target account {TARGET}"]',
            '    r1["IAM role s3-list-role"]',
            '    p1["policies/role_permissions_policy.json"] --- r1',
            "  end",
            '  u1 -- "AssumeRole + MFA" --> r1',
        ]
    )


def test_the_diagram_draws_one_edge_per_grant_and_marks_existing_users() -> None:
    diagram = mermaid(plan_of(every_option()))
    assert '    u2["existing IAM user carol"]' in diagram.splitlines()
    edges = [line for line in diagram.splitlines() if " --> " in line]
    assert edges == [
        '  u1 -- "AssumeRole + MFA" --> r1',  # alice's self-service policy requires MFA
        '  u1 -- "AssumeRole + MFA + ExternalId" --> r2',
        '  u2 -- "AssumeRole + MFA + ExternalId" --> r2',
    ]


def hostile_names() -> dict[str, Any]:
    """Every character IAM allows in a name, and names that look like Mermaid syntax."""
    raw = walkthrough_settings()
    raw["users"] = {"a+b=c,d.e@f_g-h": {}, "end": {}, "subgraph": {}, "graph": {"path": "/x/"}}
    raw["roles"] = {
        "click": {"trustedUsers": ["a+b=c,d.e@f_g-h", "end"], "policyFiles": ["role_permissions_policy.json"]},
        "style--x": {"trustedUsers": ["subgraph", "graph"], "managedPolicyArns": ["arn:aws:iam::aws:policy/SecurityAudit"]},
    }
    return raw


def test_every_diagram_the_program_emits_parses_with_mermaids_own_parser(walkthrough_project: Path) -> None:
    plans = [
        plan_of(walkthrough_settings()),
        plan_of(every_option()),
        plan_of(two_by_two()),
        plan_of(hostile_names()),
        plan_render.as_data(plan_module.plan_stack("utils", walkthrough_project)),
    ]
    diagrams = [mermaid(p) for p in plans]
    # The documentation's diagrams too (the README's is the first one a newcomer sees).
    documents = [p for p in PROJECT_DIR.rglob("*.md") if not {"node_modules", ".venv"} & set(p.parts)]
    for document in documents:
        text = document.read_text(encoding="utf-8")
        diagrams += [block.split("```", 1)[0] for block in text.split("```mermaid\n")[1:]]
    assert len(diagrams) >= len(plans) + 1
    results = mermaid_parse(diagrams)
    assert results == [{"ok": True, "type": "flowchart-v2"}] * len(diagrams), results


def test_the_parser_refuses_a_broken_diagram_so_the_check_above_can_fail() -> None:
    broken = mermaid(plan_of(walkthrough_settings())).replace('"IAM user random_user"]', '"IAM user random_user"')
    (result,) = mermaid_parse([broken])
    assert result["ok"] is False
    assert result["error"].startswith("Parse error on line 5:")


def test_a_saved_plan_renders_exactly_like_the_live_run() -> None:
    run = run_program("utils", two_by_two())
    saved = json.loads(plan_render.render_json(run))
    assert plan_render.render_markdown(run) == render_review(saved)


def test_the_comment_holds_every_document_the_outputs_and_the_findings() -> None:
    text = render_review(plan_of(every_option()))
    assert text.count("```json") == 7  # 2 assume-role policies, self-service, 1 permission policy, 2 trust policies, outputs
    assert text.count("<details>") == 6  # one per document
    assert (
        "#### Guardrails\n\n0 errors, 2 warnings, 0 waived (rules and waivers: docs/guardrails.md)\n\n"
        "- warning `TRUST_WITHOUT_MFA` at `cross-account-roles:roles.machine (trust policy), Statement[0]`"
    ) in text
    assert "\n- warning `MFA_REQUIRED_BY_SELF_SERVICE` at `cross-account-roles:roles.machine.requireMfa`: " in text


def test_a_principal_other_than_a_source_user_is_shown_as_written_and_drawn_outside_the_accounts() -> None:
    """The policy pack sees roles added outside the component; the comment must not hide who
    else a trust policy admits."""
    plan = plan_of(walkthrough_settings())
    for r in plan["resources"]:
        if r["type"] == "aws:iam/role:Role":
            doc = json.loads(r["inputs"]["assumeRolePolicy"])
            doc["Statement"].append(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com", "AWS": "arn:aws:iam::999988887777:root"},
                    "Action": "sts:AssumeRole",
                }
            )
            r["inputs"]["assumeRolePolicy"] = json.dumps(doc)
    assert [(g.principal, g.mfa) for g in access_grants(plan)] == [
        ("Service ec2.amazonaws.com", "no"),
        ("arn:aws:iam::999988887777:root", "no"),
        ("random_user", "required"),
    ]
    diagram = mermaid(plan)
    assert '  x1["principal Service ec2.amazonaws.com"]' in diagram.splitlines()
    assert '  x2["principal arn:aws:iam::999988887777:root"]' in diagram.splitlines()
    assert mermaid_parse([diagram]) == [{"ok": True, "type": "flowchart-v2"}]


def test_a_secret_trust_policy_still_lists_who_may_assume_the_role_from_the_users_side() -> None:
    """With a `secure:` externalId the engine marks the whole roles key secret and the plan
    shows the trust policy as [secret]: the rows then come from the source users' policies."""
    plan = plan_of(every_option())
    for r in plan["resources"]:
        if r["type"] == "aws:iam/role:Role" and r["inputs"]["name"] == "ops":
            r["inputs"]["assumeRolePolicy"] = "[secret]"
    ops = [
        (g.principal, g.created, g.mfa, g.external_id, g.session_tags, g.source_identity)
        for g in access_grants(plan)
        if g.role == "ops"
    ]
    assert ops == [
        ("alice", True, "required (trust policy is secret)", "[secret]", "allowed", "= alice"),
        ("carol", False, "required (trust policy is secret)", "[secret]", "allowed", "= carol"),
    ]
    assert mermaid_parse([mermaid(plan)]) == [{"ok": True, "type": "flowchart-v2"}]
    (secret,) = diff_plans(plan, plan).access
    assert secret == AccessChange(
        "other",
        "trust policy of role ops",
        "the plan holds this document as a secret (a `secure:` value in it), so its changes cannot be compared offline: "
        "read `pulumi preview --diff`",
    )
