"""`make plan`: the offline plan prints what `pulumi up` would create, the same bytes every time.

Invariant: the JSON plan has the documented shape (project, stack, resources with urn, type,
name, provider, account and camelCase inputs, outputs), provider resources are listed with
their inputs, references are resolved to the ARNs AWS will assign, secrets never appear,
and bad settings exit 2 with the settings error on stderr and nothing on stdout.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURE_PROJECT, MINIMAL_PROJECT, SOURCE, TARGET, copy_program, stack_findings, walkthrough_settings
from tools.commands import plan as plan_module
from tools.offline.mocks import PROJECT_DIR, run_program
from tools.render import jsontext
from tools.render import plan as plan_render


def run_cli(*args: str, cwd: Path = PROJECT_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # the command a newcomer runs, as a separate process
        [sys.executable, "-m", "tools", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


@pytest.fixture(scope="module")
def json_plan(walkthrough_project: Path) -> dict[str, Any]:
    result = run_cli("plan", "--stack", "utils", "--format", "json", "--project-dir", str(walkthrough_project))
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_the_json_plan_has_the_documented_shape(json_plan: dict[str, Any]) -> None:
    assert (json_plan["project"], json_plan["stack"]) == ("cross-account-roles", "utils")
    assert set(json_plan) == {"project", "stack", "resources", "outputs", "findings"}
    assert json_plan["findings"] == []  # the walk-through passes every guardrail
    for resource in json_plan["resources"]:
        assert set(resource) == {"urn", "type", "name", "provider", "account", "inputs", "options"}
        assert resource["urn"].startswith("urn:pulumi:utils::cross-account-roles::")
        assert resource["urn"].endswith(f"::{resource['name']}")


def test_the_json_plan_lists_providers_with_their_account_lock(json_plan: dict[str, Any]) -> None:
    providers = {r["name"]: r for r in json_plan["resources"] if r["type"] == "pulumi:providers:aws"}
    assert providers["access-source"]["inputs"]["allowedAccountIds"] == [SOURCE]
    assert providers["access-target"]["inputs"]["allowedAccountIds"] == [TARGET]
    assert providers["access-source"]["provider"] is None
    assert providers["access-source"]["account"] is None


def test_the_json_plan_resolves_policy_arns_and_keeps_documents_as_json_text(json_plan: dict[str, Any]) -> None:
    by_name = {r["name"]: r for r in json_plan["resources"]}
    attachment = by_name["access-attach-s3-list-role-role_permissions_policy"]
    assert attachment["inputs"]["policyArn"] == f"arn:aws:iam::{TARGET}:policy/s3-list-role-role_permissions_policy"
    assert (attachment["provider"], attachment["account"]) == ("access-target", "target")
    trust = by_name["access-role-s3-list-role"]["inputs"]["assumeRolePolicy"]
    assert isinstance(trust, str)
    assert json.loads(trust)["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{SOURCE}:user/random_user"}


def test_the_json_plan_outputs_are_the_stack_outputs(json_plan: dict[str, Any]) -> None:
    assert json_plan["outputs"] == run_program("utils", walkthrough_settings()).outputs


def test_two_runs_print_the_same_bytes(walkthrough_project: Path) -> None:
    project = ("--project-dir", str(walkthrough_project))
    first = run_cli("plan", "--format", "json", *project)
    second = run_cli("plan", "--format", "json", *project)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert run_cli("plan", *project).stdout == run_cli("plan", *project).stdout


def test_the_text_plan_says_which_account_gets_what(walkthrough_project: Path) -> None:
    text = run_cli("plan", "--project-dir", str(walkthrough_project)).stdout
    assert text.startswith("Plan for stack utils of cross-account-roles: what `pulumi up` would create.\n")
    source_at = text.index(
        f"source account {SOURCE} (provider access-source: profile utils, region eu-north-1, allowedAccountIds [{SOURCE}])"
    )
    target_at = text.index(
        f"target account {TARGET} (provider access-target: profile prod, region eu-north-1, allowedAccountIds [{TARGET}])"
    )
    assert source_at < text.index("+ aws:iam/user:User  random_user  (access-user-random_user)") < target_at
    assert target_at < text.index("+ aws:iam/role:Role  s3-list-role  (access-role-s3-list-role)")
    assert '"aws:MultiFactorAuthPresent": "true"' in text
    assert text.endswith(
        "\n13 resources: 1 aws:iam/accountPasswordPolicy:AccountPasswordPolicy, 3 aws:iam/policy:Policy, 1 aws:iam/role:Role, "
        "1 aws:iam/rolePolicyAttachment:RolePolicyAttachment, 1 aws:iam/user:User, 1 aws:iam/userLoginProfile:UserLoginProfile, "
        "2 aws:iam/userPolicyAttachment:UserPolicyAttachment, 1 crossaccount:iam:CrossAccountAccess, 2 pulumi:providers:aws\n"
        "\nGuardrails: 0 errors, 0 warnings, 0 waived (rules and waivers: docs/guardrails.md)\n"
    )


def test_the_markdown_plan_has_a_table_and_each_document() -> None:
    text = plan_render.render_markdown(run_program("utils", walkthrough_settings()))
    assert "| target | `aws:iam/role:Role` | `s3-list-role` | access-target |" in text
    assert text.count("```json") == 5  # three policies (assume-role, self-service, permissions), one trust policy, the outputs


def test_bad_settings_exit_2_with_the_error_on_stderr_and_nothing_on_stdout(tmp_path: Path) -> None:
    stack = (FIXTURE_PROJECT / "Pulumi.utils.yaml").read_text(encoding="utf-8").replace('"444455556666"', '"4444"')
    (tmp_path / "Pulumi.broken.yaml").write_text(stack, encoding="utf-8")
    copy_program(tmp_path)
    result = run_cli("plan", "--stack", "broken", "--project-dir", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert 'cross-account-roles:target.accountId: got "4444"; expected exactly 12 digits as a quoted string' in result.stderr


def test_a_missing_stack_file_is_named() -> None:
    result = run_cli("plan", "--stack", "nosuchstack")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Pulumi.nosuchstack.yaml: stack file not found in" in result.stderr


def test_secrets_are_shown_as_a_placeholder_never_as_their_value() -> None:
    import pulumi
    import pulumi_aws as aws

    def program() -> None:
        provider = aws.Provider("p-source", region="eu-north-1", allowed_account_ids=[SOURCE])
        aws.iam.User(
            "u",
            name="u",
            tags={"ticket": pulumi.Output.secret("SECRET-1234")},
            opts=pulumi.ResourceOptions(provider=provider),
        )

    run = run_program("utils", walkthrough_settings(), program=program)
    user = next(r for r in run.registrations if r.type == "aws:iam/user:User")
    # the SDK marks the whole map secret when one value is: the plan hides the whole map
    assert user.inputs["tags"] == "[secret]"
    assert "SECRET-1234" not in plan_render.render_json(run)
    assert user.state["arn"] == f"arn:aws:iam::{SOURCE}:user/u"


def test_make_plan_lists_the_findings_of_the_programs_own_guardrail_run(tmp_path: Path) -> None:
    """The plan reads the stack file once and runs the rules once: the findings it shows are
    those the program produced at start, the same as `make check`'s."""
    settings = walkthrough_settings()
    settings["roles"]["s3-list-role"]["requireMfa"] = False
    settings["selfService"] = {"enforceMfa": False}
    (tmp_path / "__main__.py").write_bytes((PROJECT_DIR / "__main__.py").read_bytes())
    shutil.copytree(PROJECT_DIR / "policies", tmp_path / "policies")
    (tmp_path / "Pulumi.yaml").write_text(MINIMAL_PROJECT, encoding="utf-8")
    config = {f"cross-account-roles:{k}": v for k, v in settings.items()}
    (tmp_path / "Pulumi.nomfa.yaml").write_text(json.dumps({"config": config}), encoding="utf-8")

    run = plan_module.plan_stack("nomfa", tmp_path)
    assert [f.rule_id for f in run.findings] == ["TRUST_WITHOUT_MFA"]
    assert list(run.findings) == stack_findings("nomfa", tmp_path)
    out = io.StringIO()
    assert plan_module.run(argparse.Namespace(stack="nomfa", format="json", project_dir=tmp_path), out) == 0
    assert json.loads(out.getvalue())["findings"] == [f.as_dict() for f in run.findings]


