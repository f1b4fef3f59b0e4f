"""A person's first day in one place: the people's stack gives each person their whole
`~/.aws/config` (every role of every stack that trusts them) and their steps in the order they
take them, as lists (`users.<user>.dayOne`), and `python -m tools aws-config --person` prints
the same lines over the whole organisation, offline.

Invariants: a person trusted only by other stacks' roles still gets the MFA session step, as
long as the shortest `mfaMaxAgeSeconds` of every role that needs it; blocks sorted by profile
name, two runs byte for byte equal; the MFA device, the access key, the CLI's version and the
session come before the profiles that need them; a secret externalId never reaches these (not
secret) outputs; a role no profile can reach gets its command instead.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossaccount.pipeline import Checked, check_stack
from crossaccount.plan.outputs import stack_outputs
from tests.test_organisation import DATA, PROD, SOURCE, STAGING, role, target  # the organisation tests' stack builders
from tools.paths import PROJECT_DIR


@pytest.fixture
def project(program_of_its_own: Path, tmp_path: Path) -> Path:
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    for old in tmp_path.glob("Pulumi.*.yaml"):
        old.unlink()
    return tmp_path


def write(project: Path, name: str, values: dict[str, Any]) -> None:
    config = {f"cross-account-roles:{k}": v for k, v in values.items()}
    (project / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}), encoding="utf-8")


def organisation(project: Path, **staging_roles: dict[str, Any]) -> None:
    """people: alice (prod-read) and carol, whom only other stacks' roles trust."""
    write(project, "people", {"target": target(PROD), "users": {"alice": {}, "carol": {}}, "roles": {"prod-read": role("alice")}})
    write(project, "staging", {"target": target(STAGING), "roles": staging_roles or {"staging-read": role("alice", "carol")}})
    write(project, "data", {"target": target(DATA), "roles": {"data-read": role("carol", mfaMaxAgeSeconds=3600)}})


def user_outputs(checked: Checked, user: str) -> dict[str, Any]:
    outputs: dict[str, Any] = stack_outputs(checked.plan)["users"][user]
    return outputs


def block(role_name: str, account: str, source_profile: str, session: str, duration: int = 3600) -> list[str]:
    return [
        f"[profile {role_name}@{account}]",
        f"role_arn = arn:aws:iam::{account}:role/{role_name}",
        f"source_profile = {source_profile}",
        f"role_session_name = {session}",
        f"duration_seconds = {duration}",
        "region = eu-north-1",
    ]


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools", "aws-config", *args, "--project-dir", str(project)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_person_trusted_only_by_other_stacks_gets_the_session_step_and_every_profile(project: Path) -> None:
    organisation(project)
    carol = user_outputs(check_stack(project, "people"), "carol")
    # the session serves data-read too, whose trust refuses an MFA older than an hour
    login = (
        f"aws configure mfa-login --profile carol@{SOURCE} --update-profile carol@{SOURCE}-mfa "
        f"--serial-number arn:aws:iam::{SOURCE}:mfa/carol --duration-seconds 3600"
    )
    assert carol["mfaSessionCommand"] == login
    assert carol["roles"] == ["data/data-read", "staging/staging-read"]
    assert carol["dayOne"]["awsConfig"] == [
        *block("data-read", DATA, f"carol@{SOURCE}-mfa", "carol"),
        "",
        *block("staging-read", STAGING, f"carol@{SOURCE}-mfa", "carol"),
    ]
    steps = carol["dayOne"]["steps"]
    assert [s.split(" ", 1)[0] for s in steps] == ["Enrol", "Create", "Check", "Start", "Add", "Try"]
    assert steps[3] == (
        f"Start your MFA session: {login} (it asks for the 6-digit code your authenticator shows, and writes the "
        f"profile carol@{SOURCE}-mfa into ~/.aws/credentials). It lasts 1 hour; run it again when a command answers "
        "ExpiredToken."
    )
    assert steps[-1] == f"Try it: aws sts get-caller-identity --profile data-read@{DATA}"


def test_the_config_spans_every_stack_sorted_by_profile_name_and_is_the_same_twice(project: Path) -> None:
    organisation(project)
    first = user_outputs(check_stack(project, "people"), "alice")["dayOne"]
    assert first["awsConfig"] == [
        *block("prod-read", PROD, f"alice@{SOURCE}-mfa", "alice"),
        "",
        *block("staging-read", STAGING, f"alice@{SOURCE}-mfa", "alice"),
    ]
    assert user_outputs(check_stack(project, "people"), "alice")["dayOne"] == first
    assert not any("\n" in line for line in first["awsConfig"] + first["steps"])


def test_the_steps_come_in_the_order_a_person_can_take_them(project: Path) -> None:
    """The self-service Deny refuses CreateAccessKey without MFA, mfa-login needs the key and
    CLI 2.30.3, and the profiles source the session: enrol, key, CLI, session, profiles."""
    write(
        project,
        "people",
        {
            "target": target(PROD),
            "requirePgpKey": False,
            "users": {"alice": {"consoleAccess": True}},
            "roles": {"prod-read": role("alice")},
        },
    )
    steps = user_outputs(check_stack(project, "people"), "alice")["dayOne"]["steps"]
    assert [s.split(" ", 1)[0] for s in steps] == ["Sign", "Enrol", "Create", "Check", "Start", "Add", "Try"]
    assert "named exactly alice" in steps[1]
    assert "only mfa/alice, any other name is refused (AccessDenied)" in steps[1]
    assert "a passkey or security key works for the console, not the CLI" in steps[1]
    assert "sign out and in again with your MFA device first" in steps[2]
    assert 'answers "aws: error: argument subcommand: Invalid choice, valid choices are:"' in steps[3]
    assert f"aws sts get-session-token --profile alice@{SOURCE} --serial-number arn:aws:iam::{SOURCE}:mfa/alice" in steps[3]


