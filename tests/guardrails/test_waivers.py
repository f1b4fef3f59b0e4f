"""Nothing is waived silently: a waiver covers one rule for one role or one file, carries a
reason, and the waived finding is still reported (with the reason) at program start, by
`make check` and in the plan. A waiver that names no rule, or a rule AWS enforces anyway,
is an error; one that matches nothing is a warning."""

from __future__ import annotations

import argparse
import io
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossaccount.errors import SettingsError
from crossaccount.guardrails import Finding, check_plan
from crossaccount.pipeline import load_values, plan_of
from tests.conftest import write_policy
from tools.commands import check
from tools.offline.mocks import ProgramError, ProgramRun
from tools.render import escape
from tools.render.plan import as_data, render_markdown, render_text

DELETE_ANY_OBJECT = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "DeleteAnyObject", "Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*"}],
}
ROLE = "s3-list-role"
REASON = "the retention job deletes expired objects in every bucket; reviewed by security (SEC-142)"


@pytest.fixture
def deletes_any_object(settings: dict[str, Any], project: Path) -> dict[str, Any]:
    """The walk-through with a second policy file on the role that deletes any object (RESOURCE_STAR)."""
    write_policy(project / "policies", "delete-any.json", DELETE_ANY_OBJECT)
    settings["roles"][ROLE]["policyFiles"] = ["role_permissions_policy.json", "delete-any.json"]
    return settings


def findings(settings: dict[str, Any], project: Path) -> list[Finding]:
    return check_plan(plan_of(load_values("utils", settings, project / "policies")))


def test_a_file_waiver_keeps_the_finding_marked_with_its_reason(deletes_any_object: dict[str, Any], project: Path) -> None:
    deletes_any_object["policyWaivers"] = {"delete-any.json": {"RESOURCE_STAR": REASON}}
    (finding,) = findings(deletes_any_object, project)
    assert (finding.rule_id, finding.location, finding.waived) == (
        "RESOURCE_STAR",
        "policies/delete-any.json, Statement[0]",
        REASON,
    )
    assert not finding.blocking


def test_a_waived_error_lets_the_program_run_and_is_shown_as_a_warning(
    deletes_any_object: dict[str, Any], project: Path, run_in: Callable[..., ProgramRun], caplog: pytest.LogCaptureFixture
) -> None:
    deletes_any_object["policyWaivers"] = {"delete-any.json": {"RESOURCE_STAR": REASON}}
    with caplog.at_level(logging.WARNING):
        run = run_in(deletes_any_object)
    assert sorted(r.inputs["name"] for r in run.registrations if r.type == "aws:iam/policy:Policy") == [
        "random_user-assume-roles-utils",
        "s3-list-role-delete-any",
        "s3-list-role-role_permissions_policy",
        "self-service-credentials-utils",
    ]
    (finding,) = findings(deletes_any_object, project)
    assert [m for m in caplog.messages if m.startswith("guardrails:")] == [f"guardrails: {finding.line()}"]
    assert finding.line().startswith("waived RESOURCE_STAR (error) policies/delete-any.json, Statement[0]: ")


def test_a_role_waiver_does_not_reach_the_roles_policy_files(deletes_any_object: dict[str, Any], project: Path) -> None:
    deletes_any_object["roles"][ROLE]["waivers"] = {"RESOURCE_STAR": REASON}
    found = findings(deletes_any_object, project)
    assert [(f.rule_id, f.location, f.waived) for f in found] == [
        ("WAIVER_UNUSED", f"cross-account-roles:roles.{ROLE}.waivers.RESOURCE_STAR", None),
        ("RESOURCE_STAR", "policies/delete-any.json, Statement[0]", None),
    ]


def test_a_role_waiver_covers_the_roles_trust_policy(settings: dict[str, Any], project: Path) -> None:
    settings["roles"][ROLE].update(requireMfa=False, waivers={"TRUST_WITHOUT_MFA": "machine user without MFA, key rotated daily"})
    settings["selfService"] = {"enforceMfa": False}
    (finding,) = findings(settings, project)
    assert (finding.rule_id, finding.waived) == ("TRUST_WITHOUT_MFA", "machine user without MFA, key rotated daily")


