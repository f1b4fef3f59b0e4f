"""An `--organisation DIR` folder for the tests, written as AWS's CLI prints it
(`--output json`: 4-space indent, non-ASCII as is), each file checked against botocore's model of
the operation that prints it (the output shape: every key, type and required member).

The organisation (`example()`):

    r-ab12 (root: SCPs and RCPs enabled)
    ├── 111122223333 management (the management account: no SCP or RCP applies to it)
    └── ou-ab12-11111111 Workloads          SCP DenyLeaveOrganization; RCP DenyExternalS3
        └── ou-ab12-22222222 Prod           SCP DenyIamUsers
            └── 444455556666 prod

FullAWSAccess and RCPFullAWSAccess are attached to the root, both OUs and both accounts, as AWS
attaches them when the policy type is enabled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import botocore.session
from botocore.validate import ParamValidator

ORG = "o-exampleorg1"
ROOT = "r-ab12"
MANAGEMENT = "111122223333"
PROD = "444455556666"
WORKLOADS_OU = "ou-ab12-11111111"
PROD_OU = "ou-ab12-22222222"
SCP, RCP = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"

FULL_ACCESS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
RCP_FULL_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}
DENY_LEAVE = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "NoLeaving", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
}
DENY_IAM_USERS = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "NoUsers", "Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"], "Resource": "*"}],
}
DENY_EXTERNAL_S3 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OnlyOurOrg",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG}},
        }
    ],
}

_MODEL = botocore.session.get_session().get_service_model("organizations")
OPERATION = {
    "organization.json": "DescribeOrganization",
    "roots.json": "ListRoots",
    "accounts.json": "ListAccounts",
    f"policies-{SCP}.json": "ListPolicies",
    f"policies-{RCP}.json": "ListPolicies",
    "policy-": "DescribePolicy",
    "targets-": "ListTargetsForPolicy",
    "parents-": "ListParents",
}


def operation_of(name: str) -> str:
    return OPERATION.get(name) or OPERATION[name.split("-", 1)[0] + "-"]


def botocore_shaped(name: str, data: Any) -> None:
    """Fail unless `data` is what the operation that writes file `name` returns, by botocore's model."""
    shape = _MODEL.operation_model(operation_of(name)).output_shape
    report = ParamValidator().validate(data, shape)
    assert not report.has_errors(), f"{name}: {report.generate_report()}"


def cli_text(data: Any) -> str:
    """As the AWS CLI v2 prints `--output json` (awscli/formatter.py: indent 4, ensure_ascii False)."""
    return json.dumps(data, indent=4, ensure_ascii=False) + "\n"


@dataclass
class PolicySpec:
    id: str
    name: str
    type: str
    document: Any
    targets: list[tuple[str, str, str]]
    """(TargetId, Type, Name)."""
    aws_managed: bool = False

    def summary(self) -> dict[str, Any]:
        kind = self.type.lower()
        owner = "aws:policy" if self.aws_managed else f"{MANAGEMENT}:policy/{ORG}"
        arn = f"arn:aws:organizations::{owner}/{kind}/{self.id}"
        return {
            "Id": self.id,
            "Arn": arn,
            "Name": self.name,
            "Description": f"{self.name} for the tests",
            "Type": self.type,
            "AwsManaged": self.aws_managed,
        }


