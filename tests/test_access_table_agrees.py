"""The access table is a view of the access model (issue 30): every row of the reviewer's table
(`crossaccount.access.grants.access_grants`, given the organisation's model) agrees with the
model's answer (`crossaccount.access.model`, AWS's evaluation of every stack's planned documents)
for that person, that role and sts:AssumeRole: allowed with MFA (or the row says it is denied even
with MFA), and allowed without MFA exactly where the row's MFA column says `no`. And the other way:
every person the model lets assume a role of the stack, with MFA, has a row. Over the tests'
organisation (the walk-through and staging) and the hostile group cases
(tests/hostile/cases/groups.py), each planned and modelled whole.

The rows take their decisions from the model by construction; this test asks the model again,
with its own lookups, so a row the view places on the wrong principal or role is caught.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossaccount.access.grants import Grant, access_grants
from crossaccount.access.model import AccessModel, Asker, Question, Role, build_model
from crossaccount.access.principals import Principal, find
from crossaccount.errors import SettingsError
from crossaccount.pipeline import Checked, check_organisation
from tests.conftest import walkthrough_settings
from tests.hostile.cases.groups import CASES
from tests.hostile.harness import Reported
from tests.test_identity_center import everyone
from tests.test_review import every_option
from tools.__main__ import main

ASSUME = "sts:AssumeRole"


def plans_and_model(project: Path) -> tuple[dict[str, Any], AccessModel]:
    """Every stack's plan (its StackPlan) and the model built from them all."""
    results = check_organisation(project)
    assert all(isinstance(r, Checked) for r in results.values()), results
    plans = {s: r.plan for s, r in results.items() if isinstance(r, Checked)}
    return plans, build_model(plans)


