"""Every file a command reads and every option it takes either works or ends in one error naming
the file, option or setting, the value and what is expected.

Each `Ends` case (a base plan for `plan --against`, an outputs file for `verify`, verify's options
and AWS configuration, the review's artifact folder, `tools comment`'s folder, waivers and PGP
keys that are accepted: tests/hostile/cases/readers.py and the outputs files of
tests/hostile/cases/stack_files.py) runs once through its command line: in process, or as a
separate process with a timeout where it could hang. Its exit code, nothing on stdout (or the
line the case says it prints), no traceback, and stderr ending in exactly the case's error (or
holding each of its lines); the lines before the error may only be verify's progress line or the
program's warnings.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from crossaccount.pipeline import load_values
from tests.conftest import walkthrough_settings
from tests.fake_time import FakeTime
from tests.hostile.cases import ENDS
from tests.hostile.cases.readers import OUTPUTS
from tests.hostile.harness import PROGRESS, Case, Ends, project_of, run_case
from tools.commands import verify
from tools.offline.mocks import PROJECT_DIR


@pytest.mark.parametrize("case", ENDS, ids=lambda c: c.name)
def test_each_file_and_option_ends_in_its_one_error(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ends = case.expect
    assert isinstance(ends, Ends)
    project = project_of(case, tmp_path)
    code, out, err = run_case(case, project, capsys, monkeypatch)
    assert "Traceback" not in err, err
    assert code == ends.code, err
    if ends.stdout:
        assert any(line.startswith(ends.stdout) for line in out.splitlines()), out
    else:
        assert out == ""
    if ends.lines:  # the one error holds each line
        before, found, error = err.partition("error: ")
        assert found, err
        for line in ends.lines:
            assert line in error, f"expected {line!r} in:\n{err}"
    else:
        expected = ends.error.replace("{p}", str(project))
        assert err.endswith(expected + "\n") if expected else "error" not in err, err
        before = err[: len(err) - len(expected) - 1] if expected else err
    assert all(line.startswith(PROGRESS) for line in before.splitlines()), before


@pytest.mark.parametrize(
    ("wait", "mfa", "error"),
    [
        (float("nan"), None, "--wait: got nan; expected a number of seconds from 0 to 3,600"),
        (float("inf"), None, "--wait: got inf; expected a number of seconds from 0 to 3,600"),
        (
            60.0,
            "\u0661" * 6,
            "--mfa-token: got 6 characters, not all of them ASCII digits 0-9; expected the 6 digits your MFA device shows",
        ),
    ],
)
def test_verify_stack_refuses_the_same_options_when_called_as_a_function(wait: float, mfa: str | None, error: str) -> None:
    """`verify_stack` (what the command calls, and what other code may call) checks its Options before any call."""
    clock = FakeTime()  # refused before any call: were it to reach the retry loop, the test clock, never a real wait
    outputs = verify.parse_outputs(OUTPUTS, "outputs")
    loaded = load_values("utils", walkthrough_settings(), PROJECT_DIR / "policies")
    with pytest.raises(verify.VerifyError) as info:
        verify.verify_stack(
            loaded,
            outputs,
            boto3.Session(),
            verify.Options(wait_seconds=wait, mfa_token=mfa, sleep=clock.sleep, clock=clock.clock),
        )
    assert str(info.value) == error
    assert clock.sleeps == []


def test_backoff_with_a_nan_deadline_stops_after_one_attempt() -> None:
    """Were a NaN to reach the retry loop, it ends: NaN compares false with every deadline."""
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) > 3:
            pytest.fail(f"still retrying after {sleeps}: a NaN deadline never ends")

    def refused() -> None:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "AssumeRole")

    outcome, attempts = verify.with_backoff(
        refused,
        what="x",
        retryable=lambda _: True,
        wait_seconds=float("nan"),
        sleep=sleep,
        clock=lambda: 0.0,
        progress=print,
    )
    assert (isinstance(outcome, verify.Retried), attempts, sleeps) == (True, 1, [])
