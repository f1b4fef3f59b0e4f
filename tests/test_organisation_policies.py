"""The `--organisation DIR` reader: the SCPs and RCPs in force for an account, per level root ->
OU... -> account, from the files AWS's CLI prints (tests/organisation_folder.py writes them,
each checked against botocore's model); and one clear error for every malformed folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crossaccount.access.organisation import Organisation, read_organisation
from crossaccount.access.types import Policy
from crossaccount.inputs import OrganisationError, OrganisationFolder
from crossaccount.read.organisation import read_organisation_folder
from tests.organisation_folder import (
    DENY_EXTERNAL_S3,
    DENY_IAM_USERS,
    DENY_LEAVE,
    FULL_ACCESS,
    MANAGEMENT,
    PROD,
    PROD_OU,
    RCP,
    RCP_FULL_ACCESS,
    ROOT,
    SCP,
    WORKLOADS_OU,
    PolicySpec,
    cli_text,
    example,
)


def read(folder: Path) -> Organisation:
    return read_organisation(read_organisation_folder(folder, "org"))


def problems(folder: Path) -> list[str]:
    with pytest.raises(OrganisationError) as caught:
        read(folder)
    assert str(caught.value).startswith(
        f"{len(caught.value.problems)} problem(s) in the organisation's folder; its policies were not read:\n"
    )
    return caught.value.problems


def scp(policy_id: str, name: str, on: str, document: object) -> Policy:
    return Policy(document, f"scp {policy_id} ({name}) on {on}", "scp")  # type: ignore[arg-type]


def rcp(policy_id: str, name: str, on: str, document: object) -> Policy:
    return Policy(document, f"rcp {policy_id} ({name}) on {on}", "rcp")  # type: ignore[arg-type]


def test_a_member_accounts_scps_per_level_root_ou_ou_account(tmp_path: Path) -> None:
    organisation = read(example().write(tmp_path))
    assert organisation.paths[PROD] == (ROOT, WORKLOADS_OU, PROD_OU, PROD)
    assert organisation.scps(PROD) == (
        (scp("p-FullAWSAccess", "FullAWSAccess", ROOT, FULL_ACCESS),),
        (
            scp("p-FullAWSAccess", "FullAWSAccess", WORKLOADS_OU, FULL_ACCESS),
            scp("p-leave0001", "DenyLeaveOrganization", WORKLOADS_OU, DENY_LEAVE),
        ),
        (
            scp("p-FullAWSAccess", "FullAWSAccess", PROD_OU, FULL_ACCESS),
            scp("p-users0002", "DenyIamUsers", PROD_OU, DENY_IAM_USERS),
        ),
        (scp("p-FullAWSAccess", "FullAWSAccess", PROD, FULL_ACCESS),),
    )
    assert organisation.not_applied("scp", PROD) is None


def test_the_rcps_of_the_resources_account_per_level(tmp_path: Path) -> None:
    organisation = read(example().write(tmp_path))
    assert organisation.rcps(PROD) == (
        (rcp("p-RCPFullAWSAccess", "RCPFullAWSAccess", ROOT, RCP_FULL_ACCESS),),
        (
            rcp("p-RCPFullAWSAccess", "RCPFullAWSAccess", WORKLOADS_OU, RCP_FULL_ACCESS),
            rcp("p-rcps30003", "DenyExternalS3", WORKLOADS_OU, DENY_EXTERNAL_S3),
        ),
        (rcp("p-RCPFullAWSAccess", "RCPFullAWSAccess", PROD_OU, RCP_FULL_ACCESS),),
        (rcp("p-RCPFullAWSAccess", "RCPFullAWSAccess", PROD, RCP_FULL_ACCESS),),
    )


def test_the_management_account_is_affected_by_no_scp_or_rcp(tmp_path: Path) -> None:
    """AWS: "SCPs don't affect users or roles in the management account" (orgs_manage_policies_scps.html);
    "RCPs don't affect resources in the management account" (orgs_manage_policies_rcps.html). Even
    with FullAWSAccess and a Deny attached to it, its levels are empty: "not considered"."""
    spec = example()
    spec.policies.append(
        PolicySpec(
            "p-denyall01",
            "DenyAll",
            SCP,
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]},
            [(MANAGEMENT, "ACCOUNT", "management")],
        )
    )
    organisation = read(spec.write(tmp_path))
    assert organisation.scps(MANAGEMENT) == ()
    assert organisation.rcps(MANAGEMENT) == ()
    assert (
        organisation.not_applied("scp", MANAGEMENT) == "SCPs do not apply to the management account 111122223333 of o-exampleorg1"
    )
    assert (
        organisation.not_applied("rcp", MANAGEMENT) == "RCPs do not apply to the management account 111122223333 of o-exampleorg1"
    )


def test_an_account_outside_the_organisation_is_governed_by_none_of_its_policies(tmp_path: Path) -> None:
    organisation = read(example().write(tmp_path))
    assert organisation.scps("999988887777") == ()
    assert (
        organisation.not_applied("rcp", "999988887777")
        == "account 999988887777 is not in the organisation o-exampleorg1 (list-accounts)"
    )


def test_a_policy_type_not_enabled_at_the_root_is_not_in_force(tmp_path: Path) -> None:
    spec = example()
    spec.enabled = [SCP]
    organisation = read(spec.write(tmp_path))
    assert organisation.rcps(PROD) == ()
    assert organisation.not_applied("rcp", PROD) == "RCPs are not enabled at the root r-ab12 of o-exampleorg1 (list-roots)"
    assert len(organisation.scps(PROD)) == 4


def test_two_reads_give_the_same_levels_in_the_same_order(tmp_path: Path) -> None:
    spec = example()
    first = read(spec.write(tmp_path / "a"))
    spec.policies.reverse()
    second = read(spec.write(tmp_path / "b"))
    assert first.scps(PROD) == second.scps(PROD)
    assert [p.source for level in first.rcps(PROD) for p in level] == [p.source for level in second.rcps(PROD) for p in level]


def test_a_policy_name_with_control_characters_is_quoted_in_its_source(tmp_path: Path) -> None:
    spec = example()
    spec.policies[2].name = "Deny\nLeave\u202e"
    organisation = read(spec.write(tmp_path))
    assert [p.source for p in organisation.scps(PROD)[1]] == [
        f"scp p-FullAWSAccess (FullAWSAccess) on {WORKLOADS_OU}",
        f'scp p-leave0001 ("Deny\\nLeave\\u202e") on {WORKLOADS_OU}',
    ]


# --- one clear error for every malformed folder -------------------------------------------------


def edit(folder: Path, name: str, change: object) -> None:
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    (folder / name).write_text(cli_text(data), encoding="utf-8")


def test_a_listed_policy_without_its_describe_policy_file(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    (folder / "policy-p-users0002.json").unlink()
    assert problems(folder) == [
        "org/policy-p-users0002.json: not found (p-users0002 is listed in policies-SERVICE_CONTROL_POLICY.json); "
        "expected what `aws organizations describe-policy --policy-id p-users0002 --output json` prints"
    ]


def test_a_listed_policy_without_its_targets_file(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    (folder / "targets-p-leave0001.json").unlink()
    assert problems(folder) == [
        "org/targets-p-leave0001.json: not found (p-leave0001 is listed); "
        "expected what `aws organizations list-targets-for-policy --policy-id p-leave0001 --output json` prints"
    ]


def test_an_account_with_no_parents_chain_to_the_root(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    (folder / f"parents-{PROD_OU}.json").unlink()
    assert problems(folder) == [
        f"org/parents-{PROD_OU}.json: not found (account {PROD}'s path to the root reaches {PROD_OU}); "
        f"expected what `aws organizations list-parents --child-id {PROD_OU} --output json` prints"
    ]


def test_an_account_in_list_accounts_without_its_parents_file(tmp_path: Path) -> None:
    spec = example()
    spec.accounts["555566667777"] = "new"
    assert problems(spec.write(tmp_path)) == [
        "org/parents-555566667777.json: not found (555566667777 is in accounts.json); "
        "expected what `aws organizations list-parents --child-id 555566667777 --output json` prints"
    ]


def test_a_loop_in_the_parents(tmp_path: Path) -> None:
    spec = example()
    spec.parents[WORKLOADS_OU] = (PROD_OU, "ORGANIZATIONAL_UNIT")
    assert problems(spec.write(tmp_path)) == [
        f'org/parents-{WORKLOADS_OU}.json: Parents[0].Id: got "{PROD_OU}"; '
        f"expected a parent above {WORKLOADS_OU}, not a loop ({PROD} -> {PROD_OU} -> {WORKLOADS_OU} -> {PROD_OU})"
    ]


def test_a_parent_root_that_is_not_the_organisations_root(tmp_path: Path) -> None:
    spec = example()
    spec.parents[WORKLOADS_OU] = ("r-zz99", "ROOT")
    assert problems(spec.write(tmp_path)) == [
        f'org/parents-{WORKLOADS_OU}.json: Parents[0].Id: got "r-zz99"; expected the root of roots.json, "r-ab12"'
    ]


def test_two_parents(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    edit(folder, f"parents-{PROD}.json", lambda d: d["Parents"].append({"Id": ROOT, "Type": "ROOT"}))
    assert problems(folder) == [
        f'org/parents-{PROD}.json: Parents: got ["{PROD_OU}", "r-ab12"]; expected exactly one parent (an account or OU has one)'
    ]


def test_duplicate_keys_in_a_file_are_refused(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    (folder / f"parents-{PROD}.json").write_text(
        f'{{"Parents": [{{"Id": "{PROD_OU}", "Type": "ORGANIZATIONAL_UNIT", "Id": "{ROOT}"}}]}}', encoding="utf-8"
    )
    assert problems(folder) == [
        f"org/parents-{PROD}.json: not valid JSON (the key 'Id' appears twice in one object; two readers (a reviewer and AWS) "
        "may take different ones); expected what `aws organizations ... --output json` prints (docs/organisation-policies.md)"
    ]


def test_duplicate_keys_in_a_policys_content_are_refused(tmp_path: Path) -> None:
    spec = example()
    folder = spec.write(tmp_path)
    content = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Effect": "Allow", "Action": "*", "Resource": "*"}]}'
    edit(folder, "policy-p-users0002.json", lambda d: d["Policy"].update(Content=content))
    assert problems(folder) == [
        "org/policy-p-users0002.json: Policy.Content: not valid JSON (the key 'Effect' appears twice in one object; two readers "
        "(a reviewer and AWS) may take different ones); expected a policy document (JSON with Version and Statement) in a string"
    ]


def test_a_content_that_is_an_object_not_a_string(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    edit(folder, "policy-p-users0002.json", lambda d: d["Policy"].update(Content=DENY_IAM_USERS))
    [problem] = problems(folder)
    assert problem.startswith('org/policy-p-users0002.json: Policy.Content: got {"Version": "2012-10-17", "Statement": ')
    assert problem.endswith("; expected a policy document (JSON with Version and Statement) in a string")


def test_text_that_is_not_utf8(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    (folder / "roots.json").write_bytes(b'{"Roots": [{"Id": "r-ab12", "Name": "R\xe9"}]}')
    assert problems(folder) == [
        "org/roots.json: not UTF-8 text (invalid continuation byte at byte 38); "
        "expected what `aws organizations ... --output json` prints (docs/organisation-policies.md)"
    ]


def test_a_required_listing_missing(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    (folder / "accounts.json").unlink()
    assert problems(folder) == [
        "org/accounts.json: not found; expected what `aws organizations ... --output json` prints (docs/organisation-policies.md)"
    ]


def test_a_listing_cut_short_with_next_token(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    edit(folder, "accounts.json", lambda d: d.update(NextToken="eyJ"))
    assert problems(folder) == [
        'org/accounts.json: NextToken: got "eyJ"; expected no NextToken: the listing stops part-way '
        "(run the command without --max-items or --no-paginate)"
    ]


def test_a_policy_of_the_wrong_type_in_a_listing(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    edit(folder, "policy-p-users0002.json", lambda d: d["Policy"]["PolicySummary"].update(Type=RCP))
    assert problems(folder) == [
        'org/policy-p-users0002.json: Policy.PolicySummary.Type: got "RESOURCE_CONTROL_POLICY"; expected "SERVICE_CONTROL_POLICY"'
    ]


def test_an_entity_left_with_no_scp_means_the_snapshot_is_incomplete(tmp_path: Path) -> None:
    """Organizations refuses to detach an entity's last SCP (MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED):
    an OU with none in the folder is a folder cut short, not an OU that denies everything."""
    spec = example()
    spec.policies[0].targets = [t for t in spec.policies[0].targets if t[0] != PROD_OU]
    spec.policies[3].targets = []
    assert problems(spec.write(tmp_path)) == [
        f"org/targets-*.json: no SCP is attached to {PROD_OU} (on the path of account {PROD}); expected at least one, as "
        "Organizations keeps on every root, OU and account while SCPs are enabled: the snapshot is incomplete "
        "(a targets-<policy id>.json missing or cut short)"
    ]


def test_values_from_the_files_are_escaped_in_the_error(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    edit(folder, "targets-p-leave0001.json", lambda d: d["Targets"][0].update(TargetId="ou-\u202eevil\n"))
    assert problems(folder) == [
        'org/targets-p-leave0001.json: Targets[0].TargetId: got "ou-\\u202eevil\\n"; expected the id of the organizational unit'
    ]


def test_every_problem_is_reported_together(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    (folder / "policy-p-users0002.json").unlink()
    edit(folder, "organization.json", lambda d: d["Organization"].update(MasterAccountId="1111"))
    assert problems(folder) == [
        'org/organization.json: Organization.MasterAccountId: got "1111"; expected the management account\'s id (12 digits)',
        "org/policy-p-users0002.json: not found (p-users0002 is listed in policies-SERVICE_CONTROL_POLICY.json); "
        "expected what `aws organizations describe-policy --policy-id p-users0002 --output json` prints",
    ]


def test_files_of_other_names_are_never_opened(tmp_path: Path) -> None:
    folder = example().write(tmp_path)
    (folder / "README").write_bytes(b"\xff not json")
    (folder / "policy-p-leave0001.json.bak").write_text("{", encoding="utf-8")
    assert read(folder).scps(PROD)[1][1].source == f"scp p-leave0001 (DenyLeaveOrganization) on {WORKLOADS_OU}"


def test_a_folder_that_is_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(OrganisationError) as caught:
        read_organisation_folder(tmp_path / "nowhere", "nowhere")
    assert caught.value.problems == [
        "nowhere/: cannot be read as a folder (No such file or directory); "
        "expected what `aws organizations ... --output json` prints (docs/organisation-policies.md)"
    ]


def _paths(value: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*path, i))
    return found


def _replaced(value: object, path: tuple[str | int, ...], new: object) -> object:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)  # type: ignore[call-overload]
    copy[path[0]] = _replaced(copy[path[0]], path[1:], new)
    return copy


def test_any_value_of_any_file_replaced_is_read_or_refused_never_a_crash() -> None:
    """Every key of every file, replaced by each JSON type: the reader returns an organisation or
    raises its one OrganisationError; never a KeyError, TypeError or AttributeError."""
    files = example().files()
    contents = {n: json.loads(d["Policy"]["Content"]) for n, d in files.items() if n.startswith("policy-")}
    replacements: list[object] = [None, 7, "x", [], {}, [{}], {"Id": 1}]
    tried, refused = 0, []
    for name, data in files.items():
        for path in _paths(data):
            for new in replacements:
                mutated = {**files, name: _replaced(data, path, new)}
                dropped = path[:2] in ((), ("Policy",), ("Policy", "Content"))
                kept = {n: c for n, c in contents.items() if not (n == name and dropped)}
                try:
                    read_organisation(OrganisationFolder("org/", mutated, kept))
                except OrganisationError as error:
                    refused.append(error.problems)
                tried += 1
    assert tried > 1_000
    assert len(refused) > tried // 2
    assert all(problems and all(p.startswith("org/") for p in problems) for problems in refused)
