"""Generated inputs at and around each limit: sizes (whitespace not counted), the characters
IAM accepts, names, paths and ARNs. Each limit is exact: one character under passes, one
over is reported. And no input whatever makes a rule raise instead of reporting."""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossaccount.errors import SettingsError
from crossaccount.guardrails import DOCUMENT_RULES, Entity, PolicyDocument
from crossaccount.pipeline import load_values
from tests.conftest import walkthrough_settings
from tests.guardrails.corpus import findings
from tools.offline.mocks import PROJECT_DIR

NAME_CHARS = string.ascii_letters + string.digits + "+=,.@_-"
ALLOWED = "\t\n\r" + "".join(chr(c) for c in range(0x20, 0x100))
LIMITS = {"managed": ("POLICY_SIZE", 6144), "trust": ("TRUST_POLICY_SIZE", 2048)}
INLINE_TOTALS = {"user": 2048, "group": 5120, "role": 10240}
ACCOUNT = st.from_regex(r"\A[0-9]{12}\Z")


def rule_ids(subject: PolicyDocument | Entity, *only: str) -> list[str]:
    return [f.rule_id for f in findings(subject) if not only or f.rule_id in only]


def sized(kind: str, size: int, indent: int | None) -> str:
    """A valid document of `size` characters without whitespace, laid out with `indent`."""
    if kind == "trust":
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:user/u"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": ""}},
        }
    else:
        statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/"}
    body = {"Version": "2012-10-17", "Statement": [statement]}
    padding = size - len(json.dumps(body, separators=(",", ":")))
    if kind == "trust":
        statement["Condition"]["StringEquals"]["sts:ExternalId"] = "x" * padding
    else:
        statement["Resource"] += "x" * padding
    return json.dumps(body, indent=indent, separators=(",", ":") if indent is None else None)


@pytest.mark.parametrize("kind", sorted(LIMITS))
@given(delta=st.integers(-3, 3), indent=st.one_of(st.none(), st.integers(0, 8)))
def test_a_document_is_too_big_exactly_when_it_passes_its_limit_whitespace_not_counted(
    kind: str, delta: int, indent: int | None
) -> None:
    rule, limit = LIMITS[kind]
    doc = PolicyDocument(kind, "p", sized(kind, limit + delta, indent))  # type: ignore[arg-type]
    assert rule_ids(doc, rule) == ([rule] if delta > 0 else [])


@pytest.mark.parametrize("kind", sorted(INLINE_TOTALS))
@given(delta=st.integers(-3, 3), parts=st.integers(1, 4))
def test_inline_policies_are_too_big_exactly_when_their_total_passes_the_entitys_limit(kind: str, delta: int, parts: int) -> None:
    total = INLINE_TOTALS[kind] + delta
    sizes = [total // parts] * (parts - 1) + [total - (total // parts) * (parts - 1)]
    docs = tuple(PolicyDocument("inline", f"p{i}", "x" * n) for i, n in enumerate(sizes))
    entity = Entity(kind=kind, where="", name="e", inline_policies=docs)  # type: ignore[arg-type]
    assert rule_ids(entity, "INLINE_POLICY_TOTAL_SIZE") == (["INLINE_POLICY_TOTAL_SIZE"] if delta > 0 else [])


def in_condition(value: str) -> PolicyDocument:
    statement = {
        "Effect": "Allow",
        "Action": "s3:ListAllMyBuckets",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": value}},
    }
    return PolicyDocument("managed", "p", json.dumps({"Version": "2012-10-17", "Statement": [statement]}, ensure_ascii=False))


@given(st.text(alphabet=ALLOWED, max_size=200))
def test_characters_from_tab_lf_cr_and_u0020_to_u00ff_pass(value: str) -> None:
    assert rule_ids(in_condition(value), "POLICY_CHARACTERS") == []


@given(
    st.text(alphabet=ALLOWED, max_size=50),
    st.characters(codec="utf-8").filter(lambda ch: ch not in ALLOWED),
    st.text(alphabet=ALLOWED, max_size=50),
)
def test_one_character_outside_them_is_reported_by_its_code_point(before: str, bad: str, after: str) -> None:
    doc = in_condition(before + bad + after)
    found = [f for r in DOCUMENT_RULES for f in r.run(doc) if f.rule_id == "POLICY_CHARACTERS"]
    assert len(found) == 1
    assert f"(U+{ord(bad):04X})" in found[0].message


@pytest.mark.parametrize(("kind", "limit"), [("role", 64), ("user", 64), ("group", 128), ("policy", 128)])
@given(data=st.data())
def test_a_name_is_valid_exactly_when_it_has_1_to_the_limit_of_the_allowed_characters(
    kind: str, limit: int, data: st.DataObject
) -> None:
    good = data.draw(st.text(alphabet=NAME_CHARS, min_size=1, max_size=limit))
    assert rule_ids(Entity(kind=kind, where="", name=good), "NAME_FORMAT") == []  # type: ignore[arg-type]
    long = data.draw(st.text(alphabet=NAME_CHARS, min_size=limit + 1, max_size=limit + 3))
    bad_char = data.draw(st.characters(codec="utf-8").filter(lambda ch: ch not in NAME_CHARS))
    at = data.draw(st.integers(0, len(good)))
    for bad in ("", long, good[:at] + bad_char + good[at:]):
        if len(bad) <= limit + 3:
            assert rule_ids(Entity(kind=kind, where="", name=bad), "NAME_FORMAT") == ["NAME_FORMAT"], bad  # type: ignore[arg-type]


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.one_of(
        st.text(alphabet=NAME_CHARS, min_size=1, max_size=66),
        st.text(min_size=1, max_size=10).filter(lambda s: s.strip() == s and s.isprintable()),
    )
)
def test_the_settings_accept_exactly_the_user_names_the_guardrails_accept(name: str) -> None:
    raw = walkthrough_settings()
    raw["users"] = {name: {}}
    raw["roles"]["s3-list-role"]["trustedUsers"] = [name]
    try:
        load_values("utils", raw, PROJECT_DIR / "policies")
        settings_accept = True
    except SettingsError:
        settings_accept = False
    # The settings also want 2 characters: a user's name is its role session name (STS: 2 to 64).
    assert settings_accept == (rule_ids(Entity(kind="user", where="", name=name), "NAME_FORMAT") == [] and len(name) >= 2)


