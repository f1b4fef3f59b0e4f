"""The workflows' matrices (tools/commands/ci_matrix.py) and the pull request's settings taken
into the base branch's checkout (tools/commands/ci_pr_settings.py).

Invariant: each stack carries its kind (people, roles, legacy) from its `users` key; the
people's stacks come apart from the others (the deploy runs them first); a stack whose two
sides share a profile is accepted when that is one account and refused, naming the key, when
the accounts differ; a pull request's preview takes the stacks whose files it changes, every
stack when policies/ changes, and the people's stacks whenever any stack file changes (added,
changed or removed); the preview takes from a pull request only its stack files and the policy
documents they name, and refuses, before it changes anything and in one line naming the file
and key, a symbolic link, an ESC `environment:`, an unknown top-level key, a config key of
another namespace (`aws:`, `pulumi:`), a changed secrets provider and a named file that is not
JSON.
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


def test_only_the_stack_files_and_the_policy_documents_they_name_are_taken(project: Path, pull_request: Path) -> None:
    program = (project / "__main__.py").read_text(encoding="utf-8")
    project_file = (project / "Pulumi.yaml").read_text(encoding="utf-8")
    (pull_request / "policies" / "role_permissions_policy.json").write_text('{"Version": "2012-10-17"}', encoding="utf-8")
    (pull_request / "policies" / "sitecustomize.py").write_text("import os\n", encoding="utf-8")
    (pull_request / "policies" / "libhook.so").write_bytes(b"\x7fELF")
    taken = ci_pr_settings.take(pull_request, project)
    assert taken == [
        "Pulumi.prod.yaml",
        "Pulumi.utils.yaml",
        "policies/role_permissions_policy.json",
        "policies/source/self-service-credentials.json",
    ]
    assert sorted(p.name for p in project.glob("Pulumi.*.yaml")) == ["Pulumi.prod.yaml", "Pulumi.utils.yaml"]  # qa: removed
    assert (project / "policies" / "role_permissions_policy.json").read_text(encoding="utf-8") == '{"Version": "2012-10-17"}'
    # Nothing a stack does not name lands: no module for PYTHONPATH, no library for LD_PRELOAD.
    assert sorted(p.relative_to(project).as_posix() for p in (project / "policies").rglob("*") if p.is_file()) == [
        "policies/role_permissions_policy.json",
        "policies/source/self-service-credentials.json",
    ]
    assert (project / "__main__.py").read_text(encoding="utf-8") == program
    assert (project / "Pulumi.yaml").read_text(encoding="utf-8") == project_file


def test_a_symbolic_link_is_refused_before_anything_changes(
    project: Path, pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (pull_request / "policies" / "role_permissions_policy.json").unlink()
    (pull_request / "policies" / "role_permissions_policy.json").symlink_to("/etc/hostname")
    before = sorted(p.name for p in project.glob("Pulumi.*.yaml"))
    assert ci_pr_settings.main([str(pull_request)], project_dir=project) == 2
    assert capsys.readouterr().err == (
        "error: policies/role_permissions_policy.json: a symbolic link; expected plain files only (settings are data); "
        "nothing was taken\n"
    )
    assert sorted(p.name for p in project.glob("Pulumi.*.yaml")) == before


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


# --- what the Pulumi CLI would act on: refused in a pull request's stack file ----------------------

REFUSED = [
    (
        "environment:\n  - platform/aws-prod\n",
        "Pulumi.prod.yaml: environment: imports Pulumi ESC environments, whose environmentVariables the Pulumi CLI sets "
        "in its own process (PYTHONPATH, LD_PRELOAD, AWS_* run or reach what they name, beside the state's keys); "
        "expected no environment: in a pull request's stack file (the preview takes stack files as data)",
    ),
    (
        "environment:\n  values:\n    environmentVariables:\n      LD_PRELOAD: policies/libhook.so\n",
        "Pulumi.prod.yaml: environment: imports Pulumi ESC environments",
    ),
    (
        "imports: [x]\n",
        'Pulumi.prod.yaml: top-level key "imports" is not one the program knows; expected only config: and the secrets '
        "provider's secretsprovider, encryptedkey, encryptionsalt",
    ),
    (
        "options:\n  refresh: true\n",
        'Pulumi.prod.yaml: top-level key "options" is not one the program knows',
    ),
    (
        "config:\n  aws:endpoints:\n    - sts: https://attacker.example\n",
        'Pulumi.prod.yaml: config key "aws:endpoints" configures the AWS provider (where its calls and credentials go: '
        "endpoints, profile, assumeRole, shared credentials files, proxies), which the program never reads: its providers "
        "are explicit, from cross-account-roles:source and cross-account-roles:target; expected only cross-account-roles:* "
        "keys in a pull request's stack file",
    ),
    ("config:\n  aws:region: us-east-1\n", 'Pulumi.prod.yaml: config key "aws:region" configures the AWS provider'),
    ("config:\n  aws:profile: admin\n", 'Pulumi.prod.yaml: config key "aws:profile" configures the AWS provider'),
    (
        "config:\n  pulumi:disable-default-providers: []\n",
        'Pulumi.prod.yaml: config key "pulumi:disable-default-providers" configures the engine itself '
        "(e.g. pulumi:disable-default-providers, which Pulumi.yaml sets); expected only cross-account-roles:* keys",
    ),
    (
        "config:\n  Cross-Account-Roles:tags: {}\n",
        'Pulumi.prod.yaml: config key "Cross-Account-Roles:tags" is not a setting of this program',
    ),
    (
        'config:\n  "aws:region\\u202e": x\n',
        'Pulumi.prod.yaml: config key "aws:region\\u202e" configures the AWS provider',
    ),
]


@pytest.mark.parametrize(("extra", "message"), REFUSED)
def test_what_the_cli_would_act_on_is_refused_naming_the_file_and_key_and_nothing_is_taken(
    project: Path, pull_request: Path, capsys: pytest.CaptureFixture[str], extra: str, message: str
) -> None:
    text = (pull_request / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    text = text.replace("config:\n", extra, 1) if extra.startswith("config:") else extra + text
    (pull_request / "Pulumi.prod.yaml").write_text(text, encoding="utf-8")
    before = {p.name: p.read_text(encoding="utf-8") for p in project.glob("Pulumi.*.yaml")}
    assert ci_pr_settings.main([str(pull_request)], project_dir=project) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {message}"), err
    assert err.endswith("; nothing was taken\n")
    assert err.count("\n") == 1
    assert {p.name: p.read_text(encoding="utf-8") for p in project.glob("Pulumi.*.yaml")} == before
    assert (project / "policies" / "role_permissions_policy.json").is_file()


SALT = "v1:abcdefghijklmnopqrstuvwx:v1:ABCDEFGHIJKLMNOPQRSTUVWX:abcdef=="


def test_a_changed_secrets_provider_is_refused_and_an_unchanged_one_taken(project: Path, pull_request: Path) -> None:
    base = (project / "Pulumi.utils.yaml").read_text(encoding="utf-8")
    (project / "Pulumi.utils.yaml").write_text(f"encryptionsalt: {SALT}\n" + base, encoding="utf-8")
    (pull_request / "Pulumi.utils.yaml").write_text(f"encryptionsalt: {SALT}\n" + base, encoding="utf-8")
    assert "Pulumi.utils.yaml" in ci_pr_settings.take(pull_request, project)

    (project / "Pulumi.utils.yaml").write_text(f"encryptionsalt: {SALT}\n" + base, encoding="utf-8")
    (pull_request / "Pulumi.utils.yaml").write_text(
        "secretsprovider: awskms://alias/theirs?region=us-east-1\nencryptedkey: AQID\n" + base, encoding="utf-8"
    )
    with pytest.raises(ci_pr_settings.NotDataError) as error:
        ci_pr_settings.take(pull_request, project)
    assert str(error.value) == (
        "Pulumi.utils.yaml: secretsprovider differs from the base branch's; it says how the Pulumi CLI reaches the key to "
        "the stack's state: expected the base branch's value (change it on the base branch, by an administrator)"
    )


def test_a_new_stack_may_carry_its_secrets_provider(project: Path, pull_request: Path) -> None:
    text = (pull_request / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    (pull_request / "Pulumi.prod.yaml").write_text(f"encryptionsalt: {SALT}\n" + text, encoding="utf-8")
    assert "Pulumi.prod.yaml" in ci_pr_settings.take(pull_request, project)


def test_a_named_policy_file_that_is_not_json_is_refused(project: Path, pull_request: Path) -> None:
    """A planted library named like a policy (LD_PRELOAD does not care about the name) is not a document."""
    (pull_request / "policies" / "role_permissions_policy.json").write_bytes(b"\x7fELF\x02\x01\x01")
    with pytest.raises(ci_pr_settings.NotDataError, match=r"^policies/role_permissions_policy\.json: not a JSON text \("):
        ci_pr_settings.take(pull_request, project)


def test_a_policies_folder_that_is_a_link_is_refused(project: Path, pull_request: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(pull_request / "policies", elsewhere)
    (pull_request / "policies").symlink_to(elsewhere)
    with pytest.raises(ci_pr_settings.NotDataError, match=r"^policies: a symbolic link"):
        ci_pr_settings.take(pull_request, project)


def test_policy_files_named_in_json_text_and_by_every_stack_are_taken(project: Path, pull_request: Path) -> None:
    """`pulumi config set cross-account-roles:roles '{...}'` stores the roles as JSON text."""
    roles = json.dumps({"reader": {"trustedUsers": ["random_user"], "policyFiles": ["from_text.json", "../escape.json"]}})
    (pull_request / "Pulumi.prod.yaml").write_text(
        ROLES_ONLY.format(profile="prod").split("  cross-account-roles:roles:")[0]
        + f"  cross-account-roles:roles: {json.dumps(roles)}\n",
        encoding="utf-8",
    )
    (pull_request / "policies" / "from_text.json").write_text("{}", encoding="utf-8")
    (pull_request / "escape.json").write_text("{}", encoding="utf-8")
    taken = ci_pr_settings.take(pull_request, project)
    assert "policies/from_text.json" in taken
    assert "policies/role_permissions_policy.json" in taken  # named by utils
    assert not any("escape" in t for t in taken)


def test_a_stack_file_unchanged_from_the_base_branch_is_taken_as_the_base_branchs(project: Path, pull_request: Path) -> None:
    """ESC environments on the base branch were reviewed there: an unchanged file still previews;
    the same key added by the pull request is refused."""
    with_esc = "environment:\n  - platform/aws-prod\n" + (project / "Pulumi.utils.yaml").read_text(encoding="utf-8")
    (project / "Pulumi.utils.yaml").write_text(with_esc, encoding="utf-8")
    (pull_request / "Pulumi.utils.yaml").write_text(with_esc, encoding="utf-8")
    assert "Pulumi.utils.yaml" in ci_pr_settings.take(pull_request, project)
    (project / "Pulumi.utils.yaml").write_text(with_esc, encoding="utf-8")
    (pull_request / "Pulumi.utils.yaml").write_text(with_esc + "  # changed\n", encoding="utf-8")
    with pytest.raises(ci_pr_settings.NotDataError, match=r"^Pulumi\.utils\.yaml: environment: imports"):
        ci_pr_settings.take(pull_request, project)
