import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from crossaccount.access.grants import access_grants, document_rows
from tests.test_access_table_agrees import plan_json, plans_and_model, write_stack
from tests.test_review import every_option
from tests.test_identity_center import everyone


def show(project: Path, capsys: Any) -> None:
    plans, model = plans_and_model(project)
    for stack in sorted(plans):
        pj = plan_json(project, stack, capsys)
        doc = document_rows(pj)
        view = access_grants(pj, model)
        with capsys.disabled():
            print("\n== stack", stack)
            for g in doc:
                print("DOC ", g.principal, g.role, g.account, "|", g.mfa, "|", g.kind, g.elsewhere, g.via)
            for g in view:
                print("VIEW", g)


def test_fixture(fixture_project: Path, capsys: Any) -> None:
    show(fixture_project, capsys)


@pytest.mark.parametrize("values", [every_option(), everyone()])
def test_every(values: Any, program_of_its_own: Path, tmp_path: Path, capsys: Any) -> None:
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    write_stack(tmp_path, "utils", values)
    show(tmp_path, capsys)


def test_path_and_denyall(program_of_its_own: Path, tmp_path: Path, capsys: Any) -> None:
    from tests.conftest import walkthrough_settings
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    raw = walkthrough_settings()
    raw["users"] = {"alice": {"path": "/team/"}, "bob": {"path": "/team/"}, "dan": {}}
    raw["selfService"] = {"enforceMfa": False}
    raw["groups"] = {"frozen": {"members": ["dan"], "managedPolicyArns": ["arn:aws:iam::aws:policy/AWSDenyAll"]}}
    raw["roles"] = {
        "deleter": {"trust": "path", "trustedPath": "/team/", "trustedUsers": ["alice"], "requireMfa": False,
                    "policyFiles": ["role_permissions_policy.json"], "waivers": {"TRUST_ACCOUNT_WIDE": "t"}},
        "s3-list-role": {"trustedUsers": ["dan", "bob"], "policyFiles": ["role_permissions_policy.json"]},
    }
    write_stack(tmp_path, "utils", raw)
    show(tmp_path, capsys)