_JSON_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _JSON_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_JSON_TEXT, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_the_commands_json_is_byte_for_byte_the_standard_librarys(value: object) -> None:
    """`tools.render.jsontext.dumps` (orjson, for speed) prints exactly what
    `json.dumps(indent=2, sort_keys=True, ensure_ascii=False)` prints: escapes, key order
    (astral characters, lone surrogates), numbers, empty containers."""
    assert jsontext.dumps(value) == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_the_reviews_documents_are_byte_for_byte_the_standard_librarys_in_their_own_key_order(value: object) -> None:
    """`jsontext.dumps(sort_keys=False)`, the review's policy documents: `json.dumps(indent=2,
    ensure_ascii=False)`, keys in the document's own order."""
    assert jsontext.dumps(value, sort_keys=False) == json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES, st.sampled_from([0, None, 2]))
def test_a_document_reformatted_from_its_text_is_byte_for_byte_the_standard_librarys(value: object, indent: int | None) -> None:
    """The review's policy documents from their text (`dumps(..., text=written)`: a text with no
    number with a fraction or exponent is not walked for floats): the same bytes, floats and
    all, however the text was written."""
    written = json.dumps(value, indent=indent)
    parsed = json.loads(written)
    assert jsontext.dumps(parsed, sort_keys=False, text=written) == json.dumps(parsed, indent=2, ensure_ascii=False)


def test_a_float_inside_a_dict_subclass_is_still_written_as_the_standard_library_writes_it() -> None:
    from collections import OrderedDict

    value = {"a": OrderedDict(b=[1e-06, (2.5e-7,)])}
    assert jsontext.dumps(value) == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
