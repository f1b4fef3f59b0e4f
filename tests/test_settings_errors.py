"""Bad settings stop the program with one error naming every problem, and nothing is registered.

Invariant: each problem names its stack key (or file), the value received and what is
expected; all problems come in one error; the error is raised before the first resource
registration (the recording mocks saw nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crossaccount.errors import SettingsError
from tests.conftest import walkthrough_settings
from tools.offline.mocks import PROGRAM, ProgramError, ProgramRun, run_program

Mutation = Callable[[dict[str, Any]], object]
ROLE = "s3-list-role"


def problems_of(raw: dict[str, Any], program_path: Path = PROGRAM) -> list[str]:
    """Run the real program; assert it failed with a SettingsError before registering anything."""
    with pytest.raises(ProgramError) as caught:
        run_program("utils", raw, program_path=program_path)
    assert caught.value.registrations == [], "a resource was registered before the settings were checked"
    assert isinstance(caught.value.cause, SettingsError)
    return caught.value.cause.problems


def role(raw: dict[str, Any]) -> dict[str, Any]:
    value: dict[str, Any] = raw["roles"][ROLE]
    return value


CASES: list[tuple[str, Mutation, str]] = [
    (
        "account id written as a number",
        lambda s: s["source"].update(accountId=111122223333),
        'cross-account-roles:source.accountId: got 111122223333; expected a 12-digit account id as a quoted string, e.g. "111122223333"',
    ),
    (
        "account id with eleven digits",
        lambda s: s["target"].update(accountId="44445555666"),
        'cross-account-roles:target.accountId: got "44445555666"; expected exactly 12 digits as a quoted string',
    ),
    (
        "missing account id",
        lambda s: s["source"].pop("accountId"),
        'cross-account-roles:source.accountId: missing; expected a 12-digit account id as a quoted string, e.g. "111122223333"',
    ),
    (
        "missing target",
        lambda s: s.pop("target"),
        "cross-account-roles:target: missing; expected a mapping with accountId and region",
    ),
    (
        "region that is not a region",
        lambda s: s["source"].update(region="Stockholm"),
        'cross-account-roles:source.region: got "Stockholm"; expected an AWS region such as eu-north-1',
    ),
    (
        "profile and roleArn together",
        lambda s: s["source"].update(roleArn="arn:aws:iam::111122223333:role/deployer"),
        "cross-account-roles:source: both profile and roleArn are set; expected one of them (or neither, for environment credentials)",
    ),
    (
        "deployer role in another account",
        lambda s: (s["target"].pop("profile"), s["target"].update(roleArn="arn:aws:iam::111122223333:role/deployer")),
        'cross-account-roles:target.roleArn: got "arn:aws:iam::111122223333:role/deployer"; expected a role in account 444455556666 (target.accountId)',
    ),
    (
        "misspelt top-level key",
        lambda s: s.update(role={}),
        "cross-account-roles:role: unknown key; expected one of source, target, users, roles, tags",
    ),
    (
        "misspelt role key",
        lambda s: role(s).update(trustedUser=["random_user"]),
        'cross-account-roles:roles.s3-list-role.trustedUser: unknown key (value ["random_user"]); see docs/settings.md',
    ),
    (
        "boolean written as a word",
        lambda s: role(s).update(requireMfa="yes"),
        'cross-account-roles:roles.s3-list-role.requireMfa: got "yes"; expected true or false',
    ),
    (
        "session duration below an hour",
        lambda s: role(s).update(maxSessionDuration=60),
        "cross-account-roles:roles.s3-list-role.maxSessionDuration: got 60; expected a whole number of seconds from 3,600 (1 hour) to 43,200 (12 hours)",
    ),
    (
        "session duration above twelve hours",
        lambda s: role(s).update(maxSessionDuration=43201),
        "cross-account-roles:roles.s3-list-role.maxSessionDuration: got 43201; expected a whole number of seconds from 3,600 (1 hour) to 43,200 (12 hours)",
    ),
    (
        "trusted user not declared",
        lambda s: role(s).update(trustedUsers=["random_user", "bob"]),
        'cross-account-roles:roles.s3-list-role.trustedUsers[1]: user "bob" is not declared under cross-account-roles:users; '
        "expected one of random_user",
    ),
    (
        "role trusting nobody",
        lambda s: role(s).update(trustedUsers=[]),
        "cross-account-roles:roles.s3-list-role.trustedUsers: empty, and no trustedGroups, trustedRoles, trustedPermissionSets, "
        "trustedSamlProviders or trustedOidcProviders; expected at least one principal",
    ),
    (
        "role name AWS would refuse",
        lambda s: s["roles"].update({"s3 list role": s["roles"].pop(ROLE)}),
        'cross-account-roles:roles.s3 list role: role name "s3 list role" is not valid; '
        "expected 1 to 64 characters of letters, digits and +=,.@_-",
    ),
    (
        "role name over 64 characters",
        lambda s: s["roles"].update({"r" * 65: s["roles"].pop(ROLE)}),
        f'cross-account-roles:roles.{"r" * 65}: role name "{"r" * 65}" is not valid; '
        "expected 1 to 64 characters of letters, digits and +=,.@_-",
    ),
    (
        "role names that differ only in case",
        lambda s: s["roles"].update({"S3-List-Role": dict(role(s))}),
        # The engine passes maps with their keys sorted (Go's encoding/json): S3-List-Role comes first.
        'cross-account-roles:roles: role names "S3-List-Role" and "s3-list-role" differ only in case; IAM treats them as one',
    ),
    (
        "path without trailing slash",
        lambda s: role(s).update(path="/people"),
        'cross-account-roles:roles.s3-list-role.path: got "/people"; expected / or /<printable ASCII>/ (at most 512 characters)',
    ),
    (
        "policy file that does not exist",
        lambda s: role(s).update(policyFiles=["missing.json"]),
        "cross-account-roles:roles.s3-list-role.policyFiles[0]: policies/missing.json: file not found in ",
    ),
    (
        "policy file outside policies/",
        lambda s: role(s).update(policyFiles=["../Pulumi.yaml"]),
        "cross-account-roles:roles.s3-list-role.policyFiles[0]: policies/../Pulumi.yaml: not a plain file name; "
        "expected <name>.json inside policies/ (letters, digits, . _ -)",
    ),
    (
        "role with no permissions",
        lambda s: role(s).update(policyFiles=[]),
        "cross-account-roles:roles.s3-list-role: neither policyFiles nor managedPolicyArns; expected at least one permission source",
    ),
    (
        "more than ten managed policies",
        lambda s: role(s).update(managedPolicyArns=[f"arn:aws:iam::444455556666:policy/p{i}" for i in range(10)]),
        "cross-account-roles:roles.s3-list-role: 11 managed policies (policyFiles plus managedPolicyArns); AWS attaches at most 10 to a role",
    ),
    (
        "managed policy that is not an ARN",
        lambda s: role(s).update(managedPolicyArns=["ReadOnlyAccess"]),
        'cross-account-roles:roles.s3-list-role.managedPolicyArns[0]: got "ReadOnlyAccess"; expected a policy ARN such as '
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ),
    (
        "external id with a space",
        lambda s: role(s).update(externalId="not allowed"),
        'cross-account-roles:roles.s3-list-role.externalId: got "not allowed"; expected 2 to 1,224 characters of letters, digits and +=,.@:/_-',
    ),
    (
        "MFA age without MFA",
        lambda s: role(s).update(requireMfa=False, mfaMaxAgeSeconds=3600),
        "cross-account-roles:roles.s3-list-role.mfaMaxAgeSeconds: set while requireMfa is false; expected requireMfa: true",
    ),
    (
        "reserved tag prefix",
        lambda s: s.update(tags={"aws:team": "platform"}),
        'cross-account-roles:tags: tag key "aws:team" uses the reserved prefix aws:; choose another key',
    ),
    (
        "more than fifty tags with the stack-wide ones",
        lambda s: (s.update(tags={f"t{i}": "v" for i in range(30)}), role(s).update(tags={f"r{i}": "v" for i in range(21)})),
        "cross-account-roles:roles.s3-list-role.tags: 51 tags (with cross-account-roles:tags); expected at most 50",
    ),
    (
        "user that no role trusts",
        lambda s: s["users"].update(idle_user={}),
        "cross-account-roles:users.idle_user: no role lists this user in trustedUsers or one of its groups in trustedGroups; "
        "expected every declared user to be trusted by a role",
    ),
    (
        "smoke check that is not service:Operation",
        lambda s: role(s).update(checks=[{"action": "s3:list_buckets"}]),
        'cross-account-roles:roles.s3-list-role.checks[0].action: got "s3:list_buckets"; expected service:Operation, e.g. s3:ListBuckets',
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), [(m, e) for _, m, e in CASES], ids=[c[0] for c in CASES])
def test_bad_setting_is_reported_with_key_value_and_expectation(mutate: Mutation, expected: str) -> None:
    raw = walkthrough_settings()
    mutate(raw)
    problems = problems_of(raw)
    assert any(p.startswith(expected) for p in problems), "\n".join(problems)


def test_every_problem_is_reported_in_one_error() -> None:
    raw = walkthrough_settings()
    raw["source"]["accountId"] = "1"
    raw["target"]["region"] = "north"
    role(raw)["maxSessionDuration"] = 60
    role(raw)["trustedUsers"] = ["random_user", "bob"]
    assert problems_of(raw) == [
        "cross-account-roles:roles.s3-list-role.maxSessionDuration: got 60; expected a whole number of seconds from 3,600 (1 hour) to 43,200 (12 hours)",
        'cross-account-roles:source.accountId: got "1"; expected exactly 12 digits as a quoted string',
        'cross-account-roles:target.region: got "north"; expected an AWS region such as eu-north-1',
        'cross-account-roles:roles.s3-list-role.trustedUsers[1]: user "bob" is not declared under cross-account-roles:users; '
        "expected one of random_user",
    ]


def test_a_type_error_in_one_role_does_not_hide_problems_elsewhere() -> None:
    raw = walkthrough_settings()
    raw["source"]["accountId"] = 111122223333
    role(raw)["requireMfa"] = "yes"
    raw["roles"]["other-role"] = {"trustedUsers": ["random_user"], "policyFiles": ["gone.json"]}
    problems = problems_of(raw)
    assert problems[:2] == [
        'cross-account-roles:source.accountId: got 111122223333; expected a 12-digit account id as a quoted string, e.g. "111122223333" (unquoted, YAML reads it as a number)',
        'cross-account-roles:roles.s3-list-role.requireMfa: got "yes"; expected true or false',
    ]
    assert problems[2].startswith("cross-account-roles:roles.other-role.policyFiles[0]: policies/gone.json: file not found in ")
    assert len(problems) == 3


def test_the_error_message_lists_the_problems_and_says_nothing_was_created() -> None:
    raw = walkthrough_settings()
    role(raw)["maxSessionDuration"] = 60
    with pytest.raises(ProgramError) as caught:
        run_program("utils", raw)
    assert str(caught.value) == (
        "1 problem(s) in the stack settings; nothing was created:\n"
        "  - cross-account-roles:roles.s3-list-role.maxSessionDuration: got 60; expected a whole number of seconds from 3,600 (1 hour) to 43,200 (12 hours)"
    )


def test_a_policy_file_that_is_not_json_names_the_file_and_the_position(project: Path) -> None:
    (project / "policies" / "broken.json").write_text('{"Version": "2012-10-17",\n  "Statement": [}', encoding="utf-8")
    raw = walkthrough_settings()
    role(raw)["policyFiles"] = ["broken.json"]
    assert problems_of(raw, project / "__main__.py") == [
        "cross-account-roles:roles.s3-list-role.policyFiles[0]: policies/broken.json: not valid JSON "
        "(Expecting value at line 2, column 17); expected a JSON policy document"
    ]


def test_a_policy_file_without_statements_is_refused(project: Path) -> None:
    (project / "policies" / "list.json").write_text('["s3:ListAllMyBuckets"]', encoding="utf-8")
    raw = walkthrough_settings()
    role(raw)["policyFiles"] = ["list.json"]
    assert problems_of(raw, project / "__main__.py") == [
        'cross-account-roles:roles.s3-list-role.policyFiles[0]: policies/list.json: got ["s3:ListAllMyBuckets"]; '
        "expected a JSON object with Version and Statement"
    ]


def test_a_policy_file_named_twice_is_reported_once() -> None:
    raw = walkthrough_settings()
    raw["roles"]["second-role"] = {**role(raw), "policyFiles": ["missing.json"]}
    role(raw)["policyFiles"] = ["missing.json"]
    problems = [p for p in problems_of(raw) if "missing.json" in p]
    assert len(problems) == 1, problems


def test_a_stack_name_too_long_for_policy_names_is_refused() -> None:
    problems = problems_of_stack("s" * 41)
    assert problems == [
        f'stack name "{"s" * 41}": expected 1 to 40 characters of letters, digits and +=,.@_- (it is part of policy names)'
    ]


def problems_of_stack(stack: str) -> list[str]:
    with pytest.raises(ProgramError) as caught:
        run_program(stack, walkthrough_settings())
    assert caught.value.registrations == []
    assert isinstance(caught.value.cause, SettingsError)
    return caught.value.cause.problems


def test_good_settings_register_resources(run: Callable[..., ProgramRun]) -> None:
    """The control case for this file: the walk-through itself is accepted."""
    assert len(run(walkthrough_settings()).registrations) == 13


def test_derived_policy_names_that_collide_are_refused(project: Path) -> None:
    (project / "policies" / "b-c.json").write_text(
        (project / "policies" / "role_permissions_policy.json").read_text(encoding="utf-8")
    )
    (project / "policies" / "c.json").write_text(
        (project / "policies" / "role_permissions_policy.json").read_text(encoding="utf-8")
    )
    raw = walkthrough_settings()
    raw["roles"] = {
        "a-b": {"trustedUsers": ["random_user"], "policyFiles": ["c.json"]},
        "a": {"trustedUsers": ["random_user"], "policyFiles": ["b-c.json"]},
    }
    assert problems_of(raw, project / "__main__.py") == [
        "cross-account-roles:roles.a-b.policyFiles[0]: policy name 'a-b-c' is also the name derived at "
        "cross-account-roles:roles.a.policyFiles[0]; rename one of the files"
    ]


# Each number setting: where it lives, its key, the bounds IAM sets (written here by hand, from
# ../shared/IAM-FACTS.md, so that a wrong number in crossaccount/iam.py fails), and the one text.
NUMBER_SETTINGS = [
    ("roles", "maxSessionDuration", 3600, 43200, "a whole number of seconds from 3,600 (1 hour) to 43,200 (12 hours)"),
    ("roles", "mfaMaxAgeSeconds", 900, 129600, "a whole number of seconds from 900 to 129,600"),
    ("passwordPolicy", "minimumPasswordLength", 6, 128, "a whole number from 6 to 128"),
    ("passwordPolicy", "passwordReusePrevention", 1, 24, "a whole number from 1 to 24, or null"),
    ("passwordPolicy", "maxPasswordAge", 1, 1095, "a whole number of days from 1 to 1,095, or null"),
]


def _with_number(where: str, name: str, value: Any) -> dict[str, Any]:
    raw = walkthrough_settings()
    if where == "roles":
        role(raw)[name] = value
        return raw
    raw["passwordPolicy"] = {name: value}
    return raw


def _full_key(where: str, name: str) -> str:
    return f"cross-account-roles:{'roles.s3-list-role' if where == 'roles' else 'passwordPolicy'}.{name}"


@pytest.mark.parametrize(("where", "name", "low", "high", "expected"), NUMBER_SETTINGS, ids=[n[1] for n in NUMBER_SETTINGS])
def test_a_number_setting_takes_both_its_bounds_and_nothing_beyond(
    where: str, name: str, low: int, high: int, expected: str
) -> None:
    for inside in (low, high):
        run_program("utils", _with_number(where, name, inside))  # raises ProgramError if refused
    for outside in (low - 1, high + 1):
        assert problems_of(_with_number(where, name, outside)) == [
            f"{_full_key(where, name)}: got {outside}; expected {expected}"
        ]


@pytest.mark.parametrize(("where", "name", "low", "high", "expected"), NUMBER_SETTINGS, ids=[n[1] for n in NUMBER_SETTINGS])
def test_a_number_setting_of_the_wrong_type_gets_the_same_expectation(
    where: str, name: str, low: int, high: int, expected: str
) -> None:
    assert problems_of(_with_number(where, name, "ten")) == [f'{_full_key(where, name)}: got "ten"; expected {expected}']


def test_a_number_out_of_bounds_does_not_hide_the_same_roles_other_problems() -> None:
    raw = walkthrough_settings()
    role(raw).update(mfaMaxAgeSeconds=60, requireMfa=False, trustedUsers=["random_user", "bob"])
    assert problems_of(raw) == [
        "cross-account-roles:roles.s3-list-role.mfaMaxAgeSeconds: got 60; expected a whole number of seconds from 900 to 129,600",
        "cross-account-roles:roles.s3-list-role.mfaMaxAgeSeconds: set while requireMfa is false; expected requireMfa: true",
        'cross-account-roles:roles.s3-list-role.trustedUsers[1]: user "bob" is not declared under cross-account-roles:users; '
        "expected one of random_user",
    ]