@given(st.integers(500, 520))
def test_a_path_is_valid_up_to_512_characters(length: int) -> None:
    path = "/" + "a" * (length - 2) + "/"
    expected = [] if length <= 512 else ["PATH_FORMAT"]
    assert rule_ids(Entity(kind="role", where="", path=path), "PATH_FORMAT") == expected
    assert rule_ids(Entity(kind="policy", where="", path=path), "PATH_FORMAT") == expected


ARN_RULES = ("ARN_FORMAT", "ACCOUNT_ID_FORMAT")


def denied(resource: str) -> PolicyDocument:
    statement = {"Effect": "Deny", "Action": "s3:GetObject", "Resource": resource}
    return PolicyDocument("managed", "p", json.dumps({"Version": "2012-10-17", "Statement": [statement]}))


resource_arns = st.builds(
    "arn:{}:{}:{}:{}:{}".format,
    st.sampled_from(["aws", "aws-cn", "aws-us-gov"]),
    st.from_regex(r"\A[a-z0-9-]{1,20}\Z"),
    st.sampled_from(["", "*", "eu-north-1", "us-gov-west-1", "cn-north-1"]),
    st.one_of(st.just(""), ACCOUNT),
    st.text(alphabet=string.ascii_letters + string.digits + "/*:-_.${}", min_size=1, max_size=40),
)


@given(resource_arns)
def test_well_formed_resource_arns_pass(arn: str) -> None:
    assert rule_ids(denied(arn), *ARN_RULES) == []


@given(resource_arns, st.one_of(st.from_regex(r"\A[0-9]{1,11}\Z"), st.from_regex(r"\A[0-9]{13,15}\Z")))
def test_an_arn_whose_account_is_not_12_digits_is_reported(arn: str, account: str) -> None:
    parts = arn.split(":", 5)
    parts[4] = account
    assert rule_ids(denied(":".join(parts)), *ARN_RULES) == ["ACCOUNT_ID_FORMAT"]


@given(resource_arns)
def test_an_arn_without_its_arn_prefix_is_reported(arn: str) -> None:
    assert rule_ids(denied(arn.removeprefix("arn:")), *ARN_RULES) == ["ARN_FORMAT"]


@given(ACCOUNT, st.sampled_from(["user", "role"]), st.text(alphabet=NAME_CHARS, min_size=1, max_size=64))
def test_a_trusted_user_or_role_arn_passes_and_a_wildcard_in_it_does_not(account: str, kind: str, name: str) -> None:
    def trust(principal: str) -> PolicyDocument:
        statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
        return PolicyDocument("trust", "p", json.dumps({"Version": "2012-10-17", "Statement": [statement]}))

    assert rule_ids(trust(f"arn:aws:iam::{account}:{kind}/{name}"), *ARN_RULES) == []
    assert rule_ids(trust(f"arn:aws:iam::{account}:{kind}/{name}*"), *ARN_RULES) == ["ARN_FORMAT"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
statement_values = st.dictionaries(
    st.sampled_from(
        ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]
    ),
    st.one_of(
        json_values, st.sampled_from(["Allow", "Deny", "*", "s3:GetObject", "arn:aws:s3:::b/*"]), st.lists(st.text(max_size=30))
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["managed", "inline", "trust"]), st.one_of(json_values, st.lists(statement_values, max_size=3)))
def test_no_input_makes_a_rule_raise(kind: str, value: Any) -> None:
    body = value if not isinstance(value, list) else {"Version": "2012-10-17", "Statement": value}
    for document_rule in DOCUMENT_RULES:
        document_rule.run(PolicyDocument(kind, "p", json.dumps(body)))  # type: ignore[arg-type]


prefixes = st.sampled_from(["s3", "iam", "ec2", "sts", "kms", "lambda", "*", "logs", "dynamodb"])
segments = st.text(alphabet="ab*?:/-${}0123456789", max_size=15)
odd_actions = st.builds("{}:{}".format, prefixes, st.text(alphabet="GetObjectListPutRole*?[]", max_size=12))
odd_resources = st.one_of(
    st.just("*"),
    st.builds("arn:{}:{}:{}:{}:{}".format, st.sampled_from(["aws", "*", ""]), prefixes, segments, segments, segments),
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["Allow", "Deny"]),
    st.lists(odd_actions, min_size=1, max_size=3),
    st.lists(odd_resources, min_size=1, max_size=3),
    st.sampled_from(["Resource", "NotResource"]),
)
def test_no_odd_action_or_resource_makes_the_catalogue_raise(
    effect: str, actions: list[str], resources: list[str], element: str
) -> None:
    statement = {"Effect": effect, "Action": actions, element: resources}
    doc = PolicyDocument("managed", "p", json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    for document_rule in DOCUMENT_RULES:
        document_rule.run(doc)
