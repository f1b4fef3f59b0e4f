"""IAM's quotas at their edges, in every trust mode: exactly at each limit passes, one past it
is refused (or, for a user's assume-role policy, split), with the numbers.

- a customer managed policy: 6,144 characters without whitespace. A user's assume-role policy
  at 6,144 stays one policy; at 6,145 it is split (`crossaccount.packing`), each part within
  the limit, all roles still granted exactly once;
- managed policies per user: 10. A stack that would attach 11 is refused with the numbers;
- a trust policy: 2,048 characters. One past, the error names the role, the size and the
  trust modes.

Packing is deterministic (input order does not matter) and stable: adding one role changes
at most one policy, every other one stays byte-identical under the same name.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest

from crossaccount import pipeline
from crossaccount.errors import SettingsError
from crossaccount.guardrails import check_plan
from crossaccount.iam import non_whitespace_length
from crossaccount.pipeline import load_values
from crossaccount.plan import StackPlan
from crossaccount.plan.documents import assume_roles_policy, to_json
from crossaccount.plan.packing import pack
from crossaccount.settings.models import RoleSettings
from tests.conftest import TARGET, of_type, walkthrough_settings
from tools.offline.mocks import PROJECT_DIR, ProgramRun

MODES = ("users", "path", "tag")
USER = "alice"
POLICY_FILE = "role_permissions_policy.json"


def mode_settings(mode: str) -> dict[str, Any]:
    """What a role needs to trust its users in `mode` (users sit under /team/ for path mode)."""
    modes: dict[str, dict[str, Any]] = {
        "users": {},
        "path": {"trust": "path", "trustedPath": "/team/"},
        "tag": {"trust": "tag", "trustedTag": {"key": "team", "value": "data"}},
    }
    return modes[mode]


def stack(mode: str, role_names: list[str], users: list[str] = [USER], **role_extra: Any) -> dict[str, Any]:  # noqa: B006
    raw = walkthrough_settings()
    raw["users"] = {u: {"path": "/team/"} for u in users}
    raw["roles"] = {
        r: {"trustedUsers": list(users), "policyFiles": [POLICY_FILE], **mode_settings(mode), **role_extra} for r in role_names
    }
    # Only the assume-role policies on the user, unless a test turns the self-service policy on.
    raw["selfService"] = {"enabled": False}
    return raw


def plan_of(raw: dict[str, Any]) -> StackPlan:
    return pipeline.plan_of(load_values("utils", raw, PROJECT_DIR / "policies"))


def role_names(count: int, length: int) -> list[str]:
    return [f"r{i:04d}-".ljust(length, "x") for i in range(count)]


def identity_size(names: list[str]) -> int:
    roles = {n: (RoleSettings.model_validate({"trustedUsers": [USER]}), f"arn:aws:iam::{TARGET}:role/{n}") for n in names}
    return non_whitespace_length(to_json(assume_roles_policy(USER, roles)))


def names_of_size(target: int) -> list[str]:
    """Role names (each at most 64 characters) whose assume-role policy is exactly `target` characters."""
    names = role_names(80, 6)
    deficit = target - identity_size(names)
    assert 0 <= deficit <= 80 * 58
    padded = [n + "y" * (deficit // 80 + (1 if i < deficit % 80 else 0)) for i, n in enumerate(names)]
    assert identity_size(padded) == target
    return padded


# --- a user's assume-role policy: 6,144 characters -----------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_an_assume_role_policy_of_exactly_6144_characters_stays_one_policy(mode: str) -> None:
    (user,) = plan_of(stack(mode, names_of_size(6144))).users
    (policy,) = user.assume_policies
    assert (policy.part, policy.name, non_whitespace_length(policy.document)) == ("", "alice-assume-roles-utils", 6144)
    assert [f.line() for f in check_plan(plan_of(stack(mode, names_of_size(6144)))) if f.rule_id != "TRUST_ACCOUNT_WIDE"] == []


@pytest.mark.parametrize("mode", MODES)
def test_one_character_past_6144_splits_the_policy_and_grants_every_role_once(mode: str) -> None:
    names = names_of_size(6145)
    plan = plan_of(stack(mode, names))
    (user,) = plan.users
    assert len(user.assume_policies) >= 2
    granted = []
    for policy in user.assume_policies:
        assert policy.name == f"alice-assume-roles-utils-{policy.part}"
        assert non_whitespace_length(policy.document) <= 6144
        for statement in json.loads(policy.document)["Statement"]:
            granted += statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        assert sorted(policy.roles) == sorted(r.rsplit("/", 1)[1] for r in _resources(policy.document))
    assert sorted(granted) == sorted(f"arn:aws:iam::{TARGET}:role/{n}" for n in names)
    assert [f.line() for f in check_plan(plan) if f.rule_id != "TRUST_ACCOUNT_WIDE"] == []


def _resources(document: str) -> list[str]:
    found: list[str] = []
    for statement in json.loads(document)["Statement"]:
        found += statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
    return found


def test_the_program_registers_and_attaches_every_part(run: Callable[..., ProgramRun]) -> None:
    names = names_of_size(6145)
    (user,) = plan_of(stack("users", names)).users
    result = run(stack("users", names))
    policies = {r.inputs["name"]: r for r in of_type(result, "aws:iam/policy:Policy") if r.account == "source"}
    assert sorted(policies) == sorted(p.name for p in user.assume_policies)
    for part in user.assume_policies:
        assert policies[part.name].inputs["policy"] == part.document
        assert policies[part.name].name == f"access-assume-{USER}-{part.part}"
    attached = sorted(
        r.inputs["policyArn"]
        for r in of_type(result, "aws:iam/userPolicyAttachment:UserPolicyAttachment")
        if r.inputs["user"] == USER
    )
    assert attached == sorted(p.arn for p in user.assume_policies)
    assert result.outputs["users"][USER]["roles"] == sorted(names)


# --- managed policies per user: 10 ---------------------------------------------------------

LONG = 60  # role names of 60 characters: about 60 roles per policy


def parts_for(count: int) -> int:
    names = role_names(count, LONG)
    roles = {n: (RoleSettings.model_validate({"trustedUsers": [USER]}), f"arn:aws:iam::{TARGET}:role/{n}") for n in names}
    return len(pack(names, lambda subset: assume_roles_policy(USER, {n: roles[n] for n in subset}), to_json))


def _edge() -> int:
    """The most roles whose assume-role policies fit 10 parts (found once; deterministic)."""
    count = 300
    while parts_for(count + 1) <= 10:
        count += 1
    return count


EDGE = _edge()


def test_the_edge_is_exactly_ten_policies() -> None:
    assert (parts_for(EDGE), parts_for(EDGE + 1)) == (10, 11)


@pytest.mark.parametrize("mode", MODES)
def test_ten_assume_role_policies_on_a_user_pass(mode: str) -> None:
    plan = plan_of(stack(mode, role_names(EDGE, LONG)))
    (user,) = plan.users
    assert user.attached_policies == 10
    assert [f.line() for f in check_plan(plan) if f.rule_id != "TRUST_ACCOUNT_WIDE"] == []


def test_the_self_service_policy_counts_toward_the_ten() -> None:
    raw = stack("users", role_names(EDGE, LONG))
    raw["selfService"] = {"enabled": True}
    with pytest.raises(SettingsError) as caught:
        plan_of(raw)
    assert caught.value.problems == [
        f"cross-account-roles:users.alice: trusted by {EDGE} roles whose exact ARNs need 10 assume-role policies "
        "of at most 6,144 characters; this stack attaches 11 managed policies to the user, and AWS attaches at most 10 "
        "(20 by quota request); expected at most 10: fewer roles trusting this person, or a group (trustedGroups) whose "
        "policy the members share"
    ]


@pytest.mark.parametrize("mode", MODES)
def test_eleven_managed_policies_on_a_user_are_refused_with_the_numbers(mode: str) -> None:
    with pytest.raises(SettingsError) as caught:
        plan_of(stack(mode, role_names(EDGE + 1, LONG)))
    assert caught.value.problems == [
        f"cross-account-roles:users.alice: trusted by {EDGE + 1} roles whose exact ARNs need 11 assume-role policies "
        "of at most 6,144 characters; this stack attaches 11 managed policies to the user, and AWS attaches at most 10 "
        "(20 by quota request); expected at most 10: fewer roles trusting this person, or a group (trustedGroups) whose "
        "policy the members share"
    ]


# --- trust policy: 2,048 characters --------------------------------------------------------


def trust_size(raw: dict[str, Any]) -> int:
    return non_whitespace_length(plan_of(raw).roles[0].trust_document)


def trust_stack(mode: str, size: int) -> dict[str, Any]:
    """One role whose trust policy is exactly `size` characters: users fill it in users mode,
    the external id (up to 1,224 characters) makes up the rest."""
    users = [f"u{i:02d}".ljust(30, "z") for i in range(20 if mode == "users" else 1)]
    raw = stack(mode, ["wide-role"], users, externalId="ab", mfaMaxAgeSeconds=3600, allowSessionTags=True)
    if mode == "path":  # a long path (up to 512 characters), which the users sit under
        long_path = "/team-" + "p" * 500 + "/"
        raw["roles"]["wide-role"]["trustedPath"] = long_path
        raw["users"] = {u: {"path": long_path} for u in users}
    if mode == "tag":
        raw["roles"]["wide-role"]["trustedTag"] = {"key": "k" * 100, "value": "v" * 250}
    fill = size - trust_size(raw) + 2
    assert 2 <= fill <= 1224
    raw["roles"]["wide-role"]["externalId"] = "e" * fill
    assert trust_size(raw) == size
    return raw


def test_tag_mode_at_its_longest_is_exactly_2048_characters_and_passes() -> None:
    """Tag mode cannot pass 2,048 characters: with every setting at its longest (1,224-character
    external id, 128-character tag key, 256-character value, MFA age, session tags, the
    longest partition) its trust policy is exactly at the quota, so one past is unreachable."""
    raw = stack("tag", ["wide-role"], ["u" * 64], externalId="e" * 1224, mfaMaxAgeSeconds=129600, allowSessionTags=True)
    raw["roles"]["wide-role"]["trustedTag"] = {"key": "k" * 128, "value": "v" * 256}
    raw["source"]["region"] = raw["target"]["region"] = "us-gov-west-1"
    assert trust_size(raw) == 2048
    assert [f.rule_id for f in check_plan(plan_of(raw)) if f.rule_id != "TRUST_ACCOUNT_WIDE"] == []


@pytest.mark.parametrize("mode", ["users", "path"])
def test_a_trust_policy_of_exactly_2048_characters_passes(mode: str) -> None:
    findings = check_plan(plan_of(trust_stack(mode, 2048)))
    assert [f.rule_id for f in findings if f.rule_id != "TRUST_ACCOUNT_WIDE"] == []


@pytest.mark.parametrize("mode", ["users", "path"])
def test_a_trust_policy_one_past_2048_names_the_role_the_size_and_the_modes(mode: str) -> None:
    (finding,) = [f for f in check_plan(plan_of(trust_stack(mode, 2049))) if f.rule_id == "TRUST_POLICY_SIZE"]
    assert finding.blocking
    assert finding.location == "cross-account-roles:roles.wide-role (trust policy)"
    assert finding.message == (
        "2,049 characters without whitespace; a trust policy holds at most 2,048 by default: trust fewer users per role, "
        "or trust them by IAM path (trust: path) or by tag (trust: tag) (docs/settings.md: Trust modes), or, if the target "
        "account's AssumeRolePolicySizeQuota was raised, waive TRUST_POLICY_SIZE for the role with the quota as the reason"
    )


# --- packing: deterministic and stable -----------------------------------------------------


def packed(names: list[str]) -> dict[str, str]:
    roles = {n: (RoleSettings.model_validate({"trustedUsers": [USER]}), f"arn:aws:iam::{TARGET}:role/{n}") for n in names}
    parts = pack(names, lambda subset: assume_roles_policy(USER, {n: roles[n] for n in subset}), to_json)
    return {p.bits: p.text for p in parts}


def test_packing_does_not_depend_on_the_order_of_the_roles() -> None:
    names = role_names(400, 40)
    shuffled = list(names)
    random.Random(7).shuffle(shuffled)
    assert packed(names) == packed(shuffled)
    assert len(packed(names)) > 2


@pytest.mark.parametrize("count", [61, 150, 400, 555])
def test_adding_one_role_changes_at_most_one_policy(count: int) -> None:
    names = role_names(count, 50)
    before = packed(names)
    for new in [f"new-{i}-role" for i in range(40)]:
        after = packed([*names, new])
        changed = [bits for bits, text in before.items() if after.get(bits) != text]
        assert len(changed) <= 1, (new, changed)
        added = [bits for bits in after if bits not in before]
        # a new policy is either the changed one's halves, or a part of its own for the new role
        if changed:
            assert all(bits.startswith(changed[0]) for bits in added)
        else:
            assert len(added) == 1
            assert json.loads(after[added[0]])["Statement"][0]["Resource"] == f"arn:aws:iam::{TARGET}:role/{new}"


def test_the_split_follows_the_bits_of_sha256_of_each_role_name() -> None:
    """The parts' names end in these bits, so they are pinned: another hash, or another bit
    order, would rename (replace) every split user's policies at the next `pulumi up`.
    (SHA-256 first bytes: role-04 10101011, role-05 10011111, role-01 11010111, role-02 11001001,
    role-00 11100000, role-06 11100110, role-03 11111101, role-07 11110110.)"""
    names = [f"role-{i:02d}" for i in range(8)]
    parts = pack(names, lambda subset: {"roles": list(subset)}, json.dumps, limit=40)
    assert [(p.bits, p.roles) for p in parts] == [
        ("10", ("role-04", "role-05")),
        ("110", ("role-01", "role-02")),
        ("1110", ("role-00", "role-06")),
        ("1111", ("role-03", "role-07")),
    ]
