"""The workflows' matrices (tools/commands/ci_matrix.py) and the pull request's settings taken
into the base branch's checkout (tools/commands/ci_pr_settings.py).

Invariant: each stack carries its kind (people, roles, legacy) from its `users` key; the
people's stacks come apart from the others (the deploy runs them first); a stack whose two
sides share a profile is accepted when that is one account and refused, naming the key, when
the accounts differ; a pull request's preview takes the stacks whose files it changes, every
stack when policies/ changes, and the people's stacks whenever any stack file changes (added,
changed or removed); the preview takes from a pull request only its stack files and policies/,
and refuses a symbolic link before it changes anything.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crossaccount.errors import SettingsError
from tools.commands import ci_matrix, ci_pr_settings

ROLES_ONLY = """config:
  cross-account-roles:target:
    accountId: "777788889999"
    region: eu-north-1
    profile: {profile}
  cross-account-roles:roles:
    reader:
      trustedUsers:
        - random_user
      policyFiles:
        - role_permissions_policy.json
"""


@pytest.fixture
def project(walkthrough_project: Path, tmp_path: Path) -> Path:
    """The walk-through's people's stack (utils) and a roles-only stack (qa) of its own."""
    home = tmp_path / "project"
    shutil.copytree(walkthrough_project, home)
    (home / "Pulumi.qa.yaml").write_text(ROLES_ONLY.format(profile="qa"), encoding="utf-8")
    return home


def test_each_stack_carries_its_kind_and_the_peoples_stacks_come_first(project: Path) -> None:
    (project / "Pulumi.aa.yaml").write_text(
        ROLES_ONLY.format(profile="aa").replace("777788889999", "123456789012"), encoding="utf-8"
    )
    entries = ci_matrix.matrix(project)["include"]
    assert [(e["stack"], e["kind"], e["createsUsers"]) for e in entries] == [
        ("utils", "people", True),
        ("aa", "roles", False),
        ("qa", "roles", False),
    ]


def test_a_legacy_stack_is_deployed_with_the_targets_after_the_peoples_stack(project: Path) -> None:
    """Today's layout before migration: it re-lists its people with `create: false` and attaches
    its own policies to them, so the users must exist first."""
    legacy = ROLES_ONLY.format(profile="old").replace("777788889999", "123456789012")
    legacy += "  cross-account-roles:users:\n    random_user:\n      create: false\n"
    (project / "Pulumi.old.yaml").write_text(legacy, encoding="utf-8")
    entries = ci_matrix.matrix(project)["include"]
    assert [(e["stack"], e["kind"]) for e in entries] == [("utils", "people"), ("old", "legacy"), ("qa", "roles")]
    lines = dict(line.split("=", 1) for line in ci_matrix.github_output(entries).splitlines())
    assert [e["stack"] for e in json.loads(lines["targets"])["include"]] == ["old", "qa"]


def test_the_github_output_splits_the_peoples_stacks_from_the_targets(project: Path) -> None:
    entries = ci_matrix.matrix(project)["include"]
    lines = dict(line.split("=", 1) for line in ci_matrix.github_output(entries).splitlines())
    assert list(lines) == ["people", "targets", "all", "has-people", "has-targets"]
    assert [e["stack"] for e in json.loads(lines["people"])["include"]] == ["utils"]
    assert [e["stack"] for e in json.loads(lines["targets"])["include"]] == ["qa"]
    assert [e["stack"] for e in json.loads(lines["all"])["include"]] == ["utils", "qa"]
    assert (lines["has-people"], lines["has-targets"]) == ("true", "true")
    empty = dict(line.split("=", 1) for line in ci_matrix.github_output([]).splitlines())
    assert empty == {
        "people": '{"include":[]}',
        "targets": '{"include":[]}',
        "all": '{"include":[]}',
        "has-people": "false",
        "has-targets": "false",
    }


def test_one_profile_for_both_sides_of_one_account_is_accepted(project: Path) -> None:
    text = ROLES_ONLY.format(profile="utils").replace('"777788889999"', '"111122223333"')
    (project / "Pulumi.qa.yaml").write_text(text, encoding="utf-8")
    (qa,) = [e for e in ci_matrix.matrix(project)["include"] if e["stack"] == "qa"]
    assert qa["source"]["profile"] == qa["target"]["profile"] == "utils"


def test_one_profile_for_two_accounts_is_refused_naming_the_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Pulumi.qa.yaml").write_text(ROLES_ONLY.format(profile="utils"), encoding="utf-8")
    with pytest.raises(SettingsError) as raised:
        ci_matrix.matrix(project)
    assert (
        "Pulumi.qa.yaml: cross-account-roles:target.profile is 'utils', the profile of cross-account-roles:source.profile, "
        "but the accounts differ (111122223333, 777788889999); expected one profile per account (a profile reaches one account)"
    ) in str(raised.value)
    assert ci_matrix.main([], project_dir=project) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")


def changed(project: Path, base: Path) -> list[str]:
    return [e["stack"] for e in ci_matrix.select_changed(ci_matrix.matrix(project)["include"], project, base)]


@pytest.fixture
def base(project: Path, tmp_path: Path) -> Path:
    """The base branch's copy of the same project."""
    copy = tmp_path / "base"
    shutil.copytree(project, copy)
    return copy


