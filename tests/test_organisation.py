"""The whole organisation: one people's stack per source account, roles-only stacks in as many
target accounts as there are, and every stack checked together (`make check-all`).

Invariants: the people's stack grants every role of every roles-only stack of its source
account, packed into as few assume-role policies as 6,144 characters allow; a roles-only stack
creates nothing in the source account; a person owned twice, a role name two stacks create in one
account, a trusted name no people's stack declares, and a person past IAM's 10 managed policies
counted over every stack are refused, in every stack concerned, before anything is registered;
migrating a target stack from re-listed people (`create: false`) to roles only loses no access
at any step of the documented order (people's stack first).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from crossaccount.errors import SettingsError
from crossaccount.pipeline import Checked, check_organisation, check_stack
from tests.hostile.cases import REFUSED
from tests.hostile.harness import Case, Refused, project_of
from tools.__main__ import main
from tools.paths import PROJECT_DIR

ORG_CASES = [c for c in REFUSED if c.name.startswith("org-")]
"""The hostile corpus's cases of the organisation (tests/hostile/cases/stack_files.py, org-*): each a people's stack beside another stack."""

SOURCE = "111122223333"
PROD, STAGING, DATA = "444455556666", "777788889999", "555566667777"
LIST = {"policyFiles": ["role_permissions_policy.json"]}


def role(*trusted: str, **extra: Any) -> dict[str, Any]:
    return {"trustedUsers": list(trusted), **LIST, **extra}


def target(account: str) -> dict[str, Any]:
    return {"accountId": account, "region": "eu-north-1"}


def people_stack(**roles: dict[str, Any]) -> dict[str, Any]:
    return {
        "target": target(PROD),
        "users": {"alice": {}, "bob": {"path": "/team/"}},
        "roles": roles or {"prod-read": role("alice", "bob")},
    }


def roles_stack(account: str, **roles: dict[str, Any]) -> dict[str, Any]:
    return {"target": target(account), "roles": roles}


@pytest.fixture
def project(program_of_its_own: Path, tmp_path: Path) -> Path:
    shutil.copytree(program_of_its_own, tmp_path, dirs_exist_ok=True)
    return tmp_path


def write(project: Path, **stacks: dict[str, Any]) -> None:
    for old in project.glob("Pulumi.*.yaml"):
        old.unlink()
    for name, values in stacks.items():
        config = {f"cross-account-roles:{k}": v for k, v in values.items()}
        (project / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": config}), encoding="utf-8")


def checked(project: Path, stack: str) -> Checked:
    return check_stack(project, stack)


def refused(project: Path, stack: str) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        check_stack(project, stack)
    return caught.value.problems


def granted(result: Checked, user: str) -> list[str]:
    """The role ARNs the user's assume-role policies of this stack allow, in document order."""
    (plan,) = [u for u in result.plan.users if u.name == user]
    arns: list[str] = []
    for policy in plan.assume_policies:
        for statement in json.loads(policy.document)["Statement"]:
            resources = statement["Resource"]
            arns += [resources] if isinstance(resources, str) else resources
    return arns


def source_names(result: Checked) -> list[str]:
    """What the stack creates in the source account: its users' policies, by name."""
    return sorted(p.name for u in result.plan.users for p in u.assume_policies)


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools", *args, "--project-dir", str(project)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


# --- people in one place, roles everywhere -----------------------------------------------------


def test_the_people_stack_grants_the_roles_of_every_roles_only_stack(project: Path) -> None:
    write(
        project,
        people=people_stack(),
        staging=roles_stack(STAGING, **{"staging-read": role("alice")}),
        data=roles_stack(DATA, **{"data-read": role("alice", "bob"), "data-admin": role("bob", path="/ops/")}),
    )
    people = checked(project, "people")
    assert people.loaded.kind == "people"
    assert granted(people, "alice") == [
        f"arn:aws:iam::{PROD}:role/prod-read",
        f"arn:aws:iam::{DATA}:role/data-read",
        f"arn:aws:iam::{STAGING}:role/staging-read",
    ]
    assert granted(people, "bob") == [
        f"arn:aws:iam::{PROD}:role/prod-read",
        f"arn:aws:iam::{DATA}:role/data-read",
        f"arn:aws:iam::{DATA}:role/ops/data-admin",
    ]
    assert source_names(people) == ["alice-assume-roles-people", "bob-assume-roles-people"]