def test_a_waiver_for_a_rule_that_does_not_exist_stops_the_program(
    settings: dict[str, Any], run_in: Callable[..., ProgramRun]
) -> None:
    settings["roles"][ROLE]["waivers"] = {"RESOURCE-STAR": REASON}
    with pytest.raises(ProgramError) as raised:
        run_in(settings)
    assert raised.value.registrations == []
    assert (
        f'error WAIVER_INVALID cross-account-roles:roles.{ROLE}.waivers.RESOURCE-STAR: no guardrail rule has id "RESOURCE-STAR"; '
        "did you mean RESOURCE_STAR? expected a rule id from docs/guardrails.md"
    ) in str(raised.value.cause)


@pytest.mark.parametrize(
    ("waivers", "problem"),
    [
        (
            {"roles": {ROLE: {"waivers": {"RESOURCE_STAR": "  "}}}},
            f'cross-account-roles:roles.{ROLE}.waivers.RESOURCE_STAR: got "  "; expected the reason for waiving RESOURCE_STAR (it is shown in the plan)',
        ),
        (
            {"policyWaivers": {"other.json": {"RESOURCE_STAR": REASON}}},
            "cross-account-roles:policyWaivers.other.json: no role lists this file in policyFiles; expected one of role_permissions_policy.json",
        ),
    ],
)
def test_a_waiver_without_a_reason_or_for_a_file_no_role_uses_is_a_settings_error(
    settings: dict[str, Any], project: Path, waivers: dict[str, Any], problem: str
) -> None:
    if "roles" in waivers:
        settings["roles"][ROLE].update(waivers["roles"][ROLE])
    else:
        settings.update(waivers)
    with pytest.raises(SettingsError) as raised:
        load_values("utils", settings, project / "policies")
    assert raised.value.problems == [problem]


def test_make_check_prints_the_waived_finding_and_exits_zero(deletes_any_object: dict[str, Any], project: Path) -> None:
    deletes_any_object["policyWaivers"] = {"delete-any.json": {"RESOURCE_STAR": REASON}}
    stack_file = {"config": {f"cross-account-roles:{k}": v for k, v in deletes_any_object.items()}}
    (project / "Pulumi.waived.yaml").write_text(yaml.safe_dump(stack_file), encoding="utf-8")
    out = io.StringIO()
    assert check.run(argparse.Namespace(stack="waived", format="json"), out, project_dir=project) == 0
    (entry,) = json.loads(out.getvalue())["findings"]
    assert {k: entry[k] for k in ("rule_id", "severity", "location", "waived")} == {
        "rule_id": "RESOURCE_STAR",
        "severity": "error",
        "location": "policies/delete-any.json, Statement[0]",
        "waived": REASON,
    }


def test_the_plan_shows_waived_findings_in_every_format(
    deletes_any_object: dict[str, Any], project: Path, run_in: Callable[..., ProgramRun]
) -> None:
    deletes_any_object["policyWaivers"] = {"delete-any.json": {"RESOURCE_STAR": REASON}}
    run = run_in(deletes_any_object)
    found = findings(deletes_any_object, project)
    assert as_data(run, found)["findings"] == [found[0].as_dict()]
    assert as_data(run, found)["findings"][0]["waived"] == REASON
    text = render_text(run, found)
    assert text.endswith(
        "\nGuardrails: 0 errors, 0 warnings, 1 waived (rules and waivers: docs/guardrails.md)\n"
        f"  waived RESOURCE_STAR (error) policies/delete-any.json, Statement[0]: {found[0].message} [waiver: {REASON}]\n"
    )
    # In Markdown the message and the reason are text (tools/render/escape.py): `"*"` is `"\*"`, no emphasis.
    message, reason = escape.text(found[0].message), escape.text(REASON)
    assert '"\\*"' in message
    assert f"- error `RESOURCE_STAR` at `policies/delete-any.json, Statement[0]`: {message} **waived**: {reason}\n" in (
        render_markdown(run, found)
    )
