"""The pure document builders: both sides of the trust always agree, and name exact principals.

Invariant, for any valid stack: a role's trust policy names exactly the ARNs of its trusted
users (never `*`, never `:root`); a user's identity policy names exactly the ARNs of the roles
that trust that user; the two sides are mirror images; the same settings give the same bytes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from crossaccount.pipeline import load_values, plan_of
from crossaccount.plan import stack_outputs
from crossaccount.plan.access import switch_role_url
from crossaccount.plan.documents import to_json
from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tools.offline.mocks import PROJECT_DIR

POLICIES = PROJECT_DIR / "policies"
names = st.from_regex(r"[A-Za-z0-9+=,.@_-]{2,20}", fullmatch=True)  # user names are session names: 2+


@st.composite
def stacks(draw: st.DrawFn) -> dict[str, Any]:
    """A valid stack: 1-5 users, 1-5 roles, each role trusting a non-empty subset of users."""
    users = draw(st.lists(names, min_size=1, max_size=5, unique_by=str.lower))
    roles = draw(st.lists(names, min_size=1, max_size=5, unique_by=str.lower))
    raw_roles: dict[str, Any] = {}
    for role in roles:
        trusted = draw(st.lists(st.sampled_from(users), min_size=1, unique=True))
        raw_roles[role] = {
            "trustedUsers": trusted,
            "policyFiles": ["role_permissions_policy.json"],
            "requireMfa": draw(st.booleans()),
            "requireSourceIdentity": draw(st.booleans()),
            "allowSessionTags": draw(st.booleans()),
        }
    trusted_somewhere = {u for r in raw_roles.values() for u in r["trustedUsers"]}
    raw = walkthrough_settings()
    raw["users"] = {u: {"path": draw(st.sampled_from(["/", "/people/"]))} for u in users if u in trusted_somewhere}
    raw["roles"] = raw_roles
    return raw


def principals(statement: dict[str, Any]) -> list[str]:
    value = statement["Principal"]["AWS"]
    return [value] if isinstance(value, str) else list(value)


def resources(statement: dict[str, Any]) -> list[str]:
    value = statement["Resource"]
    return [value] if isinstance(value, str) else list(value)


@settings(max_examples=60, deadline=None)
@given(stacks())
def test_both_sides_of_the_trust_are_mirror_images_with_exact_principals(raw: dict[str, Any]) -> None:
    plan = plan_of(load_values("prop", raw, POLICIES))
    user_arn = {u.name: u.arn for u in plan.users}
    role_arn = {r.name: r.arn for r in plan.roles}
    trusted_by_role = {r.name: set(raw["roles"][r.name]["trustedUsers"]) for r in plan.roles}
    for role in plan.roles:
        document = json.loads(role.trust_document)
        named = {p for s in document["Statement"] for p in principals(s)}
        assert named == {user_arn[u] for u in trusted_by_role[role.name]}
        assert all(p.startswith(f"arn:aws:iam::{SOURCE}:user/") for p in named)
        assert all("Resource" not in s and s["Effect"] == "Allow" for s in document["Statement"])
    for user in plan.users:
        assert user.policy_document is not None  # every user of these stacks is in some trustedUsers
        document = json.loads(user.policy_document)
        allowed = {a for s in document["Statement"] for a in resources(s)}
        assert allowed == {role_arn[r] for r, users in trusted_by_role.items() if user.name in users}
        assert all(a.startswith(f"arn:aws:iam::{TARGET}:role/") for a in allowed)


@settings(max_examples=30, deadline=None)
@given(stacks())
def test_the_same_settings_give_the_same_bytes(raw: dict[str, Any]) -> None:
    first = plan_of(load_values("prop", raw, POLICIES))
    second = plan_of(load_values("prop", json.loads(json.dumps(raw)), POLICIES))
    assert first == second
    assert to_json(stack_outputs(first)) == to_json(stack_outputs(second))


def test_mfa_is_required_with_an_allow_condition_never_a_deny() -> None:
    plan = plan_of(load_values("utils", walkthrough_settings(), POLICIES))
    trust = json.loads(plan.roles[0].trust_document)
    assert [s["Effect"] for s in trust["Statement"]] == ["Allow"]
    assert trust["Statement"][0]["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_the_switch_role_link_encodes_every_iam_name_character() -> None:
    loaded = load_values("utils", walkthrough_settings(), POLICIES)
    url = switch_role_url(loaded.settings, "ops+admin=a,b.c@d_e-f")
    query = parse_qs(urlsplit(url).query)
    assert query == {
        "account": [TARGET],
        "roleName": ["ops+admin=a,b.c@d_e-f"],
        "displayName": [f"ops+admin=a,b.c@d_e-f@{TARGET}"],
    }


def test_policy_documents_are_compact_json_in_the_files_key_order(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(
        '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]\n}\n',
        encoding="utf-8",
    )
    shutil.copytree(PROJECT_DIR / "policies" / "source", tmp_path / "source")
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"]["policyFiles"] = ["p.json"]
    plan = plan_of(load_values("utils", raw, tmp_path))
    assert plan.roles[0].policies[0].document == (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'
    )