def test_nothing_changed_previews_nothing(project: Path, base: Path) -> None:
    assert changed(project, base) == []


def test_a_changed_roles_only_stack_is_previewed_with_the_peoples_stack(project: Path, base: Path) -> None:
    path = project / "Pulumi.qa.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reader:", "writer:"), encoding="utf-8")
    assert changed(project, base) == ["utils", "qa"]


def test_a_removed_stack_file_previews_the_peoples_stack(project: Path, base: Path) -> None:
    (project / "Pulumi.qa.yaml").unlink()
    assert changed(project, base) == ["utils"]


def test_a_changed_policy_file_previews_every_stack(project: Path, base: Path) -> None:
    (project / "policies" / "role_permissions_policy.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}',
        encoding="utf-8",
    )
    assert changed(project, base) == ["utils", "qa"]


def test_the_command_writes_only_the_changed_stacks(project: Path, base: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Pulumi.new.yaml").write_text(
        ROLES_ONLY.format(profile="new").replace("777788889999", "123456789012"), encoding="utf-8"
    )
    assert ci_matrix.main(["--github-output", "--changed-against", str(base)], project_dir=project) == 0
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    assert [e["stack"] for e in json.loads(lines["all"])["include"]] == ["utils", "new"]


# --- the pull request's settings, taken as data ---------------------------------------------------


@pytest.fixture
def pull_request(project: Path, tmp_path: Path) -> Path:
    """A pull request's checkout: another stack file, a changed policy, and code."""
    pr = tmp_path / "pull-request"
    shutil.copytree(project, pr)
    (pr / "Pulumi.qa.yaml").unlink()
    (pr / "Pulumi.prod.yaml").write_text(ROLES_ONLY.format(profile="prod"), encoding="utf-8")
    (pr / "policies" / "extra").mkdir()
    (pr / "policies" / "extra" / "more.json").write_text("{}", encoding="utf-8")
    (pr / "__main__.py").write_text("raise SystemExit('the pull request's code ran')\n", encoding="utf-8")
    (pr / "Pulumi.yaml").write_text("name: something-else\n", encoding="utf-8")
    return pr


def test_only_the_stack_files_and_policies_are_taken(project: Path, pull_request: Path) -> None:
    program = (project / "__main__.py").read_text(encoding="utf-8")
    project_file = (project / "Pulumi.yaml").read_text(encoding="utf-8")
    taken = ci_pr_settings.take(pull_request, project)
    assert "Pulumi.prod.yaml" in taken
    assert "policies/extra/more.json" in taken
    assert sorted(p.name for p in project.glob("Pulumi.*.yaml")) == ["Pulumi.prod.yaml", "Pulumi.utils.yaml"]  # qa: removed
    assert (project / "policies" / "extra" / "more.json").read_text(encoding="utf-8") == "{}"
    assert (project / "__main__.py").read_text(encoding="utf-8") == program
    assert (project / "Pulumi.yaml").read_text(encoding="utf-8") == project_file


def test_a_symbolic_link_is_refused_before_anything_changes(
    project: Path, pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (pull_request / "policies" / "leak.json").symlink_to("/etc/hostname")
    before = sorted(p.name for p in project.glob("Pulumi.*.yaml"))
    assert ci_pr_settings.main([str(pull_request)], project_dir=project) == 2
    assert capsys.readouterr().err == (
        "error: policies/leak.json: a symbolic link; expected plain files only (settings are data); nothing was taken\n"
    )
    assert sorted(p.name for p in project.glob("Pulumi.*.yaml")) == before
    assert not (project / "policies" / "extra").exists()


def test_a_stack_file_that_is_a_link_is_refused(project: Path, pull_request: Path) -> None:
    (pull_request / "Pulumi.prod.yaml").unlink()
    (pull_request / "Pulumi.prod.yaml").symlink_to(pull_request / "Pulumi.utils.yaml")
    with pytest.raises(ci_pr_settings.NotDataError, match=r"^Pulumi\.prod\.yaml: a symbolic link"):
        ci_pr_settings.take(pull_request, project)


def test_the_stack_folder_of_the_base_branchs_pulumi_yaml_is_where_stack_files_go(project: Path, tmp_path: Path) -> None:
    """`stackConfigDir` is read from the base branch's Pulumi.yaml, never the pull request's."""
    (project / "Pulumi.yaml").write_text(
        (project / "Pulumi.yaml").read_text(encoding="utf-8") + "stackConfigDir: stacks\n", encoding="utf-8"
    )
    (project / "stacks").mkdir()
    pr = tmp_path / "pr"
    (pr / "stacks").mkdir(parents=True)
    (pr / "stacks" / "Pulumi.qa.yaml").write_text(ROLES_ONLY.format(profile="qa"), encoding="utf-8")
    (pr / "Pulumi.elsewhere.yaml").write_text(ROLES_ONLY.format(profile="x"), encoding="utf-8")
    assert ci_pr_settings.take(pr, project) == ["stacks/Pulumi.qa.yaml"]
    assert (project / "stacks" / "Pulumi.qa.yaml").is_file()
    assert not (project / "Pulumi.elsewhere.yaml").exists()
