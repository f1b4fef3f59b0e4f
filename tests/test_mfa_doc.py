"""docs/mfa.md's example is the outputs, exactly: its commands and profile block are those of a
stack with a user `alice` and a role `reader` in account 444455556666, so the page cannot drift
from what a person copies."""

from __future__ import annotations

import re
import textwrap

from crossaccount.plan.dayone import OLD_CLI_ERROR, mfa_login_fallback
from crossaccount.plan.route import MfaSession
from tests.conftest import walkthrough_settings
from tools.offline.mocks import run_program
from tools.paths import PROJECT_DIR


def blocks() -> list[str]:
    text = (PROJECT_DIR / "docs" / "mfa.md").read_text(encoding="utf-8")
    steps = text[text.index("## The steps") : text.index("### Options")]
    return [textwrap.dedent(b).strip("\n") for b in re.findall(r"```\n(.*?)```", steps, flags=re.S)]


def test_the_pages_commands_and_profile_are_the_outputs() -> None:
    raw = walkthrough_settings()
    role = raw["roles"].pop("s3-list-role")
    raw["users"] = {"alice": {}}
    raw["roles"] = {"reader": {**role, "trustedUsers": ["alice"]}}
    outputs = run_program("utils", raw).outputs
    alice, access = outputs["users"]["alice"], outputs["roles"]["reader"]["access"]["alice"]
    session = MfaSession("alice@111122223333", "alice@111122223333-mfa", alice["mfaSerial"], 43200)
    assert session.command == alice["mfaSessionCommand"]
    assert blocks() == [
        alice["mfaSessionCommand"],
        OLD_CLI_ERROR,
        mfa_login_fallback(session),
        access["awsConfigProfile"].rstrip("\n"),
        access["assumeRoleCommand"],
    ]
    assert any(mfa_login_fallback(session) in step for step in alice["dayOne"]["steps"])
    assert alice["dayOne"]["awsConfig"] == access["awsConfigProfile"].rstrip("\n").split("\n")
