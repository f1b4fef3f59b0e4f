"""tools/organisation-snapshot.sh against moto's AWS Organizations, and the folder it writes read
back by the `--organisation DIR` reader: the script's commands and file names and the reader's
agree, on what moto's server answers through botocore (the CLI's own library)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crossaccount.access.organisation import read_organisation
from crossaccount.access.types import Policy
from crossaccount.read.organisation import read_organisation_folder
from tests.e2e.moto_api import MotoServer
from tools.paths import PROJECT_DIR

MANAGEMENT = "123456789012"
DENY_USERS = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}
DENY_EXTERNAL = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:PrincipalIsAWSService": "false"}},
        }
    ],
}
SCRIPT = PROJECT_DIR / "tools" / "organisation-snapshot.sh"


def fake_aws(tmp_path: Path, moto: MotoServer) -> dict[str, str]:
    """The environment in which `aws` is tests/e2e/fake_aws_cli.py, talking to moto as the management account."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "aws").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tests.e2e.fake_aws_cli "$@"\n', encoding="utf-8")
    (bin_dir / "aws").chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PYTHONPATH": str(PROJECT_DIR),
        "FAKE_AWS_ENDPOINT": moto.endpoint,
        "FAKE_AWS_ACCOUNT": MANAGEMENT,
    }


def test_the_snapshot_script_writes_the_folder_the_reader_reads(moto_server: MotoServer, tmp_path: Path) -> None:
    moto_server.reset()
    org = moto_server.client("organizations", MANAGEMENT, region="us-east-1")
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    org.enable_policy_type(RootId=root, PolicyType="RESOURCE_CONTROL_POLICY")
    workloads = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    prod_ou = org.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
    prod = org.create_account(Email="prod@example.com", AccountName="prod")["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=prod, SourceParentId=root, DestinationParentId=prod_ou)
    deny_users = org.create_policy(
        Content=json.dumps(DENY_USERS), Description="no users", Name="DenyIamUsers", Type="SERVICE_CONTROL_POLICY"
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=deny_users, TargetId=prod_ou)
    deny_external = org.create_policy(
        Content=json.dumps(DENY_EXTERNAL), Description="ours only", Name="DenyExternal", Type="RESOURCE_CONTROL_POLICY"
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=deny_external, TargetId=workloads)

    folder = tmp_path / "org"
    run = subprocess.run(
        ["bash", str(SCRIPT), str(folder)],
        env=fake_aws(tmp_path, moto_server),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            "organization.json",
            "roots.json",
            "accounts.json",
            "policies-SERVICE_CONTROL_POLICY.json",
            "policies-RESOURCE_CONTROL_POLICY.json",
            *(
                f"{kind}-{p}.json"
                for kind in ("policy", "targets")
                for p in ("p-FullAWSAccess", "p-RCPFullAWSAccess", deny_users, deny_external)
            ),
            *(f"parents-{child}.json" for child in (MANAGEMENT, prod, prod_ou, workloads)),
        ]
    )

    organisation = read_organisation(read_organisation_folder(folder, "org"))
    assert (organisation.id, organisation.management_account, organisation.root) == (org_id, MANAGEMENT, root)
    assert organisation.paths[prod] == (root, workloads, prod_ou, prod)
    full = json.loads(org.describe_policy(PolicyId="p-FullAWSAccess")["Policy"]["Content"])
    assert organisation.scps(prod) == (
        (Policy(full, f"scp p-FullAWSAccess (FullAWSAccess) on {root}", "scp"),),
        (Policy(full, f"scp p-FullAWSAccess (FullAWSAccess) on {workloads}", "scp"),),
        tuple(  # each level by policy id (moto's ids are random: either may come first)
            sorted(
                (
                    Policy(full, f"scp p-FullAWSAccess (FullAWSAccess) on {prod_ou}", "scp"),
                    Policy(DENY_USERS, f"scp {deny_users} (DenyIamUsers) on {prod_ou}", "scp"),
                ),
                key=lambda p: p.source,
            )
        ),
        (Policy(full, f"scp p-FullAWSAccess (FullAWSAccess) on {prod}", "scp"),),
    )
    assert [[p.source for p in level] for level in organisation.rcps(prod)] == [
        [f"rcp p-RCPFullAWSAccess (RCPFullAWSAccess) on {root}"],
        sorted(
            [f"rcp p-RCPFullAWSAccess (RCPFullAWSAccess) on {workloads}", f"rcp {deny_external} (DenyExternal) on {workloads}"]
        ),
        [f"rcp p-RCPFullAWSAccess (RCPFullAWSAccess) on {prod_ou}"],
        [f"rcp p-RCPFullAWSAccess (RCPFullAWSAccess) on {prod}"],
    ]
    assert next(p.document for p in organisation.rcps(prod)[1] if p.source.startswith(f"rcp {deny_external} ")) == DENY_EXTERNAL
    assert organisation.scps(MANAGEMENT) == ()
