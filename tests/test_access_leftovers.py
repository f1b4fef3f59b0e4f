"""Issue 30's leftovers from the attack on the access model, each settled by AWS's documentation:
which callers SCPs judge, what a role session without MFA carries, what `--stack` keeps of a
person's own access, and a principal ARN of another partition. Projects of the tests' own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from crossaccount.access import Caller, Policy, Request, evaluate
from tests.test_access import PROD, SOURCE, STAGING, answer, run, write

ADMINS = {"members": ["alice"], "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}
BOB = f"arn:aws:iam::{SOURCE}:user/bob"


@pytest.fixture
def project(program_of_its_own: Path, tmp_path: Path) -> Path:
    """alice (in group admins: AdministratorAccess) of the people stack, whose role reader in prod
    she may assume; staging, a roles-only stack whose role lister trusts her too."""
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    read = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
    (tmp_path / "policies" / "list.json").write_text(json.dumps(read), encoding="utf-8")
    write(
        tmp_path,
        people={
            "target": {"accountId": PROD, "region": "eu-north-1"},
            "users": {"alice": {}},
            "groups": {"admins": ADMINS},
            "roles": {"reader": {"trustedUsers": ["alice"], "policyFiles": ["list.json"]}},
        },
        staging={
            "target": {"accountId": STAGING, "region": "eu-north-1"},
            "roles": {"lister": {"trustedUsers": ["alice"], "policyFiles": ["list.json"]}},
        },
    )
    return tmp_path


# --- 3. `--stack S` and a person's own path ---------------------------------------------------


@pytest.mark.parametrize("command", [["can", "alice"], ["who-can"]])
def test_stack_keeps_the_own_path_of_the_people_it_declares(
    project: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """The people stack writes alice's identity policies (her group's AdministratorAccess): her
    own access to iam:CreateAccessKey in her account is that stack's; the roles-only staging
    stack gives her none of it."""
    mine = answer(capsys, project, *command, "iam:CreateAccessKey", BOB, "--stack", "people")
    assert [(p["principal"], p["through"], p["decision"]) for p in mine["paths"]] == [("alice", [], "allowed")]
    assert [(b["source"], b["statement"]) for b in mine["paths"][0]["because"]] == [
        ("arn:aws:iam::aws:policy/AdministratorAccess", 0)
    ]
    theirs = answer(capsys, project, *command, "iam:CreateAccessKey", BOB, "--stack", "staging")
    if command[0] == "who-can":
        assert theirs["paths"] == []
    else:  # only the staging role's path, denied: a role of staging does not reach the source account
        assert (mine["decision"], theirs["decision"]) == ("allowed", "denied")
        assert [(p["through"], p["decision"]) for p in theirs["paths"]] == [([f"arn:aws:iam::{STAGING}:role/lister"], "denied")]


def test_stack_still_keeps_only_its_own_roles(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A role path stays with the stack of its last role; alice's own path (AdministratorAccess
    allows s3:ListAllMyBuckets too) stays with the people stack."""
    staging = answer(capsys, project, "can", "alice", "s3:ListAllMyBuckets", "*", "--stack", "staging")
    assert [p["through"] for p in staging["paths"]] == [[f"arn:aws:iam::{STAGING}:role/lister"]]
    people = answer(capsys, project, "can", "alice", "s3:ListAllMyBuckets", "*", "--stack", "people")
    assert [p["through"] for p in people["paths"]] == [[], [f"arn:aws:iam::{PROD}:role/reader"]]
    code, out, _ = run(capsys, project, "can", "alice", "s3:ListAllMyBuckets", "*", "--stack", "people")
    assert code == 0
    assert "  with its own policies (no role): allowed; denied without MFA\n" in out
