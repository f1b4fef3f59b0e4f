"""One program, one stack per environment: every Pulumi.<stack>.yaml of this repository.

Invariant: every stack plans cleanly; exactly one stack owns (creates) each person, and every
stack that references a person (`create: false`) names the same user (same ARN) in the same
source account; nothing two stacks create in a shared account collides (IAM names compared as
IAM compares them, ignoring case; ARNs; Pulumi URNs).
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossaccount.errors import SettingsError
from crossaccount.pipeline import plan_of
from tests.conftest import stack_file, stack_findings, stack_settings
from tests.node_tools import mermaid_parse
from tools.commands import ci_matrix
from tools.commands import plan as plan_module
from tools.paths import PROJECT_DIR
from tools.render import plan as plan_render
from tools.render.review import mermaid

STACKS = ci_matrix.stacks()
NAMED_TYPES = ("aws:iam/user:User", "aws:iam/role:Role", "aws:iam/policy:Policy")


@pytest.fixture(scope="module")
def plans() -> dict[str, dict[str, Any]]:
    return {s: plan_render.as_data(plan_module.plan_stack(s), stack_findings(s)) for s in STACKS}


def account_of(plan: dict[str, Any], side: str) -> str:
    return str(plan["outputs"][f"{side}AccountId"])


def test_there_are_two_example_stacks_sharing_a_source_account() -> None:
    assert STACKS == ["staging", "utils"]
    loaded = {s: stack_settings(PROJECT_DIR, s).settings for s in STACKS}
    assert loaded["staging"].source == loaded["utils"].source
    assert loaded["staging"].target.account_id != loaded["utils"].target.account_id
    assert {r.policy_files[0] for r in loaded["staging"].roles.values()} != {
        r.policy_files[0] for r in loaded["utils"].roles.values()
    }


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_plans_cleanly_with_no_guardrail_finding(stack: str, plans: dict[str, dict[str, Any]]) -> None:
    assert plans[stack]["findings"] == []
    assert plans[stack]["stack"] == stack
    (result,) = mermaid_parse([mermaid(plans[stack])])
    assert result["ok"], result


def test_exactly_one_stack_owns_each_person_and_the_others_reference_the_same_user() -> None:
    owners: dict[tuple[str, str], list[str]] = {}
    arns: dict[tuple[str, str], set[str]] = {}
    for stack in STACKS:
        plan = plan_of(stack_settings(PROJECT_DIR, stack))
        for user in plan.users:
            person = (plan.settings.source.account_id, user.name.lower())
            owners.setdefault(person, [])
            if user.create:
                owners[person].append(stack)
            arns.setdefault(person, set()).add(user.arn)
    assert owners == {("111122223333", "random_user"): ["utils"]}
    assert all(len(found) == 1 for found in arns.values()), arns


def test_nothing_two_stacks_create_in_the_same_account_collides(plans: dict[str, dict[str, Any]]) -> None:
    names: Counter[tuple[str, str, str]] = Counter()
    arns: Counter[str] = Counter()  # attachments, by the ARNs they join
    urns: Counter[str] = Counter()
    for plan in plans.values():
        for r in plan["resources"]:
            urns[r["urn"]] += 1
            if r["type"] in NAMED_TYPES:
                account = account_of(plan, r["account"])
                # IAM names are unique per account and type ignoring case.
                names[(account, r["type"], r["inputs"]["name"].lower())] += 1
            if "policyArn" in r["inputs"]:  # an attachment: (entity, policy) in its account
                entity = r["inputs"].get("role") or r["inputs"].get("user")
                arns[f"{account_of(plan, r['account'])}:{r['type']}:{entity}:{r['inputs']['policyArn']}"] += 1
    assert [k for k, n in names.items() if n > 1] == []
    assert [k for k, n in arns.items() if n > 1] == []
    assert [k for k, n in urns.items() if n > 1] == []
    # In the shared source account the two stacks create exactly these, side by side.
    source = sorted(
        (plan["stack"], r["type"], r["inputs"].get("name", r["name"]))
        for plan in plans.values()
        for r in plan["resources"]
        if r.get("account") == "source"
    )
    assert source == [
        ("utils", "aws:iam/accountPasswordPolicy:AccountPasswordPolicy", "access-password-policy"),  # one owner: utils
        ("utils", "aws:iam/policy:Policy", "random_user-assume-roles-utils"),
        ("utils", "aws:iam/policy:Policy", "self-service-credentials-utils"),  # the stack that creates the user
        ("utils", "aws:iam/user:User", "random_user"),
        ("utils", "aws:iam/userLoginProfile:UserLoginProfile", "access-login-random_user"),
        ("utils", "aws:iam/userPolicyAttachment:UserPolicyAttachment", "access-attach-assume-random_user"),
        ("utils", "aws:iam/userPolicyAttachment:UserPolicyAttachment", "access-attach-self-service-random_user"),
    ]


def test_urns_carry_the_stack_name() -> None:
    for stack in STACKS:
        for r in plan_render.as_data(plan_module.plan_stack(stack))["resources"]:
            assert r["urn"].startswith(f"urn:pulumi:{stack}::cross-account-roles::"), r["urn"]


def test_the_ci_matrix_lists_every_stack_owners_first() -> None:
    entries = ci_matrix.matrix()["include"]
    assert [e["stack"] for e in entries] == ["utils", "staging"]
    assert entries[1] == {
        "stack": "staging",
        "kind": "roles",
        "createsUsers": False,
        "source": {"account": "111122223333", "partition": "aws", "region": "eu-north-1", "profile": "utils"},
        "target": {"account": "777788889999", "partition": "aws", "region": "eu-north-1", "profile": "staging"},
    }


def test_the_ci_matrix_refuses_a_stack_without_profiles(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    for name in ("role_permissions_policy.json",):
        (tmp_path / "policies" / name).write_text((PROJECT_DIR / "policies" / name).read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(PROJECT_DIR / "policies" / "source", tmp_path / "policies" / "source")  # the self-service policy
    (tmp_path / "Pulumi.yaml").write_text((PROJECT_DIR / "Pulumi.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    text = (PROJECT_DIR / "Pulumi.utils.yaml").read_text(encoding="utf-8").replace("    profile: prod\n", "")
    (tmp_path / "Pulumi.ci.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match="no matrix was written") as raised:
        ci_matrix.matrix(tmp_path)
    assert "Pulumi.ci.yaml: cross-account-roles:target.profile is not set; the workflows reach each account" in str(raised.value)


def test_the_shared_source_account_is_written_once_in_pulumi_yaml() -> None:
    """Project-level config, the engine's way: `value:` in Pulumi.yaml, applied to every stack
    that does not set the key (no stack file does)."""
    project = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text(encoding="utf-8"))
    shared = project["config"]["cross-account-roles:source"]["value"]
    assert shared == {"accountId": "111122223333", "region": "eu-north-1", "profile": "utils"}
    for stack in STACKS:
        stack_config = yaml.safe_load(stack_file(stack).read_text(encoding="utf-8"))["config"]
        assert "cross-account-roles:source" not in stack_config, stack
        assert stack_settings(PROJECT_DIR, stack).settings.source.model_dump(by_alias=True, exclude_none=True) == shared
