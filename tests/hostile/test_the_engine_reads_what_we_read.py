"""What the Pulumi engine runs, the offline commands read alike: each `Accepted` case
(tests/hostile/cases/engine.py, with the engine's source cited for each) is accepted by `check`,
`plan` and the program under the configuration map the engine would pass it, with the same one
warning where the stack imports Pulumi ESC environments and none otherwise. The refusals of that
corpus are judged with every other refused stack (test_refused_before_anything_is_registered.py,
where the engine's verdict, `stops` or `runs`, is compared with the offline read's).

Below them, what the engine does with the accepted projects: the shell's PULUMI_CONFIG is never
read, an ESC environment adds nothing unseen, a boundary the stack creates is a dependency.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crossaccount.plan.conflicts import group_resource_name_problems
from crossaccount.plan.model import AssumePolicyPlan, GroupPlan
from crossaccount.read.project import read_engine_config
from tests.hostile.cases import ACCEPTED, BY_NAME
from tests.hostile.cases.engine import _EXTRA_ROLE, FILE, OWN_POLICY, SRC, STACK
from tests.hostile.cases.stack_files import PROJECT
from tests.hostile.harness import Accepted, Case, project_of, run, run_the_program
from tools.offline.mocks import run_program

OK = "ok"


def command(name: str, project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str, str]:
    """(outcome, stdout, stderr) of `python -m tools <name>` run in process (`plan` in JSON)."""
    code, out, err = run(
        [name, "--stack", STACK, "--project-dir", str(project), *(["--format", "json"] if name == "plan" else [])], capsys
    )
    assert "Traceback" not in err
    if code == 0:
        return OK, out, err
    assert code == 2, f"{name}: exit {code}\n{err}"
    assert out == "", f"{name} printed something on a refusal:\n{out[:300]}"
    assert err.startswith("error: "), err
    return "error", out, err


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda c: c.name)
def test_check_plan_and_the_program_accept_what_the_engine_runs(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(case.expect, Accepted)
    project = project_of(case, tmp_path)
    for variable, value in case.env.items():
        monkeypatch.setenv(variable, value)
    program = run_the_program(case, project)
    assert program.verdict == OK, program.text
    for entry in ("check", "plan"):
        outcome, _, err = command(entry, project, capsys)
        assert outcome == OK, f"{entry}: {err}"
        if case.expect.warning is None:
            assert err == "", f"{entry}: {err}"
        else:
            assert err.count("warning: ") == 1, f"{entry}: {err}"
            assert case.expect.warning in err, f"{entry}: {err}"


def plan_json(project: Path, capsys: pytest.CaptureFixture[str]) -> str:
    outcome, out, err = command("plan", project, capsys)
    assert outcome == OK, err
    return out


def test_a_shells_pulumi_config_changes_nothing_in_plan_or_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Byte for byte the same plan and check with and without PULUMI_CONFIG* in the shell: the
    engine replaces them (pulumi-language-python main.go), so the plan must not read them."""
    project = project_of(BY_NAME["env-pulumi-config-adds-a-role"], tmp_path)
    before = plan_json(project, capsys), command("check", project, capsys)
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(_EXTRA_ROLE))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", '["cross-account-roles:users", "cross-account-roles:roles"]')
    after = plan_json(project, capsys), command("check", project, capsys)
    assert after == before
    assert "evil" not in after[0]
    assert '"s3-list-role"' in after[0]


def test_an_environment_adds_nothing_the_offline_commands_did_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With `environment:` the plan is the stack file's own, and says so: on stderr, and in the
    plan's findings (ESC_UNSEEN), which the review's Markdown shows."""
    plain = project_of(BY_NAME["project-one-spelling-bare"], tmp_path / "plain")
    esc = project_of(BY_NAME["esc-inline-values"], tmp_path / "esc")
    (plain / FILE).write_text(
        (esc / FILE).read_text(encoding="utf-8").split("\nconfig:", 1)[1].join(["config:", ""]), encoding="utf-8"
    )
    (plain / "Pulumi.yaml").write_text(PROJECT, encoding="utf-8")
    with_esc, without = json.loads(plan_json(esc, capsys)), json.loads(plan_json(plain, capsys))
    assert [(f["rule_id"], f["location"]) for f in with_esc.pop("findings")] == [("ESC_UNSEEN", FILE)]
    assert without.pop("findings") == []
    assert with_esc == without
    assert '"team"' not in plan_json(esc, capsys)  # the environment's inline tag was never pretended


def registrations(project: Path) -> list:  # type: ignore[type-arg]
    return list(run_program(STACK, read_engine_config(project, STACK), program_path=project / "__main__.py").registrations)


def test_a_boundary_the_stack_creates_is_registered_as_a_dependency_of_its_role(tmp_path: Path) -> None:
    project = project_of(BY_NAME["boundary-is-a-policy-the-stack-creates"], tmp_path)
    found = registrations(project)
    (role,) = [r for r in found if r.type == "aws:iam/role:Role"]
    (policy,) = [r for r in found if r.type == "aws:iam/policy:Policy" and r.state.get("arn") == OWN_POLICY]
    assert role.inputs["permissionsBoundary"] == OWN_POLICY
    assert policy.urn in role.dependencies  # the engine creates the policy first, and deletes it last


def test_an_aws_managed_boundary_makes_no_dependency(tmp_path: Path) -> None:
    project = project_of(BY_NAME["boundary-aws-managed"], tmp_path)
    found = registrations(project)
    (role,) = [r for r in found if r.type == "aws:iam/role:Role"]
    policies = {r.urn for r in found if r.type == "aws:iam/policy:Policy"}
    assert role.inputs["permissionsBoundary"] == "arn:aws:iam::aws:policy/PowerUserAccess"
    assert not policies & set(role.dependencies)


def _group(name: str, parts: tuple[str, ...], arns: tuple[str, ...] = ()) -> GroupPlan:
    assume = tuple(
        AssumePolicyPlan(part=p, name=f"{name}-group-assume-roles-s{'-' + p if p else ''}", arn="", document="{}", roles=("r",))
        for p in parts
    )
    return GroupPlan(
        name=name,
        path="/",
        arn=f"arn:aws:iam::{SRC}:group/{name}",
        members=("random_user",),
        roles=("r",),
        policy_name=assume[0].name if assume else None,
        policy_arn=None,
        policy_document=None,
        managed_policy_arns=arns,
        tags={},
        assume_policies=assume,
    )


def test_a_split_groups_part_and_another_groups_policy_would_share_a_urn() -> None:
    """Group `g` split into parts `0` and `1`, and group `g-1`: `group-assume-g-1` twice (the
    policy and its attachment), which the engine refuses as a duplicate URN."""
    problems = group_resource_name_problems([_group("g", ("0", "1")), _group("g-1", ("",))])
    assert problems == [
        "cross-account-roles:groups.g-1: its assume-role policy would get the Pulumi name 'group-assume-g-1' of the one at "
        "cross-account-roles:groups.g, and the engine refuses two resources of one URN (Duplicate resource URN); expected "
        "names that do not collide: rename one of the groups (or attach one policy of that name)",
        "cross-account-roles:groups.g-1: the attachment of its assume-role policy would get the Pulumi name 'group-assume-g-1' "
        "of the one at cross-account-roles:groups.g, and the engine refuses two resources of one URN (Duplicate resource URN); "
        "expected names that do not collide: rename one of the groups (or attach one policy of that name)",
    ]
    assert group_resource_name_problems([_group("g", ("0", "1")), _group("g-2", ("",))]) == []