def test_a_roles_only_stack_creates_nothing_in_the_source_account(project: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice", "bob")}))
    staging = checked(project, "staging")
    assert staging.loaded.kind == "roles"
    assert [(u.name, u.create, u.assume_policies, u.arn) for u in staging.plan.users] == [
        ("alice", False, (), f"arn:aws:iam::{SOURCE}:user/alice"),
        ("bob", False, (), f"arn:aws:iam::{SOURCE}:user/team/bob"),  # the path the people's stack gives bob
    ]
    (trust,) = [json.loads(r.trust_document) for r in staging.plan.roles]
    assert trust["Statement"][0]["Principal"] == {
        "AWS": [f"arn:aws:iam::{SOURCE}:user/alice", f"arn:aws:iam::{SOURCE}:user/team/bob"]
    }


def test_a_roles_only_stack_without_a_people_stack_is_refused(project: Path) -> None:
    write(project, staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    (problem,) = refused(project, "staging")
    assert problem.startswith("cross-account-roles:users: missing, so this stack holds only roles")
    assert SOURCE in problem


def test_a_roles_only_stack_may_trust_only_people_the_people_stack_declares(project: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice", "mallory")}))
    problems = refused(project, "staging")
    assert any("cross-account-roles:roles.staging-read.trustedUsers" in p and "mallory" in p for p in problems), problems
    assert any("Pulumi.people.yaml" in p for p in problems), problems


# --- the organisation checked as one ---------------------------------------------------------


def test_a_person_owned_by_two_stacks_is_refused_in_both(project: Path) -> None:
    other = {"target": target(DATA), "users": {"alice": {}}, "roles": {"other-read": role("alice")}}
    write(project, people=people_stack(), other=other)
    assert refused(project, "people") == [
        f"cross-account-roles:users.alice: Pulumi.other.yaml also creates this user in source account {SOURCE}; "
        "exactly one stack owns each person: remove it from one of them"
    ]
    assert refused(project, "other")[0].startswith("cross-account-roles:users.alice: Pulumi.people.yaml also creates")


def test_a_role_name_two_stacks_create_in_one_account_is_refused_ignoring_case(project: Path) -> None:
    write(project, people=people_stack(), more=roles_stack(PROD, **{"Prod-Read": role("alice")}))
    problems = refused(project, "more")
    assert problems == [
        f"cross-account-roles:roles.Prod-Read: Pulumi.people.yaml also creates a role of this name in target account "
        f"{PROD} (IAM names ignore case); expected each role of an account in one stack"
    ]


def legacy(account: str, name: str) -> dict[str, Any]:
    return {"target": target(account), "users": {"alice": {"create": False}}, "roles": {name: role("alice")}}


def test_a_person_past_ten_managed_policies_over_all_stacks_is_refused_before_any_up(project: Path) -> None:
    accounts = [f"{100000000000 + i}" for i in range(9)]
    stacks = {f"legacy{i}": legacy(a, f"role{i}") for i, a in enumerate(accounts)}
    write(project, people=people_stack(), **stacks)
    # alice: the people's stack attaches 2 (assume-role, self-service), nine legacy stacks 1 each
    (problem,) = refused(project, "people")
    assert problem.startswith(
        "cross-account-roles:users.alice: trusted by 1 roles whose exact ARNs need 1 assume-role policies of at most "
        "6,144 characters; this stack attaches 2, Pulumi.legacy0.yaml attaches 1,"
    )
    assert problem.endswith(
        ", Pulumi.legacy8.yaml attaches 1: 11 managed policies on one user, and AWS attaches at most 10 (20 by quota "
        "request); expected at most 10: remove users from the stacks that re-list this person (create: false), so "
        "that the people's stack grants their roles in its packed policies (docs/organisation.md#migrate-from-people-re-listed-in-each-stack)"
    )
    assert refused(project, "legacy3")[0].startswith("cross-account-roles:users.alice: trusted by 1 roles")
    # The same nine accounts as roles-only stacks: alice holds 2 managed policies in all.
    write(
        project,
        people=people_stack(),
        **{n: roles_stack(a, **{f"role{i}": role("alice")}) for (i, a), n in zip(enumerate(accounts), stacks, strict=True)},
    )
    people = checked(project, "people")
    (alice,) = [u for u in people.plan.users if u.name == "alice"]
    assert (alice.attached_policies, len(granted(people, "alice"))) == (2, 10)


def test_check_all_reports_every_stack_and_the_people_figures(project: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    done = cli(project, "check", "--all")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "Organisation check: 2 stacks, 0 refused by their settings, 0 with guardrail errors",
        "Pulumi.people.yaml (people's stack): 0 errors, 0 warnings, 0 waived",
        "Pulumi.staging.yaml (roles only): 0 errors, 0 warnings, 0 waived",
        f"Pulumi.people.yaml: 2 people of source account {SOURCE}; at most 2 managed policies on one person (bob; AWS "
        "attaches at most 10), the largest assume-role policy 276 of 6,144 characters (alice-assume-roles-people)",
    ]


def test_check_all_refuses_stacks_that_cannot_be_valid_together_and_exits_2(project: Path) -> None:
    write(project, people=people_stack(), more=roles_stack(PROD, **{"prod-read": role("alice")}))
    done = cli(project, "check", "--all")
    assert done.returncode == 2
    assert done.stdout.splitlines()[:3] == [
        "Organisation check: 2 stacks, 2 refused by their settings, 0 with guardrail errors",
        "Pulumi.more.yaml: refused, 1 problem(s) in its settings (listed on stderr)",
        "Pulumi.people.yaml: refused, 1 problem(s) in its settings (listed on stderr)",
    ]
    assert "error: Pulumi.more.yaml: 1 problem(s)\n  - cross-account-roles:roles.prod-read: Pulumi.people.yaml" in done.stderr
    assert "error: Pulumi.people.yaml: 1 problem(s)\n  - cross-account-roles:roles.prod-read: Pulumi.more.yaml" in done.stderr


def test_check_all_agrees_with_each_stack_checked_alone(project: Path) -> None:
    write(
        project,
        people=people_stack(),
        staging=roles_stack(
            STAGING,
            **{"admin": {"trustedUsers": ["alice"], "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}},
        ),
    )
    together = check_organisation(project)
    for stack in ("people", "staging"):
        alone = checked(project, stack)
        assert isinstance(together[stack], Checked)
        assert together[stack].findings == alone.findings  # type: ignore[union-attr]
        assert together[stack].plan == alone.plan  # type: ignore[union-attr]
    assert cli(project, "check", "--all").returncode == 1


# --- migration: no window --------------------------------------------------------------------


def test_migrating_a_target_stack_to_roles_only_loses_no_access_at_any_step(project: Path) -> None:
    """README: the people's stack is deployed first, then the target stack. At each step, the
    union of what the deployed stacks grant alice covers what she had before."""
    staging_role = f"arn:aws:iam::{STAGING}:role/staging-read"
    before = legacy(STAGING, "staging-read")
    write(project, people=people_stack(), staging=before)
    old_people, old_staging = checked(project, "people"), checked(project, "staging")
    assert staging_role not in granted(old_people, "alice")  # a legacy stack grants its own roles
    assert granted(old_staging, "alice") == [staging_role]
    assert source_names(old_staging) == ["alice-assume-roles-staging"]
    after = roles_stack(STAGING, **{"staging-read": role("alice")})
    write(project, people=people_stack(), staging=after)
    new_people, new_staging = checked(project, "people"), checked(project, "staging")
    # step 1, `up` of the people's stack: it now grants the staging role too, beside the old policy
    assert granted(new_people, "alice") == [f"arn:aws:iam::{PROD}:role/prod-read", staging_role]
    assert [p.name for u in new_people.plan.users for p in u.assume_policies] == [
        p.name for u in old_people.plan.users for p in u.assume_policies
    ]  # the same policies, updated in place: no replacement
    # step 2, `up` of the staging stack: its per-user policy goes, the role and its trust stay
    assert source_names(new_staging) == []
    assert [r.trust_document for r in new_staging.plan.roles] == [r.trust_document for r in old_staging.plan.roles]


FIX_ZZ = (
    "fix Pulumi.zz.yaml (python -m tools check --stack zz lists its problems), or delete it after `pulumi destroy --stack zz`; "
    "nothing was granted or revoked"
)


def roles_only_invalid(*problems: str) -> str:
    listed = "; ".join(f"Pulumi.zz.yaml: {p}" for p in problems)
    return (
        f"Pulumi.zz.yaml: a roles-only stack whose roles this people's stack grants, but part of it is invalid ({listed}), so "
        f"it cannot tell which of its roles to grant, and deploying it now could revoke their grants: {FIX_ZZ}"
    )


@pytest.mark.parametrize(
    ("garbage", "people_refused"),
    [
        ({"users": {"carol": {}}}, None),  # another people's stack: none of its roles are granted here
        ({"target": target(DATA), "users": ["carol"], "roles": {"r": "not a mapping"}}, None),
        ({"target": "444455556666", "users": {"carol": None}, "groups": [], "selfService": "yes"}, None),
        (
            {"target": None, "roles": {"r": None}},
            roles_only_invalid(
                "cross-account-roles:target: got null; expected a mapping",
                "cross-account-roles:roles.r: got null; expected a mapping",
            ),
        ),
        (
            {"target": target(DATA), "roles": {"r": {"trustedUsers": 7}}},
            roles_only_invalid("cross-account-roles:roles.r.trustedUsers: got 7; expected a list"),
        ),
        (
            {"source": [], "target": target(DATA), "roles": {"r": role("alice")}},
            roles_only_invalid("cross-account-roles:source: got []; expected a mapping"),
        ),
    ],
)
def test_another_stack_that_cannot_be_valid_never_crashes_and_never_drops_a_grant_in_silence(
    project: Path, garbage: dict[str, Any], people_refused: str | None
) -> None:
    """A roles-only stack the people's stack cannot read whole refuses the people's stack (its
    `up` would revoke that stack's grants); any other stack's problems are its own."""
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice")}), zz=garbage)
    if people_refused is None:
        assert granted(checked(project, "people"), "alice")[-1] == f"arn:aws:iam::{STAGING}:role/staging-read"
    else:
        assert refused(project, "people") == [people_refused]
    assert checked(project, "staging").loaded.kind == "roles"
    assert refused(project, "zz")  # its own problems, when it is checked
    assert cli(project, "check", "--all").returncode == 2


def test_a_people_stack_refuses_while_a_stack_file_cannot_be_read(project: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    (project / "Pulumi.zz.yaml").write_text("config:\n  cross-account-roles:roles: {a: [\n", encoding="utf-8")
    (problem,) = refused(project, "people")
    assert problem.startswith("Pulumi.zz.yaml: cannot be read (Pulumi.zz.yaml, line 3: not valid YAML")
    assert problem.endswith(
        "so this people's stack cannot tell which roles it holds, and deploying it now would revoke every grant of that "
        f"stack's roles: {FIX_ZZ}"
    )
    assert checked(project, "staging").loaded.kind == "roles"  # a roles-only stack grants nothing in the source account


def test_a_roles_only_stack_of_another_source_account_does_not_stop_the_people_stack(project: Path) -> None:
    other = {**roles_stack(DATA, **{"r": {"trustedUsers": 7}}), "source": {"accountId": "999988887777", "region": "eu-north-1"}}
    write(project, people=people_stack(), zz=other)
    assert granted(checked(project, "people"), "alice") == [f"arn:aws:iam::{PROD}:role/prod-read"]


def with_environment(project: Path, stack: str, environment: str) -> None:
    path = project / f"Pulumi.{stack}.yaml"
    path.write_text(f"environment:\n  - {environment}\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


ESC_STAGING = (
    "warning ESC_UNSEEN Pulumi.staging.yaml: imports the Pulumi ESC environment(s) platform/staging, which neither the "
    "offline commands nor this stack's program read: this people's stack grants only the roles written in "
    "Pulumi.staging.yaml (a role, a target or a trust the environment sets is not granted here): keep "
    "cross-account-roles:roles and cross-account-roles:target in Pulumi.staging.yaml itself"
)


def test_the_people_stack_says_which_roles_only_stack_takes_values_it_cannot_see(project: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    with_environment(project, "staging", "platform/staging")
    people = checked(project, "people")
    assert [f.line() for f in people.findings if f.rule_id == "ESC_UNSEEN"] == [ESC_STAGING]
    assert not people.blocked
    done = cli(project, "check", "--stack", "people")
    assert done.returncode == 0
    assert f"  {ESC_STAGING}\n" in done.stdout
    review = cli(project, "plan", "--stack", "people", "--format", "markdown")
    assert review.returncode == 0
    assert (
        "- warning `ESC_UNSEEN` at `Pulumi.staging.yaml`: imports the Pulumi ESC environment(s) platform/staging" in review.stdout
    )


def test_the_review_of_a_stack_that_imports_esc_says_so_in_the_markdown(project: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    with_environment(project, "staging", "platform/staging")
    review = cli(project, "plan", "--stack", "staging", "--format", "markdown")
    assert review.returncode == 0
    assert (
        "- warning `ESC_UNSEEN` at `Pulumi.staging.yaml`: imports the Pulumi ESC environment(s) platform/staging: their "
        "values are not visible offline"
    ) in review.stdout


@pytest.mark.parametrize("case", ORG_CASES, ids=lambda c: c.name)
def test_check_all_refuses_each_organisation_case_of_the_corpus_naming_the_file(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert isinstance(case.expect, Refused)
    project = project_of(case, tmp_path)
    code = main(["check", "--all", "--project-dir", str(project)])
    _out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err
    for line in case.expect.lines:
        # a problem of Pulumi.yaml is listed once, under "error: Pulumi.yaml: ..."
        assert line in err or (line.startswith("Pulumi.yaml: ") and f"\n  - {line.removeprefix('Pulumi.yaml: ')}" in err)


def test_check_all_names_the_esc_environments_it_cannot_see(project: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    staging = project / "Pulumi.staging.yaml"
    staging.write_text("environment:\n  - platform/staging\n" + staging.read_text(encoding="utf-8"), encoding="utf-8")
    done = cli(project, "check", "--all")
    assert done.returncode == 0
    assert done.stderr.startswith(
        "warning: Pulumi.staging.yaml imports the Pulumi ESC environment(s) platform/staging: their values are not visible offline"
    )


# --- one stack's check sees the organisation ---------------------------------------------------


def test_removing_a_person_another_stack_still_trusts_fails_the_people_stack_check(project: Path) -> None:
    write(
        project,
        people={**people_stack(), "users": {"alice": {}}, "roles": {"prod-read": role("alice")}},
        staging=roles_stack(
            STAGING, **{"staging-read": role("alice", "bob")}, **{"staging-group": {**LIST, "trustedGroups": ["ops"]}}
        ),
    )
    assert refused(project, "people") == [
        'Pulumi.staging.yaml: cross-account-roles:roles.staging-group.trustedGroups[0]: trusts group "ops", which no '
        "people's stack of source account 111122223333 creates (not under cross-account-roles:groups here); expected "
        '"ops" declared here, or removed from that role\'s trustedGroups in Pulumi.staging.yaml',
        'Pulumi.staging.yaml: cross-account-roles:roles.staging-read.trustedUsers[1]: trusts user "bob", which no '
        "people's stack of source account 111122223333 creates (not under cross-account-roles:users here); expected "
        '"bob" created here, or removed from that role\'s trustedUsers in Pulumi.staging.yaml',
    ]
    done = cli(project, "check", "--stack", "people")
    assert done.returncode == 2
    assert 'trustedUsers[1]: trusts user "bob"' in done.stderr


def test_a_person_listed_with_create_false_is_named_as_such(project: Path) -> None:
    write(
        project,
        people={**people_stack(), "users": {"alice": {}, "bob": {"create": False}}},
        staging=roles_stack(STAGING, **{"staging-read": role("bob")}),
    )
    assert refused(project, "staging") == [
        'cross-account-roles:roles.staging-read.trustedUsers[0]: user "bob" is listed with create: false in '
        "Pulumi.people.yaml, so no stack creates it, and a roles-only stack trusts the people a people's stack creates; "
        'expected "bob" created (create: true, the default) under cross-account-roles:users of Pulumi.people.yaml'
    ]
    assert refused(project, "people") == [
        'Pulumi.staging.yaml: cross-account-roles:roles.staging-read.trustedUsers[0]: trusts user "bob", which no '
        "people's stack of source account 111122223333 creates (it is listed under cross-account-roles:users.bob here "
        'with create: false); expected "bob" created here, or removed from that role\'s trustedUsers in Pulumi.staging.yaml'
    ]


def test_a_roles_only_stack_names_the_people_stack_file_it_cannot_read(project: Path) -> None:
    write(project, staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    (project / "Pulumi.people.yaml").write_text("config: [\n", encoding="utf-8")
    (problem,) = refused(project, "staging")
    assert (
        "the project has no stack that declares the users of source account 111122223333 (Pulumi.people.yaml cannot be "
        "read: if it is the people's stack, fix it first)"
    ) in problem


def test_a_typo_in_pulumi_yaml_is_reported_against_pulumi_yaml_once(project: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    shared = project / "Pulumi.yaml"
    shared.write_text(shared.read_text(encoding="utf-8").replace('"111122223333"', '"11112222333"'), encoding="utf-8")
    typo = 'Pulumi.yaml: config cross-account-roles:source.accountId: got "11112222333"; expected exactly 12 digits as a quoted string'
    assert refused(project, "people") == [typo]  # not also as a problem of Pulumi.staging.yaml
    assert refused(project, "staging") == [typo]
    done = cli(project, "check", "--all")
    assert done.returncode == 2
    assert done.stderr == (
        "error: Pulumi.yaml: 1 problem(s), in the config every stack inherits\n"
        f"  - {typo.removeprefix('Pulumi.yaml: ')} (stops Pulumi.people.yaml, Pulumi.staging.yaml)\n"
    )
    assert "Pulumi.people.yaml: refused, 1 problem(s) in its settings (listed on stderr; 1 of them in Pulumi.yaml)" in done.stdout


def test_a_key_a_stack_sets_itself_is_its_own_problem_not_pulumi_yaml(project: Path) -> None:
    write(project, people={**people_stack(), "source": {"accountId": "1", "region": "eu-north-1"}})
    assert (
        refused(project, "people")[0]
        == 'cross-account-roles:source.accountId: got "1"; expected exactly 12 digits as a quoted string'
    )


# --- every collision the account would meet, before `up` ---------------------------------------


def test_a_derived_policy_name_two_stacks_create_in_one_account_is_refused_ignoring_case(project: Path) -> None:
    (project / "policies" / "b-c.json").write_text((project / "policies" / "role_permissions_policy.json").read_text())
    (project / "policies" / "c.json").write_text((project / "policies" / "role_permissions_policy.json").read_text())
    write(
        project,
        people=people_stack(),
        one=roles_stack(DATA, **{"A": {"trustedUsers": ["alice"], "policyFiles": ["b-c.json"]}}),
        two=roles_stack(DATA, **{"a-B": {"trustedUsers": ["alice"], "policyFiles": ["c.json"]}}),
    )
    assert refused(project, "one") == [
        f"cross-account-roles:roles.A.policyFiles[0]: the policy 'A-b-c' it creates in account {DATA} has the name of the "
        "policy 'a-B-c' that Pulumi.two.yaml creates there (cross-account-roles:roles.a-B.policyFiles[0]); IAM names ignore "
        "case, and the second `up` would fail (EntityAlreadyExists): rename the role, the policy file, the user or one of "
        "the stacks"
    ]
    assert len(refused(project, "two")) == 1
    assert cli(project, "check", "--all").returncode == 2


def test_a_roles_only_stack_in_the_source_account_meets_the_people_stack_names(project: Path) -> None:
    (project / "policies" / "assume-roles-people.json").write_text(
        (project / "policies" / "role_permissions_policy.json").read_text()
    )
    write(
        project,
        people=people_stack(),
        home=roles_stack(SOURCE, **{"alice": {"trustedUsers": ["bob"], "policyFiles": ["assume-roles-people.json"]}}),
    )
    assert refused(project, "people") == [
        f"cross-account-roles:users.alice: the policy 'alice-assume-roles-people' it creates in account {SOURCE} has the "
        "name of the policy 'alice-assume-roles-people' that Pulumi.home.yaml creates there "
        "(cross-account-roles:roles.alice.policyFiles[0]); IAM names ignore case, and the second `up` would fail "
        "(EntityAlreadyExists): rename the role, the policy file, the user or one of the stacks"
    ]
    assert refused(project, "home") == [
        f"cross-account-roles:roles.alice.policyFiles[0]: the policy 'alice-assume-roles-people' it creates in account "
        f"{SOURCE} has the name of the policy 'alice-assume-roles-people' that Pulumi.people.yaml creates there "
        "(cross-account-roles:users.alice); IAM names ignore case, and the second `up` would fail (EntityAlreadyExists): "
        "rename the role, the policy file, the user or one of the stacks"
    ]


def test_a_packed_part_of_a_person_meets_a_legacy_stack_policy_of_that_name(project: Path) -> None:
    many = {f"{'r' * 60}{i:03d}": role("alice", path="/" + "p" * 40 + "/") for i in range(80)}
    write(
        project,
        people=people_stack(),
        data=roles_stack(DATA, **many),
        **{"people-1": {"target": target(STAGING), "users": {"alice": {"create": False}}, "roles": {"old": role("alice")}}},
    )
    people = refused(project, "people")
    assert people == [
        f"cross-account-roles:users.alice: the policy 'alice-assume-roles-people-1' it creates in account {SOURCE} has the "
        "name of the policy 'alice-assume-roles-people-1' that Pulumi.people-1.yaml creates there "
        "(cross-account-roles:users.alice); IAM names ignore case, and the second `up` would fail (EntityAlreadyExists): "
        "rename the role, the policy file, the user or one of the stacks"
    ]
    assert refused(project, "people-1")[0].startswith(
        "cross-account-roles:users.alice: the policy 'alice-assume-roles-people-1' it creates in account "
        f"{SOURCE} has the name of the policy 'alice-assume-roles-people-1' that Pulumi.people.yaml creates there"
    )


def tag_role(value: str, *users: str) -> dict[str, Any]:
    return {**role(*users), "trust": "tag", "trustedTag": {"key": "team", "value": value}}


def test_roles_of_two_stacks_trusting_one_user_by_one_tag_key_with_two_values_are_refused(project: Path) -> None:
    write(
        project,
        people=people_stack(),
        staging=roles_stack(STAGING, **{"staging-read": tag_role("data", "alice")}),
        data=roles_stack(DATA, **{"data-read": tag_role("ops", "alice", "bob")}),
    )
    assert refused(project, "staging") == [
        "cross-account-roles:roles.staging-read.trustedTag: trusts user 'alice' by tag team=data, and other stacks by "
        "team=ops for Pulumi.data.yaml: cross-account-roles:roles.data-read.trustedTag; the user carries one value per key "
        "(ignoring case), so one of the roles is unreachable: expected the same trustedTag"
    ]
    assert len(refused(project, "data")) == 1
    assert refused(project, "people") == [
        "cross-account-roles:users.alice: roles trust this user by tag with different values (team=ops for "
        "Pulumi.data.yaml: cross-account-roles:roles.data-read.trustedTag; team=data for Pulumi.staging.yaml: "
        "cross-account-roles:roles.staging-read.trustedTag); the user carries one value per key (ignoring case), so one "
        "of the roles is unreachable: expected the same trustedTag"
    ]


def test_one_tag_value_across_stacks_is_accepted(project: Path) -> None:
    write(
        project,
        people=people_stack(),
        staging=roles_stack(STAGING, **{"staging-read": tag_role("data", "alice")}),
        data=roles_stack(DATA, **{"data-read": tag_role("data", "alice")}),
    )
    assert checked(project, "people").loaded.kind == "people"
    assert checked(project, "staging").loaded.kind == "roles"


def test_every_stack_sizes_a_person_s_mfa_session_by_the_shortest_age_any_of_their_roles_demands(project: Path) -> None:
    write(
        project,
        people=people_stack(),
        staging=roles_stack(STAGING, **{"staging-read": role("alice", mfaMaxAgeSeconds=900)}),
        data=roles_stack(DATA, **{"data-read": role("alice", mfaMaxAgeSeconds=1800)}),
    )
    for stack in ("people", "staging", "data"):
        (alice,) = [u for u in checked(project, stack).plan.users if u.name == "alice"]
        assert alice.mfa_session is not None, stack
        assert alice.mfa_session.duration_seconds == 900, stack


# --- layouts a team really has -----------------------------------------------------------------


def test_a_people_stack_with_no_roles_of_its_own_needs_no_target(project: Path) -> None:
    write(
        project,
        people={"users": {"alice": {}, "bob": {}}},
        staging=roles_stack(STAGING, **{"staging-read": role("alice", "bob")}),
    )
    people = checked(project, "people")
    assert people.plan.roles == ()
    assert granted(people, "alice") == [f"arn:aws:iam::{STAGING}:role/staging-read"]
    done = cli(project, "plan", "--stack", "people", "--format", "json")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    providers = [r for r in plan["resources"] if r["type"] == "pulumi:providers:aws"]
    assert [p["name"] for p in providers] == ["access-source"]  # no provider for a target it has not
    assert plan["outputs"]["roles"] == {}
    assert plan["outputs"]["targetAccountId"] == plan["outputs"]["sourceAccountId"] == SOURCE
    assert checked(project, "staging").loaded.kind == "roles"


def test_a_people_stack_with_no_roles_still_refuses_a_person_no_role_trusts(project: Path) -> None:
    write(project, people={"users": {"alice": {}, "carol": {}}}, staging=roles_stack(STAGING, **{"r": role("alice")}))
    assert refused(project, "people") == [
        "cross-account-roles:users.carol: no role lists this user in trustedUsers or one of its groups in trustedGroups; "
        "expected every declared user to be trusted by a role"
    ]


def test_verify_takes_a_roles_only_stack_s_own_outputs(project: Path) -> None:
    from tools.commands.verify.common import VerifyError
    from tools.commands.verify.outputs import check_outputs_match, parse_outputs

    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    done = cli(project, "plan", "--stack", "staging", "--format", "json")
    own = json.loads(done.stdout)["outputs"]
    staging = checked(project, "staging")
    check_outputs_match(
        staging.plan, parse_outputs(own, "outputs.json"), "outputs.json"
    )  # before: "user 'alice', which Pulumi.staging.yaml does not declare"
    other = {**own, "users": {**own["users"], "bob": own["users"]["alice"]}}
    with pytest.raises(VerifyError) as error:
        check_outputs_match(staging.plan, parse_outputs(other, "outputs.json"), "outputs.json")
    assert "user 'bob', whom no role of Pulumi.staging.yaml trusts" in str(error.value)


def test_the_comment_says_which_stack_files_take_values_no_offline_read_sees(project: Path, tmp_path: Path) -> None:
    write(project, people=people_stack(), staging=roles_stack(STAGING, **{"staging-read": role("alice")}))
    with_environment(project, "staging", "platform/staging")
    artifact = tmp_path / "review"
    for stack in ("people", "staging"):
        assert cli(project, "plan", "--stack", stack, "--format", "markdown", "--artifact", str(artifact)).returncode == 0
    done = subprocess.run(
        [sys.executable, "-m", "tools", "comment", str(artifact)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    theirs, own = (line for line in done.stdout.splitlines() if "ESC_UNSEEN" in line)  # the people's review first
    assert own.startswith(
        "- warning `ESC_UNSEEN` at `Pulumi.staging.yaml`: imports the Pulumi ESC environment(s) platform/staging: their values are not visible offline"
    )
    assert theirs.startswith(
        "- warning `ESC_UNSEEN` at `Pulumi.staging.yaml`: imports the Pulumi ESC environment(s) platform/staging, which neither "
        "the offline commands nor this stack's program read: this people's stack grants only the roles written in"
    )


def test_two_stacks_on_one_account_are_remarked_and_refused_only_where_names_collide(project: Path) -> None:
    write(
        project,
        people=people_stack(),
        one=roles_stack(DATA, **{"one-read": role("alice")}),
        two=roles_stack(DATA, **{"two-read": role("bob")}),
    )
    one = checked(project, "one")
    assert [f.line() for f in one.findings if f.rule_id == "ORG_SHARED_ACCOUNT"] == [
        f"warning ORG_SHARED_ACCOUNT cross-account-roles:target.accountId: Pulumi.two.yaml also creates roles in account {DATA}; "
        "no name collides, so both stacks may deploy there: expected one stack per account unless that is meant (a copied "
        "stack file whose accountId was not changed deploys its roles, and their trust, into the wrong account)"
    ]
    assert not one.blocked
    assert [f.rule_id for f in checked(project, "people").findings] == []  # its target is another account
    write(
        project,
        people=people_stack(),
        one=roles_stack(DATA, **{"read": role("alice")}),
        two=roles_stack(DATA, **{"Read": role("bob")}),
    )
    assert refused(project, "one") == [
        f"cross-account-roles:roles.read: Pulumi.two.yaml also creates a role of this name in target account {DATA} (IAM names "
        "ignore case); expected each role of an account in one stack"
    ]