def test_without_mfa_anywhere_the_profiles_use_the_long_term_key_for_the_whole_session(project: Path) -> None:
    write(
        project,
        "people",
        {
            "target": target(PROD),
            "users": {"alice": {}},
            "selfService": {"enforceMfa": False},
            "roles": {"prod-read": role("alice", requireMfa=False, maxSessionDuration=7200)},
        },
    )
    alice = user_outputs(check_stack(project, "people"), "alice")
    assert "mfaSessionCommand" not in alice
    assert alice["dayOne"]["awsConfig"] == block("prod-read", PROD, f"alice@{SOURCE}", "alice", duration=7200)
    assert [s.split(" ", 1)[0] for s in alice["dayOne"]["steps"]] == ["Create", "Add", "Try"]


def test_a_role_no_profile_can_reach_gets_its_command_and_a_secret_external_id_stays_out(project: Path) -> None:
    organisation(
        project,
        **{
            "staging-read": role("alice", "carol"),
            "staging-audit": role("carol", requireSourceIdentity=True),
            "staging-partner": role("carol", externalId={"secure": "v1:c2VjcmV0"}),
        },
    )
    carol = user_outputs(check_stack(project, "people"), "carol")["dayOne"]
    assert [line for line in carol["awsConfig"] if line.startswith("[")] == [
        f"[profile data-read@{DATA}]",
        f"[profile staging-read@{STAGING}]",
    ]
    assert (
        f"staging/staging-audit has no profile here (it requires a source identity, which no profile key sets): run "
        f"aws sts assume-role --role-arn arn:aws:iam::{STAGING}:role/staging-audit --role-session-name carol "
        f"--profile carol@{SOURCE}-mfa --duration-seconds 3600 --source-identity carol"
    ) in carol["steps"]
    assert (
        "staging/staging-partner has no profile here (its externalId is a secret: take its awsConfigProfile from its "
        "stack's outputs, with --show-secrets)"
    ) in carol["steps"]
    assert not [s for s in carol["steps"] + carol["awsConfig"] if "undecrypted" in s or "c2VjcmV0" in s]


def test_aws_config_prints_the_persons_lines_and_steps_over_the_organisation(project: Path) -> None:
    organisation(project)
    printed = cli(project, "--person", "carol")
    assert (printed.returncode, printed.stderr) == (0, "")
    expected = user_outputs(check_stack(project, "people"), "carol")["dayOne"]
    assert printed.stdout == "".join(f"{line}\n" for line in expected["awsConfig"])
    steps = cli(project, "--person", "carol", "--steps")
    assert steps.stdout == "".join(f"{i}. {s}\n" for i, s in enumerate(expected["steps"], 1))


def test_aws_config_refuses_a_person_no_people_stack_holds(project: Path) -> None:
    organisation(project)
    printed = cli(project, "--person", 'mallory"\n[profile x]')
    assert printed.returncode == 2
    assert printed.stdout == ""
    assert printed.stderr == (
        "error: 1 problem(s) in the stack settings; nothing was printed:\n"
        '  - --person: got "mallory\\"\\n[profile x]"; expected a person of a people\'s stack of this project '
        "(alice, carol)\n"
    )


def test_every_stack_asks_for_the_same_session_the_shortest_mfa_age_allows(project: Path) -> None:
    """One session profile serves every stack: staging's outputs must not ask for 12 hours when
    data-read refuses an MFA older than one."""
    organisation(project)
    commands = {
        stack: stack_outputs(check_stack(project, stack).plan)["users"]["carol"]["mfaSessionCommand"]
        for stack in ("people", "staging", "data")
    }
    assert set(commands.values()) == {
        f"aws configure mfa-login --profile carol@{SOURCE} --update-profile carol@{SOURCE}-mfa "
        f"--serial-number arn:aws:iam::{SOURCE}:mfa/carol --duration-seconds 3600"
    }


def test_a_legacy_stacks_roles_are_in_the_persons_config_and_its_relisting_has_none(project: Path) -> None:
    """Until a stack that re-lists people (`create: false`) is migrated, its roles still belong
    in the person's config; the legacy stack's own copy of the person gets no partial day one."""
    write(project, "people", {"target": target(PROD), "users": {"alice": {}}, "roles": {"prod-read": role("alice")}})
    write(
        project,
        "old",
        {"target": target(DATA), "users": {"alice": {"create": False}}, "roles": {"old-read": role("alice", requireMfa=False)}},
    )
    alice = user_outputs(check_stack(project, "people"), "alice")
    assert alice["dayOne"]["awsConfig"] == [
        *block("old-read", DATA, f"alice@{SOURCE}-mfa", "alice"),
        "",
        *block("prod-read", PROD, f"alice@{SOURCE}-mfa", "alice"),
    ]
    assert "dayOne" not in user_outputs(check_stack(project, "old"), "alice")
