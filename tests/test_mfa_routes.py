"""What a person pastes passes AWS's evaluation of MFA, for the default settings and each option.

Invariant: the route the outputs give (the `mfaSessionCommand` where MFA is required, then the
`assumeRoleCommand` or the `awsConfigProfile`) is allowed by the person's own identity policies
and by the role's trust policy, each judged on its own; the route the program gave before
(AssumeRole signed with the long-term key plus `--serial-number`/`--token-code`, or a profile
with `mfa_serial`) is refused wherever MFA is required.

moto cannot judge this (it carries no MFA context into a session), so the request context is
built from what AWS documents for each route, read off the outputs' own strings:
- signed with the person's long-term key: no `aws:MultiFactorAuthPresent` key at all (IAM User
  Guide, global condition keys); a SerialNumber/TokenCode in the AssumeRole request counts for
  the role's trust policy only (STS API reference, AssumeRole);
- signed with the session `aws configure mfa-login` wrote (GetSessionToken with the code):
  `aws:MultiFactorAuthPresent = true` and `aws:MultiFactorAuthAge` on both sides (STS API
  reference, GetSessionToken; "Configuring MFA-protected API access").
The documents are the plan's exact ones (tests/access_sides.py evaluates each side with the core evaluator, crossaccount/access).
"""

from __future__ import annotations

import configparser
import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from crossaccount import pipeline
from crossaccount.pipeline import load_values
from crossaccount.plan import StackPlan, stack_outputs
from tests.access_sides import Outcome, identity_side, trust_side
from tests.conftest import SOURCE, walkthrough_settings
from tools.offline.mocks import PROJECT_DIR

USER = "random_user"
ROLE = "s3-list-role"
MFA_AGE = "30"


@dataclass(frozen=True)
class Request:
    """An AssumeRole request as AWS sees it: who signs it and what it carries."""

    signed_with_mfa_session: bool
    serial_number: bool
    external_id: str | None
    source_identity: str | None


def plan_of(raw: dict[str, Any]) -> StackPlan:
    return pipeline.plan_of(load_values("utils", raw, PROJECT_DIR / "policies"))


