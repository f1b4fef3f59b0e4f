"""The one hostile-input harness: what a case is, the project it makes, and how it is run.

A case (`Case`) is a project's files (a stack file, maybe `Pulumi.yaml`, policies, another stack,
an outputs file, a base plan) beside the real program, and what must happen:

- `Refused`: the program, `plan`, `check` and `verify` each refuse the stack with one error
  that holds every line given (the exact error where `exact` is set), before anything is
  registered (tests/hostile/test_refused_before_anything_is_registered.py);
- `Accepted`: the program, `check` and `plan` accept it, with at most the one warning given
  (tests/hostile/test_the_engine_reads_what_we_read.py);
- `Ends`: one command line ends with its exit code and exactly its error
  (tests/hostile/test_each_file_and_option_ends_in_its_one_error.py);
- `Reported`: `plan --format markdown --against` the base's plan lists exactly these access
  changes (tests/hostile/test_access_through_groups_is_reported.py).

The cases are Python (tests/hostile/cases/), so that bytes no editor keeps, named pipes,
symbolic links and generated stacks are written the same way as plain text. Each case runs once
for the property its module proves.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crossaccount.errors import SettingsError
from crossaccount.read.engine import EngineConfig
from crossaccount.read.project import read_engine_config
from tests.conftest import FIXTURE_PROJECT
from tools.__main__ import main
from tools.offline.errors import ProgramError
from tools.offline.mocks import PROJECT_DIR, ProgramRun, run_program

HERE = Path(__file__).resolve().parent
STACK = "hostile"
FILE = "Pulumi.hostile.yaml"
OUTPUTS = HERE / "walkthrough-outputs.json"
"""What `pulumi stack output --json` prints for the walk-through: verify reads it where a case has no outputs."""
KEY_ID = "AKIAIOSFODNN7EXAMPLE"  # AWS's documentation key: never valid, and no call is made
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ALL = ("plan", "check", "verify")
PROGRESS = ("source credentials: ", "guardrails: ")
"""The only lines stderr may hold before an error: verify's credentials' origin, the program's warnings."""

Maker = Callable[[Path], None]
Content = str | bytes | Maker | tuple[str, str] | None
"""Text (`{p}` is the project's folder), bytes, a function that makes the file (a named pipe,
a sparse file), `("symlink", target)`, or None: the project has no such file."""


@dataclass(frozen=True)
class Refused:
    """The program, and each of `commands`, refuse the stack with one error before anything is registered."""

    lines: tuple[str, ...]
    """Each appears in the error of every entry point."""
    commands: tuple[str, ...] = ALL
    exact: str | None = None
    """The whole stderr of `plan` and `check` (verify's says "no AWS call was made" for "nothing was created")."""
    engine: str | None = None
    """What the Pulumi engine does with the project: `runs` the program (which must then refuse on its
    own, with the same lines), `stops` before any program runs (so must the offline read), `runs-other`
    (it would run on another reading than the one written: refused either way); None: not judged."""


@dataclass(frozen=True)
class Accepted:
    """`check`, `plan` and the program accept the project, with this one warning or none."""

    warning: str | None = None


@dataclass(frozen=True)
class Ends:
    """One command line (`{p}`: the project's folder): its exit code and the end of its stderr."""

    args: tuple[str, ...]
    code: int = 2
    error: str = ""
    """The exact end of stderr; "" where the command succeeds."""
    lines: tuple[str, ...] = ()
    """Instead of `error`: lines that each appear in the one error."""
    stdout: str = ""
    """The start of a line stdout must hold; "" when stdout must be empty."""
    separate: bool = False
    """Run as its own process with a timeout (a case that could hang)."""
    keys: bool = True
    """AWS keys in the environment (verify's AWS side is the case); False: none anywhere, so the error
    is proved to come before verify looks for credentials."""