@dataclass
class OrganisationSpec:
    """What the folder says; edit it, then `write`."""

    enabled: list[str] = field(default_factory=lambda: [SCP, RCP])
    accounts: dict[str, str] = field(default_factory=lambda: {MANAGEMENT: "management", PROD: "prod"})
    parents: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {
            MANAGEMENT: (ROOT, "ROOT"),
            PROD: (PROD_OU, "ORGANIZATIONAL_UNIT"),
            PROD_OU: (WORKLOADS_OU, "ORGANIZATIONAL_UNIT"),
            WORKLOADS_OU: (ROOT, "ROOT"),
        }
    )
    policies: list[PolicySpec] = field(default_factory=list)

    def files(self) -> dict[str, Any]:
        files: dict[str, Any] = {
            "organization.json": {
                "Organization": {
                    "Id": ORG,
                    "Arn": f"arn:aws:organizations::{MANAGEMENT}:organization/{ORG}",
                    "FeatureSet": "ALL",
                    "MasterAccountArn": f"arn:aws:organizations::{MANAGEMENT}:account/{ORG}/{MANAGEMENT}",
                    "MasterAccountId": MANAGEMENT,
                    "MasterAccountEmail": "admin@example.com",
                    "AvailablePolicyTypes": [{"Type": SCP, "Status": "ENABLED"}],
                }
            },
            "roots.json": {
                "Roots": [
                    {
                        "Id": ROOT,
                        "Arn": f"arn:aws:organizations::{MANAGEMENT}:root/{ORG}/{ROOT}",
                        "Name": "Root",
                        "PolicyTypes": [{"Type": t, "Status": "ENABLED"} for t in self.enabled],
                    }
                ]
            },
            "accounts.json": {
                "Accounts": [
                    {
                        "Id": account,
                        "Arn": f"arn:aws:organizations::{MANAGEMENT}:account/{ORG}/{account}",
                        "Email": f"{name}@example.com",
                        "Name": name,
                        "Status": "ACTIVE",
                        "State": "ACTIVE",
                        "JoinedMethod": "CREATED",
                        "JoinedTimestamp": "2024-01-02T03:04:05.678000+00:00",
                    }
                    for account, name in self.accounts.items()
                ]
            },
        }
        for kind in (SCP, RCP):
            files[f"policies-{kind}.json"] = {"Policies": [p.summary() for p in self.policies if p.type == kind]}
        for p in self.policies:
            files[f"policy-{p.id}.json"] = {"Policy": {"PolicySummary": p.summary(), "Content": json.dumps(p.document)}}
            files[f"targets-{p.id}.json"] = {
                "Targets": [
                    {"TargetId": t, "Arn": f"arn:aws:organizations::{MANAGEMENT}:x/{ORG}/{t}", "Name": n, "Type": k}
                    for t, k, n in p.targets
                ]
            }
        for child, (parent, kind) in self.parents.items():
            files[f"parents-{child}.json"] = {"Parents": [{"Id": parent, "Type": kind}]}
        return files

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.files().items():
            botocore_shaped(name, data)
            (folder / name).write_text(cli_text(data), encoding="utf-8")
        return folder


EVERYWHERE = [
    (ROOT, "ROOT", "Root"),
    (WORKLOADS_OU, "ORGANIZATIONAL_UNIT", "Workloads"),
    (PROD_OU, "ORGANIZATIONAL_UNIT", "Prod"),
    (MANAGEMENT, "ACCOUNT", "management"),
    (PROD, "ACCOUNT", "prod"),
]


def example() -> OrganisationSpec:
    return OrganisationSpec(
        policies=[
            PolicySpec("p-FullAWSAccess", "FullAWSAccess", SCP, FULL_ACCESS, list(EVERYWHERE), aws_managed=True),
            PolicySpec("p-RCPFullAWSAccess", "RCPFullAWSAccess", RCP, RCP_FULL_ACCESS, list(EVERYWHERE), aws_managed=True),
            PolicySpec(
                "p-leave0001", "DenyLeaveOrganization", SCP, DENY_LEAVE, [(WORKLOADS_OU, "ORGANIZATIONAL_UNIT", "Workloads")]
            ),
            PolicySpec("p-users0002", "DenyIamUsers", SCP, DENY_IAM_USERS, [(PROD_OU, "ORGANIZATIONAL_UNIT", "Prod")]),
            PolicySpec(
                "p-rcps30003", "DenyExternalS3", RCP, DENY_EXTERNAL_S3, [(WORKLOADS_OU, "ORGANIZATIONAL_UNIT", "Workloads")]
            ),
        ]
    )
