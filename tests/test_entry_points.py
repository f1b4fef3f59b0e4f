"""Every entry point accepts and refuses the same stacks: the program (under the engine's
configuration, run here under the mocks), `make plan`, `make check` and `make verify` all go
through `crossaccount.pipeline`, so what `verify` accepts is what `up` accepts.

Run over every stack file of the repository (whatever a user has made of them: each must be
accepted by all four or refused by all four) and over a stack only the guardrails refuse. Each
stack of the hostile corpus is refused alike by all four in
tests/hostile/test_refused_before_anything_is_registered.py, which runs it through each once. A refusal is compared by its problem lines, which name the key, the value and what
is expected; only the first line (what did not happen) differs between the program and `verify`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crossaccount.errors import SettingsError
from crossaccount.guardrails import GuardrailError
from tests.conftest import FIXTURE_PROJECT, walkthrough_settings, write_policy
from tests.hostile.harness import OUTPUTS, STACK
from tools.__main__ import main
from tools.commands.plan import plan_stack
from tools.offline.errors import ProgramError
from tools.offline.mocks import PROJECT_DIR

ENTRY_POINTS = ("program", "plan", "check", "verify")
ACCEPTED = "accepted"


def _problems(text: str) -> str:
    """The problem lines of an error (a settings error lists them after its first line)."""
    lines = [line for line in text.splitlines() if line.startswith("  - ")]
    return "\n".join(lines) if lines else text.strip().removeprefix("error: ")


def outcome(entry: str, project: Path, stack: str, capsys: pytest.CaptureFixture[str]) -> str:
    """`accepted`, or the problems of the refusal."""
    if entry == "program":
        try:
            plan_stack(stack, project)
        except ProgramError as error:
            registered = error.registrations
            refusal = _problems(str(error.cause))
        except SettingsError as error:  # the stack file itself, read before the program starts
            return _problems(str(error))
        else:
            return ACCEPTED
        assert registered == []  # refused before its first resource
        return refusal
    args = [entry, "--stack", stack, "--project-dir", str(project)]
    if entry == "verify":  # the walk-through's outputs; verify stops at the credentials it cannot find here
        args += ["--outputs", str(OUTPUTS), "--mfa-token", "123456", "--wait", "0"]
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if entry == "check":
        return ACCEPTED if code == 0 else _problems(err) if err else _blocking(out)
    refused = err.startswith("error: ") and ("problem(s) in the stack settings" in err or "guardrail" in err.lower())
    return _problems(err) if refused else ACCEPTED


def _blocking(report: str) -> str:
    """`check` reports the findings it refuses with; the program raises them."""
    return "guardrails: " + ", ".join(sorted({line.split()[1] for line in report.splitlines() if line.startswith("  error ")}))


@pytest.fixture(autouse=True)
def _no_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


REPOSITORY_STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in PROJECT_DIR.glob("Pulumi.*.yaml"))


@pytest.mark.parametrize("stack", REPOSITORY_STACKS)
def test_each_stack_of_the_repository_is_accepted_or_refused_alike(stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Whatever a user has made of them, the repository's stacks plan and pass `check` (the
    workflows run both on every pull request), and `verify` gets past the settings to the outputs."""
    outcomes = {entry: outcome(entry, PROJECT_DIR, stack, capsys) for entry in ENTRY_POINTS}
    assert outcomes == dict.fromkeys(ENTRY_POINTS, ACCEPTED)


def test_a_stack_only_the_guardrails_refuse_is_refused_by_all_four(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = walkthrough_settings()
    write_policy(
        project / "policies",
        "admin.json",
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    )
    settings["roles"]["s3-list-role"]["policyFiles"] = ["admin.json"]
    text = "config:\n" + "".join(f"  cross-account-roles:{k}: {__import__('json').dumps(v)}\n" for k, v in settings.items())
    (project / f"Pulumi.{STACK}.yaml").write_text(text, encoding="utf-8")
    (project / "Pulumi.yaml").write_text((FIXTURE_PROJECT / "Pulumi.yaml").read_text(encoding="utf-8"), encoding="utf-8")

    with pytest.raises(ProgramError) as error:
        plan_stack(STACK, project)
    assert isinstance(error.value.cause, GuardrailError)
    assert error.value.registrations == []
    codes = {
        entry: main(
            [entry, "--stack", STACK, "--project-dir", str(project), *(["--outputs", str(OUTPUTS)] if entry == "verify" else [])]
        )
        for entry in ("plan", "check", "verify")
    }
    err = capsys.readouterr().err
    assert codes == {"plan": 1, "check": 1, "verify": 1}, err
    assert "ADMINISTRATOR_ACCESS" in err or "ACTION_WILDCARD" in err
