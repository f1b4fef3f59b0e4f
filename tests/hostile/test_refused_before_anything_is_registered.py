"""A hostile stack is refused before anything is registered, with one error naming the key.

Each `Refused` case (tests/hostile/cases/) runs once through each entry point: the program
(`__main__.py` under the recording mocks, given the configuration map the engine would pass it,
as `pulumi up` runs it), `plan`, `check` and `verify`. Every one of them:

- exits 2 with nothing on stdout and one error on stderr (no traceback) holding each of the
  case's lines (its exact text, where the case gives it);
- gives the same problem lines as the others: what `verify` accepts is what `up` accepts;
- registers nothing: the program stops before its first resource, on a settings error;
- and the engine's verdict is the offline read's: where the engine stops before any program runs,
  so does the read; where it runs the program, the program refuses on its own, with the same lines.

A few cases run again as the command line a pipeline calls, for the exit code a shell sees (an
outputs file's, `outputs-role-in-another-account`, runs only so: tests/hostile/cases/stack_files.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crossaccount.errors import SettingsError
from tests.hostile.cases import BY_NAME, REFUSED
from tests.hostile.harness import (
    Case,
    ProgramOutcome,
    Refused,
    command_line,
    no_credentials,
    problems,
    project_of,
    run,
    run_the_program,
)
from tools.offline.errors import ProgramError
from tools.offline.mocks import PROJECT_DIR

ESC_LINE = "Pulumi.hostile.yaml imports"
"""The line that says the offline read could not see an ESC environment: the engine has read it."""


def expected(case: Case) -> Refused:
    assert isinstance(case.expect, Refused)
    return case.expect


def without_esc(problem_lines: str) -> str:
    """The problems but the one that says the offline read could not see an ESC environment."""
    return "\n".join(line for line in problem_lines.splitlines() if ESC_LINE not in line)


def assert_the_program_refused(case: Case, program: ProgramOutcome) -> None:
    refused = expected(case)
    assert program.verdict != "ok", f"the program accepted {case.name}"
    if isinstance(program.run, ProgramError):  # the program itself refused, before its first resource
        assert program.run.registrations == []
        assert isinstance(program.run.cause, SettingsError), repr(program.run.cause)
    if refused.engine == "stops":  # the engine refuses before any program runs: so does the offline read
        assert program.verdict == "stopped", program.text
    elif refused.engine == "runs":  # the engine runs the program: it refuses on its own, with the same lines
        assert program.verdict == "error", program.text
    for line in refused.lines:
        if not line.startswith(ESC_LINE):
            assert line in program.text, f"program: expected {line!r} in\n{program.text}"
    if refused.exact is not None:  # `pulumi up` prints the program's error as the commands do
        assert f"error: {program.text}" == refused.exact


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_every_entry_point_refuses_the_stack_alike_before_anything_is_registered(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = expected(case)
    no_credentials(tmp_path, monkeypatch)
    for variable, value in case.env.items():
        monkeypatch.setenv(variable, value)
    project = project_of(case, tmp_path)
    program = run_the_program(case, project)
    assert_the_program_refused(case, program)
    refusals = {}
    for command in refused.commands:
        code, out, err = run(command_line(command, project, case.stack), capsys)
        assert "Traceback" not in err, err
        assert (code, out) == (2, ""), f"{command}: exit {code}\n{err}\n{out[:500]}"
        assert err.startswith("error: "), f"{command}: {err[:500]}"
        for line in refused.lines:
            assert line in err, f"{command}: expected {line!r} in:\n{err}"
        if refused.exact is not None:
            whole = refused.exact.replace("nothing was created", "no AWS call was made") if command == "verify" else refused.exact
            assert err == whole + "\n", command
        refusals[command] = without_esc(problems(err))
    if case.engine_values is None:  # the program read the same files: the same problems
        refusals["program"] = without_esc(problems(program.text))
    assert len(set(refusals.values())) == 1, refusals


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("stack-duplicate-setting", "check"),
        ("stack-billion-laughs", "plan"),
        ("policy-duplicate-resource", "check"),
    ],
)
def test_the_command_line_gives_the_same_error_and_exit_code(name: str, command: str, tmp_path: Path) -> None:
    case = BY_NAME[name]
    project = project_of(case, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "tools", *command_line(command, project)],
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
    for line in expected(case).lines:
        assert line in done.stderr
