"""Hostile input never crashes, hangs or slips through: every case of tests/hostile/cases/ gets
one clear error naming the file or key, a non-zero exit, no traceback, no plan, and nothing
registered, from `plan`, `check` and `verify` alike.

Each case folder holds what a hostile user hands the commands and `expected.txt`: its first
line names the commands the case runs against, the other lines must each appear in the error.
Cases run in process; a few also as the command line a pipeline calls.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crossaccount.errors import SettingsError
from tests.conftest import FIXTURE_PROJECT
from tools.__main__ import main
from tools.commands.plan import plan_stack
from tools.offline.errors import ProgramError
from tools.offline.mocks import PROJECT_DIR

CASES = Path(__file__).resolve().parent / "cases"
STACK = "hostile"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())
OUTPUTS = Path(__file__).resolve().parent / "walkthrough-outputs.json"
"""What `pulumi stack output --json` prints for the walk-through: verify reads it for cases without outputs."""


def read_expected(name: str) -> tuple[list[str], list[str]]:
    first, *lines = (CASES / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    commands = first.removeprefix("commands:").split()
    return commands, [line for line in lines if line]


def project_for(name: str, tmp_path: Path) -> Path:
    """The case's files beside the real program (and the real policies/ and the tests' Pulumi.yaml where the case has none)."""
    project = tmp_path / "project"
    shutil.copytree(CASES / name, project, symlinks=True)
    (project / "expected.txt").unlink()
    shutil.copy2(PROJECT_DIR / "__main__.py", project / "__main__.py")
    if not (project / "policies").exists():
        shutil.copytree(PROJECT_DIR / "policies", project / "policies")
    elif not (project / "policies" / "role_permissions_policy.json").exists():
        shutil.copy2(PROJECT_DIR / "policies" / "role_permissions_policy.json", project / "policies")
    if (project / "policies").is_dir() and not (project / "policies" / "source").exists():
        shutil.copytree(PROJECT_DIR / "policies" / "source", project / "policies" / "source")  # the self-service policy
    if not (project / "Pulumi.yaml").exists():
        shutil.copy2(FIXTURE_PROJECT / "Pulumi.yaml", project / "Pulumi.yaml")
    return project


def argv(command: str, project: Path) -> list[str]:
    args = [command, "--stack", STACK, "--project-dir", str(project)]
    if command == "verify":
        outputs = project / "outputs.json"
        # A case without outputs fails on its settings; verify must not reach for the Pulumi CLI first.
        args += ["--outputs", str(outputs if outputs.exists() else OUTPUTS), "--mfa-token", "123456"]
    return args


def test_the_corpus_has_at_least_sixty_cases_each_with_an_expectation() -> None:
    assert len(NAMES) >= 60
    for name in NAMES:
        commands, lines = read_expected(name)
        assert commands, name
        assert set(commands) <= {"plan", "check", "verify"}, name
        assert lines, name


@pytest.mark.parametrize("name", NAMES)
def test_every_command_refuses_the_case_with_one_clear_error(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # verify must fail before it looks for credentials: none are there to find.
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    project = project_for(name, tmp_path)
    commands, expected = read_expected(name)
    for command in commands:
        code = main(argv(command, project))
        out, err = capsys.readouterr()
        assert code == 2, f"{command}: exit {code}\n{err}"
        assert out == "", f"{command} printed a plan or report:\n{out[:500]}"
        assert err.startswith("error: "), f"{command}: {err[:500]}"
        assert "Traceback" not in err
        for line in expected:
            assert line in err, f"{command}: expected {line!r} in:\n{err}"


@pytest.mark.parametrize("name", [n for n in NAMES if "plan" in read_expected(n)[0]])
def test_the_program_registers_nothing_for_the_case(name: str, tmp_path: Path) -> None:
    project = project_for(name, tmp_path)
    with pytest.raises((ProgramError, SettingsError)) as info:
        plan_stack(STACK, project)
    if isinstance(info.value, ProgramError):  # the program itself refused, before its first resource
        assert info.value.registrations == []
        assert isinstance(info.value.cause, SettingsError)


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("stack-duplicate-setting", "check"),
        ("stack-billion-laughs", "plan"),
        ("policy-duplicate-resource", "check"),
        ("outputs-role-in-another-account", "verify"),
    ],
)
def test_the_command_line_gives_the_same_error_and_exit_code(name: str, command: str, tmp_path: Path) -> None:
    project = project_for(name, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "tools", *argv(command, project)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "AWS_CONFIG_FILE": str(tmp_path / "none"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        },
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    for line in read_expected(name)[1]:
        assert line in done.stderr