def plan_json(project: Path, stack: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["plan", "--stack", stack, "--format", "json", "--project-dir", str(project)]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


FEDERATED = {"permission set": "permission-set", "SAML provider": "saml", "OIDC provider": "oidc"}
"""A row's kind -> how the model's principals name that kind (`crossaccount.access.principals`)."""
SIGN_IN = ("at sign-in to IAM Identity Center (not in the trust policy)", "at sign-in to the identity provider")


def principal_of(model: AccessModel, g: Grant) -> Principal | None:
    if g.kind == "aws" and g.is_user:
        return model.principals.get(f"user:{g.principal_arn.lower()}")
    if g.kind == "aws" and g.is_role:
        return model.principals.get(f"role:{g.principal_arn.lower()}")
    if g.kind in FEDERATED:
        name = g.principal if g.kind == "permission set" else g.principal_arn
        try:
            return find(model.principals, f"{FEDERATED[g.kind]}:{name}")
        except SettingsError:
            return None
    return None


def role_of(model: AccessModel, account: str, name: str) -> Role | None:
    found = [r for r in model.roles.values() if r.account == account and r.name.lower() == name.lower()]
    return found[0] if len(found) == 1 else None


def disagreements(model: AccessModel, rows: tuple[Grant, ...]) -> list[str]:
    """Each row the model does not agree with, in words."""
    out = []
    for g in rows:
        principal, role = principal_of(model, g), role_of(model, g.account, g.role)
        where = f"row ({g.principal}, {g.role} in {g.account})"
        if principal is None or role is None:
            out.append(f"{where}: the model has no {'principal' if principal is None else 'role'} of it")
            continue
        asker = Asker(model, Question(ASSUME, role.arn))
        with_mfa = asker.assume(principal, role, True).decision
        without = asker.assume(principal, role, False).decision
        if g.mfa.startswith("denied even with MFA"):
            if with_mfa.allowed:
                out.append(f"{where}: MFA {g.mfa!r}, but the model allows it with MFA")
            continue
        if not with_mfa.allowed:
            out.append(f"{where}: the model denies it even with MFA ({with_mfa.reason})")
        if g.kind in FEDERATED:  # the session carries no MFA key: the trust cannot ask for one
            if g.mfa not in (*SIGN_IN, "not applicable (a token of the provider)") or not without.allowed:
                out.append(f"{where}: MFA {g.mfa!r}; without the MFA key the model says {without.reason}")
        elif without.allowed != (g.mfa == "no"):
            said = "allowed" if without.allowed else f"denied ({without.reason})"
            out.append(f"{where}: MFA {g.mfa!r}, but without MFA the model says {said}")
    return out


def missing_rows(model: AccessModel, stack_roles: set[str], rows: tuple[Grant, ...]) -> list[str]:
    """(person, role of this stack) pairs the model allows with MFA that have no row."""
    shown = {(g.principal_arn.lower(), g.role.lower(), g.account) for g in rows}
    out = []
    for principal in model.principals.values():
        if principal.kind != "user":
            continue
        for arn in sorted(stack_roles):
            role = model.roles[arn]
            if (principal.arn.lower(), role.name.lower(), role.account) in shown:
                continue
            if Asker(model, Question(ASSUME, role.arn)).assume(principal, role, True).decision.allowed:
                out.append(f"{principal.name} may assume {role.arn} (the model), but no row of the table says so")
    return out


def check_project(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """How many rows were compared, and every disagreement of every stack's table with the model."""
    plans, model = plans_and_model(project)
    problems, compared = [], 0
    for stack, plan in sorted(plans.items()):
        rows = access_grants(plan_json(project, stack, capsys), model)
        compared += len(rows)
        problems += [f"{stack}: {p}" for p in disagreements(model, rows)]
        problems += [f"{stack}: {p}" for p in missing_rows(model, {r.arn.lower() for r in plan.roles}, rows)]
    return compared, problems


def test_the_organisations_access_table_is_the_models_answer(fixture_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    compared, problems = check_project(fixture_project, capsys)
    assert problems == []
    assert compared >= 2  # random_user: s3-list-role (utils), s3-artifacts-read (staging), seen from both stacks


def write_stack(project: Path, stack: str, values: dict[str, Any]) -> None:
    for old in project.glob("Pulumi.*.yaml"):
        old.unlink()
    config = {f"cross-account-roles:{k}": v for k, v in values.items()}
    (project / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}), encoding="utf-8")


@pytest.mark.parametrize(
    "values",
    [every_option(), everyone()],
    ids=["every-trust-option (ExternalId, source identity, MFA age, an existing user, requireMfa false)", "federated"],
)
def test_a_stack_of_every_trust_options_access_table_is_the_models_answer(
    values: dict[str, Any], program_of_its_own: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    write_stack(tmp_path, "utils", values)
    compared, problems = check_project(tmp_path, capsys)
    assert problems == []
    assert compared >= 3


def _head(case: Any) -> dict[str, Any]:
    """The case's head settings: its stack file's keys (and the walk-through's source, where it has one)."""
    config = yaml.safe_load(case.files["Pulumi.utils.yaml"])["config"]
    values = {k.removeprefix("cross-account-roles:"): v for k, v in config.items()}
    source = {k: v for k, v in walkthrough_settings().items() if k == "source"}
    return {**source, **values}


@pytest.mark.parametrize(
    "case", [c for c in CASES if isinstance(c.expect, Reported) and c.expect.refused is None], ids=lambda c: c.name
)
def test_each_hostile_group_cases_access_table_is_the_models_answer(
    case: Any, program_of_its_own: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    write_stack(tmp_path, "utils", _head(case))
    compared, problems = check_project(tmp_path, capsys)
    assert problems == []
    assert compared >= 1


def test_the_check_sees_a_wrong_mfa_column_a_row_too_many_and_a_row_missing(
    fixture_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plans, model = plans_and_model(fixture_project)
    rows = access_grants(plan_json(fixture_project, "utils", capsys), model)
    (row,) = [g for g in rows if g.role == "s3-list-role"]
    assert row.mfa == "required"
    wrong = replace(row, mfa="no")
    stranger = replace(row, principal="mallory", principal_arn=row.principal_arn.replace("random_user", "mallory"))
    assert disagreements(model, (wrong, stranger)) == [
        "row (random_user, s3-list-role in 444455556666): MFA 'no', but without MFA the model says denied (explicit "
        "Deny in Pulumi.utils.yaml cross-account-roles:selfService (policy self-service-credentials-utils) Statement[6] "
        "(DenyAllExceptListedIfNoMFA))",
        "row (mallory, s3-list-role in 444455556666): the model has no principal of it",
    ]
    roles = {r.arn.lower() for r in plans["utils"].roles}
    assert missing_rows(model, roles, ()) == [
        "random_user may assume arn:aws:iam::444455556666:role/s3-list-role (the model), but no row of the table says so"
    ]