@dataclass(frozen=True)
class Reported:
    """`plan --format markdown --against base.json` on the case's stack file (the case's `base.json`:
    the program's own plan of the base settings, as `make plan FORMAT=json` writes it on the base branch)."""

    headline: str
    """The first line of *what changed*: widened (with the count), only narrows, or none; "" where refused."""
    lines: tuple[str, ...]
    """Every access line of *what changed*, in the comment's order."""
    rows: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(user, role) -> the start of that row of *Who may assume what*."""
    warnings: tuple[str, ...] = ()
    """The rules of the guardrail warnings on stderr, in order."""
    refused: str | None = None
    """A line of the one error where the guardrails refuse the head (exit 1, nothing on stdout)."""
    who: tuple[str, ...] = ()
    """Every line of *Who gains or loses access* (the access rows compared), in order; none: no such section."""


Expectation = Refused | Accepted | Ends | Reported


@dataclass(frozen=True)
class Case:
    """A project's files (`files`, over the real program, policies/ and the tests' Pulumi.yaml) and what must happen."""

    name: str
    files: Mapping[str, Content]
    expect: Expectation
    why: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    stack: str = STACK
    engine_values: Mapping[str, str] | None = None
    """The configuration map the engine passes the program where the offline read refuses what the engine runs."""
    origin: str = ""
    """The harness the case came from before the three were one (`corpus`, `engine`, `readers`, `groups`): how the cases are counted."""


# --- the project ---------------------------------------------------------------------------------


def _clear(project: Path, name: str) -> None:
    """Make room for a case's file: what the base project has there (or at a folder above it) goes."""
    path = project
    for part in Path(name).parts:
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            path.unlink()
        path = path / part
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def project_of(case: Case, tmp_path: Path) -> Path:
    """The real `__main__.py` and policies/, the tests' `Pulumi.yaml`, then the case's files over them."""
    project = tmp_path / "p"
    project.mkdir(parents=True)
    shutil.copy2(PROJECT_DIR / "__main__.py", project / "__main__.py")
    shutil.copy2(FIXTURE_PROJECT / "Pulumi.yaml", project / "Pulumi.yaml")
    shutil.copytree(PROJECT_DIR / "policies", project / "policies")
    for name, content in case.files.items():
        path = project / name
        _clear(project, name)
        if content is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, tuple):
            path.symlink_to(content[1])
        elif isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content.replace("{p}", str(project)), encoding="utf-8")
        else:
            content(path)
    return project


# --- running it ----------------------------------------------------------------------------------


def no_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """verify must fail before it looks for credentials: none are there to find."""
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


def command_line(command: str, project: Path, stack: str = STACK) -> list[str]:
    """`plan`, `check` or `verify` of the case's stack (verify: the case's outputs, or the walk-through's)."""
    args = [command, "--stack", stack, "--project-dir", str(project)]
    if command == "verify":
        outputs = project / "outputs.json"
        args += ["--outputs", str(outputs if outputs.exists() else OUTPUTS), "--mfa-token", "123456", "--wait", "0"]
    return args


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`python -m tools ...` in process: (exit code, stdout, stderr)."""
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@dataclass(frozen=True)
class ProgramOutcome:
    """`__main__.py` under the recording mocks, given the configuration map the engine would pass it."""

    verdict: str
    """`stopped` (the engine's read refuses before any program runs), `error` (the program refused) or `ok`."""
    text: str
    run: ProgramRun | ProgramError | None


def run_the_program(case: Case, project: Path) -> ProgramOutcome:
    config: EngineConfig
    if case.engine_values is not None:
        walkthrough = '{"accountId":"111122223333","profile":"utils","region":"eu-north-1"}'
        values = {"cross-account-roles:source": walkthrough, **case.engine_values}
        config = EngineConfig(values=values, secret_keys=frozenset())
    else:
        try:
            config = read_engine_config(project, case.stack)
        except SettingsError as error:
            return ProgramOutcome("stopped", str(error), None)
    try:
        done = run_program(case.stack, config, program_path=project / "__main__.py")
    except ProgramError as error:
        return ProgramOutcome("error", str(error.cause), error)
    return ProgramOutcome("ok", "", done)


def problems(text: str) -> str:
    """The problem lines of an error (a settings error lists them after its first line)."""
    lines = [line for line in text.splitlines() if line.startswith("  - ")]
    return "\n".join(lines) if lines else text.strip().removeprefix("error: ")


def aws_environment(case: Case, project: Path) -> dict[str, str]:
    """No AWS_* of the machine's; the case's AWS config files; keys in the environment unless a profile is chosen."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {
        "AWS_CONFIG_FILE": str(project / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(project / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    expect = case.expect
    if isinstance(expect, Ends) and expect.keys and "--profile" not in expect.args:
        env |= {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    return env | dict(case.env)


def run_case(
    case: Case, project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """An `Ends` case's command line, in process or as its own process: (exit code, stdout, stderr)."""
    assert isinstance(case.expect, Ends)
    argv = [a.replace("{p}", str(project)) for a in case.expect.args]
    env = aws_environment(case, project)
    if case.expect.separate:
        done = subprocess.run(
            [sys.executable, "-m", "tools", *argv],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return done.returncode, done.stdout, done.stderr
    for name in list(os.environ):
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return run(argv, capsys)


# --- what the other test modules read of the corpus ----------------------------------------------


def stack_file_texts() -> list[bytes]:
    """Every YAML file (stack files, Pulumi.yaml) of the stack files' corpus, as its bytes: the YAML readers' corpus too."""
    from tests.hostile.cases import stack_files

    return [
        content.encode("utf-8") if isinstance(content, str) else content
        for case in stack_files.CASES
        for name, content in case.files.items()
        if name.endswith(".yaml") and isinstance(content, str | bytes)
    ]