def contexts(request: Request, user_arn: str) -> tuple[dict[str, str], dict[str, str]]:
    """(identity side, trust side) request contexts, as AWS documents them for the route."""
    base = {"aws:username": USER, "aws:PrincipalArn": user_arn}
    if request.external_id is not None:
        base["sts:ExternalId"] = request.external_id
    if request.source_identity is not None:
        base["sts:SourceIdentity"] = request.source_identity
    if request.signed_with_mfa_session:
        mfa = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": MFA_AGE}
        return {**base, **mfa}, {**base, **mfa}
    trust = dict(base)
    if request.serial_number:  # the code proves MFA to the trust policy, not to the caller's own policies
        trust.update({"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "0"})
    return base, trust


def identity_documents(plan: StackPlan) -> list[dict[str, Any]]:
    """Everything the stack attaches to the person: assume-role parts, the self-service policy, group policies."""
    (user,) = [u for u in plan.users if u.name == USER]
    documents = [json.loads(p.document) for p in user.assume_policies]
    if user.self_service and plan.self_service is not None:
        documents.append(json.loads(plan.self_service.document))
    for group in plan.groups:
        if USER in group.members:
            documents += [json.loads(p.document) for p in group.assume_policies]
    return documents


def decide(plan: StackPlan, request: Request) -> tuple[Outcome, Outcome]:
    """(identity side, trust side) for every action the request needs (SetSourceIdentity too)."""
    (role,) = [r for r in plan.roles if r.name == ROLE]
    (user,) = [u for u in plan.users if u.name == USER]
    identity_context, trust_context = contexts(request, user.arn)
    actions = ["sts:AssumeRole"] + (["sts:SetSourceIdentity"] if request.source_identity else [])
    documents = identity_documents(plan)
    trust = json.loads(role.trust_document)
    identity = [identity_side(documents, a, role.arn, identity_context, user.arn) for a in actions]
    trusted = [trust_side(trust, a, user.arn, role.arn, trust_context) for a in actions]
    return _worst(identity), _worst(trusted)


def _worst(decisions: list[Outcome]) -> Outcome:
    return next((d for d in ("deny", "implicit deny") if d in decisions), "allow")


def _mfa_login_profile(outputs: dict[str, Any], access: dict[str, Any]) -> str | None:
    """The profile `mfaSessionCommand` writes, checked to be signed with the person's long-term profile."""
    if access["mfaSessionCommand"] is None:
        return None
    words = shlex.split(access["mfaSessionCommand"])
    assert words[:3] == ["aws", "configure", "mfa-login"]
    options = dict(zip(words[3::2], words[4::2], strict=True))
    assert options["--profile"] == outputs["users"][USER]["profile"]
    assert options["--serial-number"] == outputs["users"][USER]["mfaSerial"]
    return options["--update-profile"]


def command_request(outputs: dict[str, Any], access: dict[str, Any]) -> Request:
    """The request `assumeRoleCommand` makes, after `mfaSessionCommand` where there is one."""
    words = shlex.split(access["assumeRoleCommand"])
    assert words[:3] == ["aws", "sts", "assume-role"]
    options = dict(zip(words[3::2], words[4::2], strict=True))
    session = _mfa_login_profile(outputs, access)
    return Request(
        signed_with_mfa_session=session is not None and options["--profile"] == session,
        serial_number="--serial-number" in options and "--token-code" in options,
        external_id=options.get("--external-id"),
        source_identity=options.get("--source-identity"),
    )


def profile_request(outputs: dict[str, Any], access: dict[str, Any]) -> Request:
    """The request botocore's assume-role provider makes from `awsConfigProfile` (keys it reads:
    source_profile signs, mfa_serial adds SerialNumber/TokenCode, external_id ExternalId)."""
    parser = configparser.ConfigParser()
    parser.read_string(access["awsConfigProfile"])
    (section,) = parser.sections()
    profile = parser[section]
    session = _mfa_login_profile(outputs, access)
    return Request(
        signed_with_mfa_session=session is not None and profile["source_profile"] == session,
        serial_number="mfa_serial" in profile,
        external_id=profile.get("external_id"),
        source_identity=None,
    )


def old_command_request(plan: StackPlan) -> Request:
    """What the program gave before: `--profile <long-term>` plus `--serial-number`/`--token-code`
    where the role required MFA, `--external-id`, `--source-identity`."""
    role = plan.settings.roles[ROLE]
    return Request(False, role.require_mfa, role.external_id, USER if role.require_source_identity else None)


def _through_a_group(raw: dict[str, Any]) -> None:
    raw["groups"] = {"readers": {"members": [USER]}}
    raw["roles"][ROLE].update(trustedUsers=[], trustedGroups=["readers"])


def _trust_path(raw: dict[str, Any]) -> None:
    """`trust: path`: the trust names the account's root, narrowed by ArnLike to users under the path."""
    raw["users"][USER]["path"] = "/ops/"
    raw["roles"][ROLE].update(trust="path", trustedPath="/ops/", waivers={"TRUST_ACCOUNT_WIDE": "the test's path mode"})


OPTIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "default (requireMfa, selfService.enforceMfa)": lambda raw: None,
    "requireMfa false, enforceMfa true": lambda raw: raw["roles"][ROLE].update(requireMfa=False),
    "requireMfa true, enforceMfa false": lambda raw: raw.update(selfService={"enforceMfa": False}),
    "mfaMaxAgeSeconds": lambda raw: raw["roles"][ROLE].update(mfaMaxAgeSeconds=3600),
    "externalId": lambda raw: raw["roles"][ROLE].update(externalId="prod-audit-7"),
    "requireSourceIdentity": lambda raw: raw["roles"][ROLE].update(requireSourceIdentity=True),
    "externalId and requireSourceIdentity, requireMfa false": lambda raw: raw["roles"][ROLE].update(
        externalId="prod-audit-7", requireSourceIdentity=True, requireMfa=False
    ),
    "trusted through a group": _through_a_group,
    "trust: path, a user with a path": _trust_path,
}


def settings_with(option: str) -> dict[str, Any]:
    raw = walkthrough_settings()
    OPTIONS[option](raw)
    return raw


@pytest.mark.parametrize("option", OPTIONS)
def test_the_outputs_route_is_allowed_by_both_sides(option: str) -> None:
    plan = plan_of(settings_with(option))
    outputs = stack_outputs(plan)
    access = outputs["roles"][ROLE]["access"][USER]
    assert access["mfaRequired"] is True
    assert decide(plan, command_request(outputs, access)) == ("allow", "allow")
    if access["awsConfigProfile"] is not None:
        assert decide(plan, profile_request(outputs, access)) == ("allow", "allow")
    else:  # no profile key sets a source identity (botocore reads none)
        assert plan.settings.roles[ROLE].require_source_identity


@pytest.mark.parametrize("option", OPTIONS)
def test_the_route_given_before_is_refused_by_the_persons_own_policies(option: str) -> None:
    plan = plan_of(settings_with(option))
    identity, trust = decide(plan, old_command_request(plan))
    assert identity in ("deny", "implicit deny")
    assert trust == "allow"  # the code did satisfy the trust policy: the refusal is the person's own side


def test_without_mfa_on_either_side_the_long_term_key_is_the_route_and_it_is_allowed() -> None:
    raw = walkthrough_settings()
    raw["roles"][ROLE]["requireMfa"] = False
    raw["selfService"] = {"enforceMfa": False}
    plan = plan_of(raw)
    outputs = stack_outputs(plan)
    access = outputs["roles"][ROLE]["access"][USER]
    assert (access["mfaRequired"], access["mfaSessionCommand"]) == (False, None)
    request = command_request(outputs, access)
    assert request == Request(False, False, None, None)
    assert decide(plan, request) == ("allow", "allow")
    assert decide(plan, profile_request(outputs, access)) == ("allow", "allow")


def test_a_self_service_policy_that_enforces_mfa_makes_mfa_required_whatever_the_role_says() -> None:
    plan = plan_of(settings_with("requireMfa false, enforceMfa true"))
    outputs = stack_outputs(plan)
    access = outputs["roles"][ROLE]["access"][USER]
    assert access["mfaReason"] == (
        "the person's selfService.enforceMfa: true denies AssumeRole without MFA, whatever the role's requireMfa: false says"
    )
    # Each side on its own: the trust policy asks for no MFA, the self-service Deny does.
    long_term = Request(False, False, None, None)
    assert decide(plan, long_term) == ("deny", "allow")


def test_each_side_on_its_own_refuses_a_session_without_mfa() -> None:
    """A request signed with long-term keys and no code: the trust policy refuses it too."""
    plan = plan_of(walkthrough_settings())
    assert decide(plan, Request(False, False, None, None)) == ("deny", "implicit deny")


def test_the_mfa_session_lasts_no_longer_than_the_roles_mfa_max_age() -> None:
    outputs = stack_outputs(plan_of(settings_with("mfaMaxAgeSeconds")))
    assert outputs["users"][USER]["mfaSessionCommand"] == (
        f"aws configure mfa-login --profile {USER}@{SOURCE} --update-profile {USER}@{SOURCE}-mfa "
        f"--serial-number arn:aws:iam::{SOURCE}:mfa/{USER} --duration-seconds 3600"
    )


def test_a_role_session_made_with_the_mfa_session_asks_for_an_hour_at_most() -> None:
    """AWS refuses a DurationSeconds over an hour for an AssumeRole signed with a session (role
    chaining); signed with the long-term key, the role's whole maxSessionDuration is asked for."""
    raw = walkthrough_settings()
    raw["roles"][ROLE]["maxSessionDuration"] = 7200
    with_mfa = stack_outputs(plan_of(raw))["roles"][ROLE]["access"][USER]
    assert "--duration-seconds 3600" in with_mfa["assumeRoleCommand"]
    assert "duration_seconds = 3600\n" in with_mfa["awsConfigProfile"]
    raw["roles"][ROLE]["requireMfa"] = False
    raw["selfService"] = {"enforceMfa": False}
    without = stack_outputs(plan_of(raw))["roles"][ROLE]["access"][USER]
    assert "--duration-seconds 7200" in without["assumeRoleCommand"]
    assert "duration_seconds = 7200\n" in without["awsConfigProfile"]
