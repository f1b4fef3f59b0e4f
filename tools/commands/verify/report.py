"""Results, the report and its renderers (text, JSON), and the scrubbing of secrets from what AWS says."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import (
    ClientError,
)

from tools.render import jsontext

from .checks import Call
from .common import ACCESS_DENIED_CODES, REDACTED

# --- results and reports -----------------------------------------------------------------

PASS, FAIL, SKIP = "pass", "fail", "skip"


@dataclass(frozen=True)
class Result:
    """One line of the report."""

    role: str
    check: str
    """`assume-role`, `caller-identity` or the action (`s3:ListBuckets`)."""
    status: str
    """pass, fail or skip."""
    detail: str
    expect: str | None = None
    """allow or deny, for the role's checks."""
    code: str | None = None
    """The error code AWS answered, if any."""


@dataclass(frozen=True)
class Report:
    stack: str
    caller: str
    user: str | None
    """The stack's user the caller is, or None."""
    target_account_id: str
    results: tuple[Result, ...]
    permission_set: str | None = None
    """The IAM Identity Center permission set whose session the caller is, or None."""

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        """Nothing failed and something was verified (all skipped proves nothing)."""
        return self.count(FAIL) == 0 and self.count(PASS) > 0


def _label(result: Result) -> str:
    return f"{result.check} (expect {result.expect})" if result.expect else result.check


def _verdict(report: Report) -> str:
    if report.ok:
        return "OK"
    if report.count(FAIL) == 0:
        return "FAILED (no role was verified)"
    return "FAILED"


def render_text(report: Report) -> str:
    who = f"user {report.user}" if report.user else "not a user of this stack"
    if report.permission_set:
        who = f"permission set {report.permission_set}"
    lines = [f"verify stack {report.stack}: caller {report.caller} ({who}), roles in account {report.target_account_id}"]
    lines += [f"{r.status.upper()} {r.role} {_label(r)}: {r.detail}" for r in report.results]
    lines.append(
        f"summary: {report.count(PASS)} passed, {report.count(FAIL)} failed, {report.count(SKIP)} skipped: {_verdict(report)}"
    )
    return "\n".join(lines) + "\n"


def as_data(report: Report) -> dict[str, Any]:
    return {
        "stack": report.stack,
        "caller": report.caller,
        "user": report.user,
        **({"permissionSet": report.permission_set} if report.permission_set else {}),
        "targetAccountId": report.target_account_id,
        "results": [
            {"role": r.role, "check": r.check, "expect": r.expect, "status": r.status, "code": r.code, "detail": r.detail}
            for r in report.results
        ],
        "summary": {
            "passed": report.count(PASS),
            "failed": report.count(FAIL),
            "skipped": report.count(SKIP),
            "ok": report.ok,
            "verdict": _verdict(report),
        },
    }


def render_json(report: Report) -> str:
    return jsontext.dumps(as_data(report)) + "\n"


RENDERERS = {"text": render_text, "json": render_json}


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret value replaced (longest first, so none is left half-shown)."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def error_message(error: ClientError) -> str:
    return " ".join(str(error.response.get("Error", {}).get("Message", "")).split())


def classify(role: str, call: Call, code: str | None, message: str) -> Result:
    """The outcome of one check: `code` is None when the call succeeded."""

    def result(status: str, detail: str) -> Result:
        return Result(role, call.action, status, detail, expect=call.expect, code=code)

    if call.expect == "allow":
        return result(PASS, "allowed") if code is None else result(FAIL, f"got {code}: {message}")
    if code is None:
        return result(FAIL, "the call succeeded; expected an access-denied error")
    if code in ACCESS_DENIED_CODES:
        return result(PASS, f"denied with {code}")
    return result(FAIL, f"got {code}, which is not an access-denied code: {message}")
