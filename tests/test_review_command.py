"""One command reviews a change as the workflow does (`make review BASE=<ref>`, `python -m tools
review`): the base's plans from `git archive` of the ref, this change's against them, the one
comment; the user's work tree, index and stashes untouched; and the workflow's plan step runs
the same command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURE_PROJECT, SOURCE, TARGET, copy_program
from tests.node_tools import mermaid_parse
from tests.test_review_comment import table_rows
from tests.test_workflows import load
from tools.paths import PROJECT_DIR
from tools.render.comment import MARKER
from tools.render.review import render_review

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
QA = """config:
  cross-account-roles:target:
    accountId: "999988887777"
    region: eu-north-1
  cross-account-roles:roles:
    qa-read:
      trustedUsers:
        - random_user
      policyFiles:
        - role_permissions_policy.json
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def review(*args: str, cwd: Path = PROJECT_DIR) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}  # the test repository holds the program, not tools/
    return subprocess.run(
        [sys.executable, "-m", "tools", "review", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository of the program with the tests' two stacks, committed; then, uncommitted, a
    longer session on the walk-through's role and a new stack qa (untracked)."""
    repo = copy_program(tmp_path / "repo")
    for stack in ("utils", "staging"):
        shutil.copy2(FIXTURE_PROJECT / f"Pulumi.{stack}.yaml", repo / f"Pulumi.{stack}.yaml")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    utils = repo / "Pulumi.utils.yaml"
    utils.write_text(
        utils.read_text(encoding="utf-8").replace(
            "      trustedUsers:\n", "      maxSessionDuration: 7200\n      trustedUsers:\n", 1
        ),
        encoding="utf-8",
    )
    (repo / "Pulumi.qa.yaml").write_text(QA, encoding="utf-8")
    git(repo, "add", "Pulumi.utils.yaml")  # staged, to show the index is left as it is
    return repo


def test_a_change_is_reviewed_against_a_git_ref_without_touching_the_users_work(repo: Path, tmp_path: Path) -> None:
    before = (git(repo, "status", "--porcelain"), git(repo, "diff", "--cached"), git(repo, "diff"))
    out = tmp_path / "review"
    done = review("--base", "main", "--project-dir", str(repo), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert (git(repo, "status", "--porcelain"), git(repo, "diff", "--cached"), git(repo, "diff")) == before
    assert git(repo, "stash", "list") == ""
    comment = done.stdout
    assert comment.startswith(f"{MARKER}\n## Review plan\n\n2 of 3 stack(s) change")
    rows = table_rows(comment)
    # utils widens twice: its role's session, and its person's assume-role policy now reaching qa's role;
    # by who, two pairs: random_user's longer session on s3-list-role, random_user may now assume qa-read.
    # The most pairs first: qa's one pair (random_user may assume qa-read) after.
    assert rows[0] == "| `utils` | **2** :warning: | **2** :warning: | 0 | 0 | 2 |"
    assert rows[1].startswith("| `qa` (new: no base plan) | **1** :warning: | **")
    assert (
        "- :warning: widens: **user random_user**, role `qa-read` in account 999988887777: may now assume it "
        "(MFA required (this stack's side; the role's trust may ask more); another stack's role)"
    ) in comment.splitlines()
    assert "No change: `staging`." in comment.splitlines()
    assert "- **role s3-list-role**: longest session 3600 s -> 7200 s" in comment.splitlines()
    qa = comment.split("### Plan for stack `qa`", 1)[1]
    assert "- **trust policy of role qa-read**: new statement: Allow principal arn:aws:iam::111122223333:user/random_user" in qa
    assert sorted(p.name for p in out.iterdir()) == [
        "base",
        "qa.json",
        "qa.md",
        "staging.json",
        "staging.md",
        "utils.json",
        "utils.md",
    ]
    assert sorted(p.name for p in (out / "base").iterdir()) == ["staging.json", "utils.json"]
    base_utils = json.loads((out / "base" / "utils.json").read_text(encoding="utf-8"))
    (role,) = [r for r in base_utils["resources"] if r["type"] == "aws:iam/role:Role"]
    assert role["inputs"]["maxSessionDuration"] == 3600  # the base's stack file, not the work tree's
    # The whole review of the new stack shows its grants as widened access, like the comment.
    assert "##### :warning: Widened access (" in (out / "qa.md").read_text(encoding="utf-8")


def test_a_second_run_reviews_only_the_stacks_there_are_now(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "review"
    assert review("--base", "main", "--project-dir", str(repo), "--out", str(out)).returncode == 0
    (repo / "Pulumi.qa.yaml").unlink()
    done = review("--base", "main", "--project-dir", str(repo), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "qa" not in "".join(table_rows(done.stdout))
    assert not (out / "qa.json").exists()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ("--base", "no-such-branch"),
            "error: --base no-such-branch: not a commit of this repository; expected a ref such as origin/main\n",
        ),
        (("--base=--upload-pack=x",), "error: --base '--upload-pack=x': expected a git ref or commit (e.g. origin/main)\n"),
        (
            ("--base-dir", "{repo}/nowhere"),
            "error: --base-dir {repo}/nowhere: not a folder; expected the base branch checked out\n",
        ),
    ],
    ids=["unknown-ref", "option-as-ref", "no-base-folder"],
)
def test_a_bad_base_is_one_error_and_exit_2(repo: Path, tmp_path: Path, args: tuple[str, ...], error: str) -> None:
    argv = [a.replace("{repo}", str(repo)) for a in args]
    done = review(*argv, "--project-dir", str(repo), "--out", str(tmp_path / "r"))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == error.replace("{repo}", str(repo))


def test_the_workflow_plan_step_and_make_review_run_the_same_command(repo: Path, tmp_path: Path) -> None:
    """The plan step's own script, in a checkout with the base beside it (base/) and a `make` that
    only stands for building the venvs: its comment is the command's, the job summary the same."""
    workflow = load("pull-request.yml")
    (step,) = [s for s in workflow["jobs"]["plan"]["steps"] if s.get("name") == "Plan every stack against the base branch's plan"]
    assert "-m tools review --project-dir . --base-dir base" in step["run"]
    makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
    assert "\t@$(PY) -m tools review --project-dir . --base $(BASE) --out $(OUT) > review.md\n" in makefile
    git(repo, "worktree", "add", "-q", "--detach", str(repo / "base"), "main")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "make").write_text('#!/bin/sh\necho "$*" >> "$CALLS"\n', encoding="utf-8")
    for venv in (repo / ".venv", repo / "base" / ".venv"):
        (venv / "bin").mkdir(parents=True)
        (venv / "bin" / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
        (venv / "bin" / "python").chmod(0o755)  # this venv's interpreter (a symlink would lose the venv)
    (tmp_path / "bin" / "make").chmod(0o755)
    env = {
        "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
        "PYTHONPATH": str(PROJECT_DIR),
        "CALLS": str(tmp_path / "calls"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=repo, env=env, check=True, timeout=300)
    comment = (repo / "review.md").read_text(encoding="utf-8")
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == comment
    assert (tmp_path / "calls").read_text(encoding="utf-8").splitlines() == ["venv", "-C base venv"]
    local = review("--base", "main", "--project-dir", str(repo), "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr
    assert comment == local.stdout  # the workflow's comment is the local one, byte for byte
    (upload,) = [s for s in workflow["jobs"]["plan"]["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload["with"]["path"].split() == ["review.md", "review/"]


def test_whatever_the_comment_names_is_in_the_artifact(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "review"
    done = review("--base", "main", "--project-dir", str(repo), "--out", str(out))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    named = {row.split("`")[1] for row in table_rows(done.stdout)}
    named |= {n for line in lines if line.startswith("No change") for n in line.split("`")[1::2] if "<" not in n}
    assert named == {"qa", "utils", "staging"}
    for stack in named:  # "Each stack's whole review and plan are in the run's review-plan artifact"
        assert (out / f"{stack}.md").is_file()
        assert json.loads((out / f"{stack}.json").read_text(encoding="utf-8"))["stack"] == stack
    (out / "staging.md").unlink()
    again = review("--base", "main", "--project-dir", str(repo), "--out", str(out))
    assert again.returncode == 0  # the command writes the whole review of every stack again
    comment = subprocess.run(
        [sys.executable, "-m", "tools", "comment", str(out)], cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    )
    assert comment.stdout == again.stdout
    (out / "staging.md").unlink()
    comment = subprocess.run(
        [sys.executable, "-m", "tools", "comment", str(out)], cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    )
    assert (comment.returncode, comment.stdout) == (2, "")
    assert comment.stderr == (
        f"error: {out}/staging.md: not a regular file; expected the whole review plan --artifact writes beside staging.json "
        "(the comment says each stack's whole review is in the artifact)\n"
    )


# --- who gains what across the organisation -------------------------------------------------------


def plan_json(project: Path, stack: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tools", "plan", "--stack", stack, "--format", "json", "--project-dir", str(project)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


@pytest.fixture
def organisation(repo: Path) -> Path:
    """The people's stack (utils) with bob, whom only the staging stack's role trusts (and qa, new)."""
    utils = repo / "Pulumi.utils.yaml"
    utils.write_text(
        utils.read_text(encoding="utf-8").replace(
            "  cross-account-roles:users:\n", "  cross-account-roles:users:\n    bob: {}\n", 1
        ),
        encoding="utf-8",
    )
    staging = repo / "Pulumi.staging.yaml"
    staging.write_text(
        staging.read_text(encoding="utf-8").replace("        - random_user\n", "        - random_user\n        - bob\n", 1),
        encoding="utf-8",
    )
    return repo


def test_the_peoples_review_shows_each_persons_access_to_other_stacks_roles(organisation: Path) -> None:
    review_text = render_review(plan_json(organisation, "utils"))
    table = review_text.split("#### Who may assume what\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    elsewhere = (
        "(another stack's role) | 777788889999 | required (this stack's side; the role's trust may ask more) | the role's stack "
        "| no | the role's stack | the role's stack | in the role's own stack |"
    )
    assert table[2:] == [
        f"| `bob` | `s3-artifacts-read` {elsewhere}",  # trusted only by the staging stack's role
        f"| `random_user` | `s3-list-role` | {TARGET} | required | no | no | not required | 2 h | `policies/role_permissions_policy.json` |",
        f"| `random_user` | `s3-artifacts-read` {elsewhere}",
        f"| `random_user` | `qa-read` {elsewhere.replace('777788889999', '999988887777')}",  # the new qa stack's role
    ]
    diagram = review_text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert '  subgraph elsewhere["roles of other stacks (their trust, in their stack)"]\n' in diagram
    assert '    e1["IAM role s3-artifacts-read in account 777788889999"]\n' in diagram
    assert '    u1["IAM user bob"]\n' in diagram
    assert '  u1 -- "AssumeRole + MFA" --> e1\n' in diagram
    assert '  u2 -- "AssumeRole + MFA" --> e1\n' in diagram
    assert mermaid_parse([diagram]) == [{"ok": True, "type": "flowchart-v2"}]


def test_a_roles_only_stacks_review_names_its_source_account(organisation: Path) -> None:
    header = render_review(plan_json(organisation, "staging")).splitlines()[2]
    assert header == (
        f"Offline plan (Pulumi's mocks; no account was called): source account {SOURCE} (a roles-only stack: its people, "
        "and their assume-role policies, are the people's stack's there), target account 777788889999, 5 resources."
    )
    assert f'subgraph source["source account {SOURCE} (stack staging)"]' in render_review(plan_json(organisation, "staging"))
