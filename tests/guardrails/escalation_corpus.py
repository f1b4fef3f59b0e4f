"""The escalation corpus of issue 20: policies written the way people write them, each citing the
public source of the path it takes (or, for a least-privilege policy, of the example it follows).

An escalation case is a role: one or more policy files (`files`) and any AWS managed policies it
attaches (`managed`); `paths` are the catalogue ids any of which a finding must name (a case
that grants a superset of a path is reported as the smaller path). A least-privilege case must
pass every rule with no finding at all.

The spellings vary as in real policies: exact actions on scoped wildcard ARNs, prefix and
service wildcards, NotAction, a path split over statements, over files, or between a file and an
AWS managed policy. Written for this repository on 2026-12-02 from the sources named in
`crossaccount/data/escalation-paths.json` (pathfinding.cloud, prowler, cloudsplaining, iam-vulnerable,
PMapper, HackTricks, AWS documentation); no source's own test policies are copied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

A = "123456789012"
R = "eu-west-1"
ROLE_ANY = f"arn:aws:iam::{A}:role/*"


@dataclass(frozen=True)
class CorpusCase:
    name: str
    source: str
    """Where the path (or the least-privilege example) comes from: source and identifier."""
    files: dict[str, dict[str, Any]]
    paths: tuple[str, ...] = ()
    """Empty for a least-privilege case."""
    managed: tuple[str, ...] = field(default=())

    @property
    def escalates(self) -> bool:
        return bool(self.paths)


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: str | list[str], resources: str | list[str], sid: str | None = None, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}
    return {"Sid": sid, **statement} if sid else statement


def deny(actions: str | list[str], resources: str | list[str]) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": actions, "Resource": resources}


def one(name: str, source: str, paths: tuple[str, ...], *statements: dict[str, Any], managed: tuple[str, ...] = ()) -> CorpusCase:
    return CorpusCase(name, source, {f"{name}.json": doc(*statements)}, paths, managed)


def passrole(resource: str = ROLE_ANY) -> dict[str, Any]:
    return allow("iam:PassRole", resource, sid="PassRoles")


PF = "pathfinding.cloud"
PR = "prowler"
CS = "cloudsplaining"
IV = "iam-vulnerable"
HT = "HackTricks"
PM = "PMapper"
AWS = "AWS documentation"

ESCALATION: list[CorpusCase] = [
    # --- IAM ---------------------------------------------------------------------------------
    one(
        "policy-version-scoped",
        f"{PF} iam-001",
        ("iam-001",),
        allow(["iam:CreatePolicyVersion", "iam:GetPolicy", "iam:ListPolicyVersions"], f"arn:aws:iam::{A}:policy/*"),
    ),
    one("policy-version-pattern", f"{IV} privesc1-CreateNewPolicyVersion", ("iam-001",), allow("iam:*PolicyVersion", "*")),
    one(
        "default-policy-version",
        f"{CS} SetExistingDefaultPolicyVersion",
        ("cs-SetExistingDefaultPolicyVersion",),
        allow(["iam:SetDefaultPolicyVersion", "iam:ListPolicyVersions"], f"arn:aws:iam::{A}:policy/team/*"),
    ),
    one(
        "access-keys-for-anyone",
        f"{PF} iam-002",
        ("iam-002",),
        allow(["iam:CreateAccessKey", "iam:ListAccessKeys"], f"arn:aws:iam::{A}:user/*"),
    ),
    one(
        "rotate-keys-split",
        f"{PF} iam-003",
        ("iam-002", "iam-003"),
        allow("iam:DeleteAccessKey", f"arn:aws:iam::{A}:user/*"),
        allow("iam:CreateAccessKey", f"arn:aws:iam::{A}:user/*"),
    ),
    one("login-profile-any-account", f"{PF} iam-004", ("iam-004",), allow("iam:CreateLoginProfile", "arn:aws:iam::*:user/*")),
    one(
        "update-login-profile",
        f"{PF} iam-006",
        ("iam-006",),
        allow(["iam:UpdateLoginProfile", "iam:GetLoginProfile"], f"arn:aws:iam::{A}:user/*"),
    ),
    one("put-any-policy", f"{PR} IAMPut", ("iam-005", "iam-007", "iam-011"), allow("iam:Put*Policy", "*")),
    one("put-own-user-policy", f"{PF} iam-007", ("iam-007",), allow("iam:PutUserPolicy", "arn:aws:iam::*:user/${aws:username}")),
    one(
        "attach-own-user-policy",
        f"{PF} iam-008",
        ("iam-008",),
        allow(["iam:AttachUserPolicy", "iam:ListAttachedUserPolicies"], f"arn:aws:iam::{A}:user/${{aws:username}}"),
    ),
    one(
        "attach-app-role-policy",
        f"{PF} iam-009",
        ("iam-009",),
        allow(["iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies"], f"arn:aws:iam::{A}:role/app-*"),
    ),
    one("attach-group-policy", f"{PF} iam-010", ("iam-010",), allow("iam:AttachGroupPolicy", f"arn:aws:iam::{A}:group/*")),
    one("put-group-policy", f"{PF} iam-011", ("iam-011",), allow("iam:PutGroupPolicy", f"arn:aws:iam::{A}:group/developers*")),
    one("trust-any-role", f"{PF} iam-012", ("iam-012",), allow(["iam:UpdateAssumeRolePolicy", "iam:GetRole"], ROLE_ANY)),
    one("join-any-group", f"{PF} iam-013", ("iam-013",), allow("iam:AddUserToGroup", f"arn:aws:iam::{A}:group/*")),
    one(
        "attach-then-assume",
        f"{PF} iam-014",
        ("iam-009", "iam-014"),
        allow("iam:AttachRolePolicy", ROLE_ANY),
        allow("sts:AssumeRole", f"arn:aws:iam::{A}:role/ops"),
    ),
    CorpusCase(
        "attach-user-then-keys-two-files",
        f"{PF} iam-015",
        {
            "attach.json": doc(allow("iam:AttachUserPolicy", f"arn:aws:iam::{A}:user/*")),
            "keys.json": doc(allow("iam:CreateAccessKey", f"arn:aws:iam::{A}:user/svc-*")),
        },
        ("iam-008", "iam-002", "iam-015"),
    ),
    one(
        "not-action-all-but-delete",
        f"{PR} OverPermissiveIAM",
        ("iam-001", "iam-002", "iam-005"),
        {"Effect": "Allow", "NotAction": ["iam:Delete*", "organizations:*"], "Resource": "*"},
    ),
    one("iam-star-on-roles", f"{PR} OverPermissiveIAM", ("iam-005", "iam-009", "iam-012"), allow("iam:*", ROLE_ANY)),
    one(
        "replace-role-boundary",
        f"{AWS} access_policies_boundaries",
        ("aws-iam-1",),
        allow("iam:PutRolePermissionsBoundary", ROLE_ANY),
    ),
    one(
        "remove-role-boundary",
        f"{PR} AssumeRole+DeleteRolePermissionsBoundary",
        ("aws-iam-3",),
        allow("iam:DeleteRolePermissionsBoundary", ROLE_ANY),
    ),
    one(
        "remove-user-boundary",
        f"{PR} iam:DeleteUserPermissionsBoundary",
        ("prowler-iam-DeleteUserPermissionsBoundary",),
        allow("iam:DeleteUserPermissionsBoundary", f"arn:aws:iam::{A}:user/*"),
    ),
    one(
        "boundary-without-denies",
        f"{AWS} access_policies_boundaries (delegation without its Denies)",
        ("iam-009",),
        allow(
            ["iam:CreateRole", "iam:AttachRolePolicy"],
            f"arn:aws:iam::{A}:role/app-*",
            Condition={"StringEquals": {"iam:PermissionsBoundary": f"arn:aws:iam::{A}:policy/AppBoundary"}},
        ),
    ),
    one(
        "codecommit-credentials-for-anyone",
        f"{HT} aws-iam-privesc.md",
        ("ht-iam-1",),
        allow("iam:CreateServiceSpecificCredential", f"arn:aws:iam::{A}:user/*"),
    ),
    one(
        "saml-provider",
        f"{HT} aws-iam-privesc.md",
        ("ht-iam-3",),
        allow("iam:UpdateSAMLProvider", f"arn:aws:iam::{A}:saml-provider/*"),
    ),
    # --- passing a role to new compute -------------------------------------------------------
    one("launch-instances", f"{PF} ec2-001", ("ec2-001",), passrole(), allow(["ec2:RunInstances", "ec2:DescribeInstances"], "*")),
    one(
        "launch-instances-patterns", f"{IV} privesc3-CreateEC2WithExistingIP", ("ec2-001",), allow(["iam:Pass*", "ec2:Run*"], "*")
    ),
    one(
        "spot-instances",
        f"{PF} ec2-003",
        ("ec2-003",),
        passrole(f"arn:aws:iam::{A}:role/ec2-*"),
        allow("ec2:RequestSpotInstances", "*"),
    ),
    one(
        "associate-instance-profile",
        f"{HT} aws-ec2-privesc.md",
        ("ht-ec2-1",),
        passrole(),
        allow("ec2:AssociateIamInstanceProfile", f"arn:aws:ec2:{R}:{A}:instance/*"),
    ),
    one(
        "replace-instance-profile",
        f"{HT} aws-ec2-privesc.md",
        ("ht-ec2-2",),
        passrole(),
        allow("ec2:ReplaceIamInstanceProfileAssociation", "*"),
    ),
    one(
        "autoscaling-launch-configuration",
        f"{PR} PassRole+CreateAutoScaling; {PM} autoscaling_edges",
        ("prowler-PassRole-CreateAutoScaling",),
        passrole(),
        allow(["autoscaling:CreateLaunchConfiguration", "autoscaling:CreateAutoScalingGroup"], "*"),
    ),
    one(
        "new-function-invoke",
        f"{PF} lambda-001",
        ("lambda-001",),
        passrole(f"arn:aws:iam::{A}:role/lambda-*"),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"], f"arn:aws:lambda:{R}:{A}:function:*"),
    ),
    one(
        "new-function-event-source",
        f"{PF} lambda-002",
        ("lambda-002",),
        passrole(),
        allow(["lambda:CreateFunction", "lambda:CreateEventSourceMapping"], "*"),
    ),
    one(
        "new-function-add-permission",
        f"{PF} lambda-006",
        ("lambda-006",),
        passrole(),
        allow(["lambda:CreateFunction", "lambda:AddPermission"], f"arn:aws:lambda:*:{A}:function:*"),
    ),
    one(
        "new-function-url",
        f"{HT} aws-lambda-privesc.md",
        ("ht-lambda-1",),
        passrole(),
        allow(["lambda:CreateFunction", "lambda:CreateFunctionUrlConfig", "lambda:InvokeFunctionUrl"], "*"),
    ),
    one(
        "glue-dev-endpoint",
        f"{PF} glue-001",
        ("glue-001",),
        passrole(),
        allow(["glue:CreateDevEndpoint", "glue:GetDevEndpoint"], "*"),
    ),
    one(
        "glue-job-run",
        f"{PF} glue-003",
        ("glue-003",),
        passrole(),
        allow(["glue:CreateJob", "glue:StartJobRun"], f"arn:aws:glue:{R}:{A}:job/*"),
    ),
    one("glue-create-patterns", f"{PF} glue-004", ("glue-004",), passrole(), allow("glue:Create*", "*")),
    one("glue-update-job", f"{PF} glue-005", ("glue-005",), passrole(), allow(["glue:UpdateJob", "glue:StartJobRun"], "*")),
    one(
        "glue-interactive-session",
        f"{PR} PassRole+GlueCreateSession+RunStatement",
        ("prowler-PassRole-GlueCreateSession-RunStatement",),
        passrole(),
        allow(["glue:CreateSession", "glue:RunStatement"], f"arn:aws:glue:{R}:{A}:session/*"),
    ),
    one(
        "new-stack",
        f"{PF} cloudformation-001",
        ("cloudformation-001",),
        passrole(),
        allow(["cloudformation:CreateStack", "cloudformation:DescribeStacks"], f"arn:aws:cloudformation:{R}:{A}:stack/*"),
    ),
    one(
        "new-stack-set",
        f"{PF} cloudformation-003",
        ("cloudformation-003",),
        passrole(),
        allow(["cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"], "*"),
    ),
    one(
        "update-stack-set",
        f"{PF} cloudformation-004",
        ("cloudformation-004",),
        passrole(),
        allow("cloudformation:UpdateStackSet", f"arn:aws:cloudformation:{R}:{A}:stackset/*"),
    ),
    one(
        "data-pipeline",
        f"{PF} datapipeline-001",
        ("datapipeline-001", "cs-PassExistingRoleToNewDataPipeline"),
        passrole(),
        allow(["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition", "datapipeline:ActivatePipeline"], "*"),
    ),
    one(
        "new-build-project",
        f"{PF} codebuild-001",
        ("codebuild-001", "codebuild-002"),
        passrole(),
        allow(["codebuild:CreateProject", "codebuild:StartBuild"], f"arn:aws:codebuild:{R}:{A}:project/*"),
    ),
    one(
        "new-build-project-batch",
        f"{PF} codebuild-004",
        ("codebuild-004", "codebuild-003"),
        passrole(),
        allow(["codebuild:CreateProject", "codebuild:StartBuildBatch"], "*"),
    ),
    one(
        "ecs-task-definition-run",
        f"{PF} ecs-004",
        ("ecs-004", "prowler-PassRole-ECS-RunTask"),
        passrole(),
        allow(["ecs:RegisterTaskDefinition", "ecs:RunTask"], "*"),
    ),
    one(
        "ecs-task-definition-service",
        f"{PF} ecs-003",
        ("ecs-003",),
        passrole(),
        allow(["ecs:RegisterTaskDefinition", "ecs:CreateService", "ecs:DescribeServices"], "*"),
    ),
    one(
        "ecs-start-task",
        f"{PF} ecs-005",
        ("ecs-005", "prowler-PassRole-ECSStartTaskExistingCluster"),
        passrole(),
        allow(["ecs:RegisterTaskDefinition", "ecs:StartTask"], "*"),
    ),
    one(
        "ecs-update-service",
        f"{HT} aws-ecs-privesc.md",
        ("ht-ecs-1",),
        passrole(),
        allow(["ecs:RegisterTaskDefinition", "ecs:UpdateService"], "*"),
    ),
    one(
        "notebook-instance",
        f"{PF} sagemaker-001",
        ("sagemaker-001",),
        passrole(),
        allow(["sagemaker:CreateNotebookInstance", "sagemaker:DescribeNotebookInstance"], "*"),
    ),
    one(
        "training-job",
        f"{PF} sagemaker-002",
        ("sagemaker-002",),
        passrole(),
        allow("sagemaker:CreateTrainingJob", f"arn:aws:sagemaker:{R}:{A}:training-job/*"),
    ),
    one("processing-job", f"{PF} sagemaker-003", ("sagemaker-003",), passrole(), allow("sagemaker:CreateProcessingJob", "*")),
    one(
        "tuning-job",
        f"{HT} aws-sagemaker-privesc.md",
        ("ht-sagemaker-1",),
        passrole(),
        allow("sagemaker:CreateHyperParameterTuningJob", "*"),
    ),
    one("app-runner-service", f"{PF} apprunner-001", ("apprunner-001",), passrole(), allow("apprunner:CreateService", "*")),
    one(
        "agentcore-code-interpreter",
        f"{PF} bedrock-001",
        ("bedrock-001", "bedrock-002"),
        passrole(),
        allow("bedrock-agentcore:*CodeInterpreter*", "*"),
    ),
    one(
        "agentcore-runtime",
        f"{PR} PassRole+AgentCoreCreateRuntime+InvokeRuntimeCommand",
        ("prowler-PassRole-AgentCoreCreateRuntime-InvokeRuntimeCommand", "prowler-AgentCoreInvokeRuntimeCommand"),
        passrole(),
        allow(
            [
                "bedrock-agentcore:CreateAgentRuntime",
                "bedrock-agentcore:CreateAgentRuntimeEndpoint",
                "bedrock-agentcore:CreateWorkloadIdentity",
                "bedrock-agentcore:InvokeAgentRuntimeCommand",
            ],
            "*",
        ),
    ),
    one(
        "batch-job-definition",
        f"{PR} PassRole+BatchRegisterJobDef+SubmitJob",
        ("prowler-BatchSubmitJob",),
        passrole(),
        allow(["batch:RegisterJobDefinition", "batch:SubmitJob"], "*"),
    ),
    one(
        "scheduler",
        f"{PR} PassRole+SchedulerCreateSchedule",
        ("prowler-PassRole-SchedulerCreateSchedule",),
        passrole(),
        allow("scheduler:CreateSchedule", f"arn:aws:scheduler:{R}:{A}:schedule/*"),
    ),
    one(
        "new-state-machine",
        f"{PR} PassRole+StepFunctionsCreateStateMachine+StartExecution",
        ("prowler-PassRole-StepFunctionsCreateStateMachine-StartExecution",),
        passrole(),
        allow(["states:CreateStateMachine", "states:StartExecution"], "*"),
    ),
    one(
        "emr-cluster",
        f"{PR} PassRole+EMRRunJobFlow",
        ("prowler-PassRole-EMRRunJobFlow",),
        passrole(),
        allow("elasticmapreduce:RunJobFlow", "*"),
    ),
    one(
        "ssm-automation-document",
        f"{PR} PassRole+SSMCreateDocument+StartAutomation",
        ("prowler-PassRole-SSMCreateDocument-StartAutomation",),
        passrole(),
        allow(["ssm:CreateDocument", "ssm:StartAutomationExecution"], "*"),
    ),
    one(
        "new-pipeline",
        f"{HT} aws-codepipeline-privesc.md",
        ("ht-codepipeline-1",),
        passrole(),
        allow(["codepipeline:CreatePipeline", "codepipeline:StartPipelineExecution", "codebuild:CreateProject"], "*"),
    ),
    one(
        "identity-pool-roles",
        f"{PR} PassRole+CognitoSetIdentityPoolRoles",
        ("prowler-PassRole-CognitoSetIdentityPoolRoles",),
        passrole(),
        allow("cognito-identity:SetIdentityPoolRoles", "*"),
    ),
    # --- changing compute that already runs with a role ----------------------------------------
    one(
        "deploy-any-function",
        f"{PF} lambda-003",
        ("lambda-003",),
        allow(["lambda:UpdateFunctionCode", "lambda:PublishVersion", "lambda:GetFunction"], f"arn:aws:lambda:{R}:{A}:function:*"),
    ),
    one(
        "update-pattern-app-functions",
        f"{IV} privesc17-EditExistingLambdaFunctionWithRole",
        ("lambda-003",),
        allow("lambda:Update*", f"arn:aws:lambda:{R}:{A}:function:app-*"),
    ),
    one(
        "function-configuration-layers",
        f"{PR} lambda:UpdateFunctionConfiguration",
        ("prowler-lambda-UpdateFunctionConfiguration",),
        allow(["lambda:UpdateFunctionConfiguration", "lambda:GetLayerVersion"], "*"),
    ),
    CorpusCase(
        "update-and-invoke-two-files",
        f"{PF} lambda-004",
        {
            "update.json": doc(allow("lambda:UpdateFunctionCode", f"arn:aws:lambda:{R}:{A}:function:svc-*")),
            "invoke.json": doc(allow("lambda:InvokeFunction", f"arn:aws:lambda:{R}:{A}:function:*")),
        },
        ("lambda-003", "lambda-004"),
    ),
    one(
        "start-any-build",
        f"{PF} codebuild-002",
        ("codebuild-002",),
        allow(["codebuild:StartBuild", "codebuild:BatchGetBuilds"], f"arn:aws:codebuild:{R}:{A}:project/*"),
    ),
    one("start-build-batch", f"{PF} codebuild-003", ("codebuild-003",), allow("codebuild:StartBuildBatch", "*")),
    one(
        "update-buildspec-then-build",
        f"{HT} aws-codebuild-privesc.md",
        ("ht-codebuild-1", "codebuild-002"),
        allow(["codebuild:UpdateProject", "codebuild:StartBuild"], f"arn:aws:codebuild:{R}:{A}:project/ci-*"),
    ),
    one(
        "update-pipeline",
        f"{HT} aws-codepipeline-privesc.md",
        ("ht-codepipeline-2",),
        allow(
            ["codebuild:UpdateProject", "codepipeline:UpdatePipeline", "codepipeline:StartPipelineExecution"],
            [f"arn:aws:codebuild:{R}:{A}:project/*", f"arn:aws:codepipeline:{R}:{A}:*"],
        ),
    ),
    one(
        "update-any-stack",
        f"{PF} cloudformation-002",
        ("cloudformation-002",),
        allow("cloudformation:Update*", f"arn:aws:cloudformation:{R}:{A}:stack/*/*"),
    ),
    one(
        "change-sets",
        f"{PF} cloudformation-005",
        ("cloudformation-005",),
        allow("cloudformation:*ChangeSet", f"arn:aws:cloudformation:{R}:{A}:stack/app-*/*"),
    ),
    one(
        "update-state-machine",
        f"{PR} StepFunctionsUpdateStateMachine+StartExecution",
        ("prowler-StepFunctionsUpdateStateMachine-StartExecution",),
        allow(["states:UpdateStateMachine", "states:StartExecution"], f"arn:aws:states:{R}:{A}:stateMachine:*"),
    ),
    one(
        "update-app-runner",
        f"{PF} apprunner-002",
        ("apprunner-002",),
        allow("apprunner:UpdateService", f"arn:aws:apprunner:{R}:{A}:service/*"),
    ),
    one(
        "submit-batch-job",
        f"{PR} BatchSubmitJob",
        ("prowler-BatchSubmitJob",),
        allow("batch:SubmitJob", [f"arn:aws:batch:{R}:{A}:job-definition/*", f"arn:aws:batch:{R}:{A}:job-queue/*"]),
    ),
    one(
        "codedeploy-deployment",
        f"{PR} CodeDeployCreateDeployment",
        ("prowler-CodeDeployCreateDeployment",),
        allow(["codedeploy:CreateDeployment", "codedeploy:GetDeploymentConfig", "codedeploy:RegisterApplicationRevision"], "*"),
    ),
    one(
        "session-any-instance",
        f"{PF} ssm-001",
        ("ssm-001",),
        allow(["ssm:StartSession", "ssm:TerminateSession"], [f"arn:aws:ec2:{R}:{A}:instance/*", "arn:aws:ssm:*:*:document/*"]),
    ),
    one(
        "send-pattern-any-document",
        f"{PF} ssm-002",
        ("ssm-002",),
        allow("ssm:Send*", [f"arn:aws:ec2:*:{A}:instance/*", "arn:aws:ssm:*:*:document/*"]),
    ),
    one(
        "resume-session", f"{HT} aws-ssm-privesc.md", ("ht-ssm-1",), allow("ssm:ResumeSession", f"arn:aws:ssm:{R}:{A}:session/*")
    ),
    one(
        "association-shell-script",
        f"{AWS} state-manager-associations",
        ("aws-ssm-1",),
        allow("ssm:CreateAssociation", [f"arn:aws:ssm:{R}::document/AWS-RunShellScript", f"arn:aws:ec2:{R}:{A}:instance/*"]),
    ),
    one(
        "rewrite-documents",
        f"{AWS} documents",
        ("aws-ssm-2",),
        allow(["ssm:UpdateDocument", "ssm:UpdateDocumentDefaultVersion"], f"arn:aws:ssm:{R}:{A}:document/*"),
    ),
    one(
        "notebook-url",
        f"{PF} sagemaker-004",
        ("sagemaker-004",),
        allow("sagemaker:CreatePresignedNotebookInstanceUrl", f"arn:aws:sagemaker:{R}:{A}:notebook-instance/*"),
    ),
    one(
        "studio-url",
        "ai-redteam cybersec-wiki Sagemaker-presigned-urls-blog",
        ("web-sagemaker-1",),
        allow("sagemaker:CreatePresignedDomainUrl", "*"),
    ),
    one(
        "notebook-lifecycle",
        f"{PF} sagemaker-005",
        ("sagemaker-005",),
        allow(
            [
                "sagemaker:CreateNotebookInstanceLifecycleConfig",
                "sagemaker:StopNotebookInstance",
                "sagemaker:UpdateNotebookInstance",
                "sagemaker:StartNotebookInstance",
            ],
            "*",
        ),
    ),
    one(
        "code-interpreter-session",
        f"{PF} bedrock-002",
        ("bedrock-002",),
        allow(["bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"], "*"),
    ),
    one(
        "agent-runtime-command",
        f"{PR} AgentCoreInvokeRuntimeCommand",
        ("prowler-AgentCoreInvokeRuntimeCommand",),
        allow("bedrock-agentcore:InvokeAgentRuntimeCommand", f"arn:aws:bedrock-agentcore:{R}:{A}:runtime/*"),
    ),
    one(
        "ecs-exec",
        f"{CS} ECSExecuteCommandOnRunningTask",
        ("cs-ECSExecuteCommandOnRunningTask",),
        allow(["ecs:ExecuteCommand", "ecs:DescribeTasks"], f"arn:aws:ecs:{R}:{A}:task/*"),
    ),
    one(
        "user-data-restart",
        f"{PF} ec2-002",
        ("ec2-002",),
        allow(["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"], f"arn:aws:ec2:{R}:{A}:instance/*"),
    ),
    one(
        "launch-template-version",
        f"{PF} ec2-004",
        ("ec2-004",),
        allow(["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"], f"arn:aws:ec2:{R}:{A}:launch-template/*"),
    ),
    one(
        "instance-connect",
        f"{PF} ec2instanceconnect-003",
        ("ec2instanceconnect-003",),
        allow("ec2:DescribeInstances", "*"),
        allow("ec2-instance-connect:SendSSHPublicKey", f"arn:aws:ec2:{R}:{A}:instance/*"),
    ),
    one("glue-update-dev-endpoint", f"{PF} glue-002", ("glue-002",), allow("glue:UpdateDevEndpoint", "*")),
    one(
        "permission-set-policy",
        f"{PR} sso:AttachManagedPolicyToPermissionSet",
        ("prowler-sso-AttachManagedPolicyToPermissionSet",),
        allow("sso:AttachManagedPolicyToPermissionSet", "*"),
    ),
    # --- AWS managed policies, and a file completed by one -----------------------------------
    CorpusCase(
        "ssm-full-access",
        f"{PF} ssm-002 (AmazonSSMFullAccess)",
        {},
        ("ssm-002",),
        ("arn:aws:iam::aws:policy/AmazonSSMFullAccess",),
    ),
    CorpusCase(
        "codebuild-admin-access",
        f"{PF} codebuild-002 (AWSCodeBuildAdminAccess)",
        {},
        ("codebuild-002",),
        ("arn:aws:iam::aws:policy/AWSCodeBuildAdminAccess",),
    ),
    CorpusCase(
        "scheduler-full-access",
        f"{PR} PassRole+SchedulerCreateSchedule (AmazonEventBridgeSchedulerFullAccess)",
        {},
        ("prowler-PassRole-SchedulerCreateSchedule",),
        ("arn:aws:iam::aws:policy/AmazonEventBridgeSchedulerFullAccess",),
    ),
    CorpusCase(
        "step-functions-full-access",
        f"{PR} StepFunctionsUpdateStateMachine+StartExecution (AWSStepFunctionsFullAccess)",
        {},
        ("prowler-StepFunctionsUpdateStateMachine-StartExecution",),
        ("arn:aws:iam::aws:policy/AWSStepFunctionsFullAccess",),
    ),
    CorpusCase(
        "instance-connect-with-ec2-read-only",
        f"{PF} ec2instanceconnect-003 (file + AmazonEC2ReadOnlyAccess)",
        {"ssh.json": doc(allow("ec2-instance-connect:SendSSHPublicKey", f"arn:aws:ec2:{R}:{A}:instance/*"))},
        ("ec2instanceconnect-003",),
        ("arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess",),
    ),
    # --- issue 29: recall (each new path), read again 2026-12-07 -------------------------------
    one(
        "assign-any-permission-set",
        f"{HT} aws-sso-and-identitystore-privesc sso:CreateAccountAssignment",
        ("ht-sso-1",),
        allow(["sso:CreateAccountAssignment", "sso:ListPermissionSets", "sso:ListInstances"], "*"),
    ),
    one(
        "join-identity-store-group",
        f"{HT} aws-sso-and-identitystore-privesc identitystore:CreateGroupMembership",
        ("ht-sso-2",),
        allow(["identitystore:CreateGroupMembership", "identitystore:ListGroups"], "*"),
    ),
    one(
        "permission-set-customer-policy",
        f"{HT} aws-sso-and-identitystore-privesc sso:AttachCustomerManagedPolicyReferenceToPermissionSet",
        ("ht-sso-3",),
        allow(["sso:AttachCustomerManagedPolicyReferenceToPermissionSet", "sso:ProvisionPermissionSet"], "*"),
    ),
    one(
        "permission-set-drop-boundary",
        f"{HT} aws-sso-and-identitystore-privesc sso:DeletePermissionBoundaryFromPermissionSet",
        ("ht-sso-4",),
        allow("sso:DeletePermissionsBoundaryFromPermissionSet", "arn:aws:sso:::permissionSet/ssoins-*/*"),
    ),
    one(
        "permission-set-replace-boundary",
        f"{AWS} singlesignon/latest/userguide/permissionsetsboundaries.html",
        ("aws-sso-1",),
        allow("sso:Put*", "*"),
    ),
    CorpusCase(
        "sso-directory-administrator",
        f"{HT} identitystore:CreateGroupMembership (AWSSSODirectoryAdministrator)",
        {},
        ("ht-sso-2",),
        ("arn:aws:iam::aws:policy/AWSSSODirectoryAdministrator",),
    ),
    one(
        "eks-access-policy-any-cluster",
        "Datadog Security Labs eks-cluster-access-management-deep-dive",
        ("dsl-eks-2",),
        allow(["eks:CreateAccessEntry", "eks:AssociateAccessPolicy", "eks:ListAccessEntries"], f"arn:aws:eks:{R}:{A}:*"),
    ),
    one(
        "eks-access-entry-groups",
        "Datadog Security Labs eks-cluster-access-management-deep-dive (kubernetesGroups)",
        ("dsl-eks-3",),
        allow("eks:UpdateAccessEntry", f"arn:aws:eks:{R}:{A}:access-entry/prod/*"),
    ),
    one(
        "eks-pod-identity",
        f"{AWS} eks/latest/userguide/pod-id-association.html",
        ("aws-eks-1",),
        passrole(),
        allow(["eks:CreatePodIdentityAssociation", "eks:DescribeCluster"], f"arn:aws:eks:{R}:{A}:cluster/*"),
    ),
    one(
        "cognito-identity-pool-providers",
        f"{HT} aws-cognito-privesc cognito-identity:update-identity-pool",
        ("ht-cognito-1",),
        allow(
            ["cognito-identity:UpdateIdentityPool", "cognito-identity:DescribeIdentityPool"],
            f"arn:aws:cognito-identity:{R}:{A}:identitypool/*",
        ),
    ),
    one(
        "cognito-admin-groups",
        f"{HT} aws-cognito-privesc cognito-idp:AdminAddUserToGroup",
        ("ht-cognito-2",),
        allow("cognito-idp:Admin*", f"arn:aws:cognito-idp:{R}:{A}:userpool/*"),
    ),
    one(
        "cognito-group-role",
        f"{HT} aws-cognito-privesc cognito-idp:CreateGroup, iam:PassRole",
        ("ht-cognito-3", "ht-cognito-4"),
        passrole(),
        allow(["cognito-idp:CreateGroup", "cognito-idp:UpdateGroup"], f"arn:aws:cognito-idp:{R}:{A}:userpool/*"),
    ),
    one(
        "launch-template-version-scale-out",
        f"{AWS} autoscaling/ec2/userguide/launch-templates.html ($Latest)",
        ("aws-ec2-1",),
        allow("ec2:CreateLaunchTemplateVersion", f"arn:aws:ec2:{R}:{A}:launch-template/*"),
        allow("autoscaling:SetDesiredCapacity", "*"),
    ),
    one(
        "launch-template-version-update-group",
        f"{AWS} autoscaling/ec2/userguide/launch-templates.html",
        ("aws-ec2-2",),
        allow(["ec2:CreateLaunchTemplateVersion", "autoscaling:UpdateAutoScalingGroup"], "*"),
    ),
    one(
        "state-machine-sync",
        f"{AWS} step-functions API_StartSyncExecution ({PR} PassRole+StepFunctionsCreateStateMachine+StartExecution)",
        ("aws-states-1",),
        passrole(),
        allow(["states:CreateStateMachine", "states:StartSyncExecution"], f"arn:aws:states:{R}:{A}:stateMachine:*"),
    ),
    one(
        "state-machine-update-sync",
        f"{AWS} step-functions API_StartSyncExecution ({PR} StepFunctionsUpdateStateMachine+StartExecution)",
        ("aws-states-2",),
        allow(["states:UpdateStateMachine", "states:StartSyncExecution"], f"arn:aws:states:{R}:{A}:stateMachine:*"),
    ),
    one(
        "emr-steps",
        f"{AWS} emr/latest/ManagementGuide/emr-add-steps.html",
        ("aws-emr-1",),
        allow(
            ["elasticmapreduce:AddJobFlowSteps", "elasticmapreduce:DescribeStep"], f"arn:aws:elasticmapreduce:{R}:{A}:cluster/*"
        ),
    ),
    one(
        "ssh-keys-for-anyone",
        f"{HT} aws-iam-privesc iam:UploadSSHPublicKey",
        ("ht-iam-4",),
        allow("iam:UploadSSHPublicKey", f"arn:aws:iam::{A}:user/*"),
    ),
    one(
        "instance-connect-without-describe",
        f"{PF} ec2instanceconnect-003 (step 1 is finding an instance id)",
        ("ec2instanceconnect-003",),
        allow("ec2-instance-connect:SendSSHPublicKey", f"arn:aws:ec2:{R}:{A}:instance/*"),
    ),
    one(
        "chef-recipes-everywhere",
        f"{PF} ssm-002 (AWS-ApplyChefRecipes runs the recipes its caller names)",
        ("ssm-002",),
        allow(
            "ssm:SendCommand",
            [f"arn:aws:ec2:{R}:{A}:instance/*", f"arn:aws:ssm:{R}::document/AWS-ApplyChefRecipes"],
        ),
    ),
    one(
        "patch-with-hooks-association",
        f"{AWS} systems-manager patch-manager-aws-runpatchbaselinewithhooks.html (hooks run any document)",
        ("aws-ssm-1",),
        allow(
            "ssm:CreateAssociation",
            [f"arn:aws:ec2:{R}:{A}:instance/*", f"arn:aws:ssm:{R}::document/AWS-RunPatchBaselineWithHooks"],
        ),
    ),
    one(
        "organization-access-role",
        f"{AWS} organizations orgs_manage_accounts_access.html (OrganizationAccountAccessRole)",
        ("aws-sts-1",),
        allow("sts:AssumeRole", "arn:aws:iam::*:role/OrganizationAccountAccessRole"),
    ),
    one(
        "cdk-execution-role",
        f"{AWS} cdk bootstrapping-env.html (cdk-*-cfn-exec-role-*)",
        ("aws-sts-1",),
        allow("sts:AssumeRole", f"arn:aws:iam::{A}:role/cdk-hnb659fds-cfn-exec-role-{A}-{R}"),
    ),
    one(
        "control-tower-execution",
        f"{AWS} controltower roles-how.html (AWSControlTowerExecution)",
        ("aws-sts-1",),
        allow(
            "sts:AssumeRole", [f"arn:aws:iam::{A}:role/app-deployer", "arn:aws:iam::210987654321:role/AWSControlTowerExecution"]
        ),
    ),
    # --- issue 29: decoys (a Deny that seems to cancel the Allow and does not) ------------------
    one(
        "decoy-deny-one-character-roles",
        "issue 29: a Deny on role/? does not cover role/* (pattern_covers)",
        ("ec2-001",),
        passrole(),
        allow("ec2:RunInstances", "*"),
        deny("iam:PassRole", f"arn:aws:iam::{A}:role/?"),
    ),
    one(
        "decoy-deny-other-case",
        "issue 29: ARNs match with case (IAM User Guide, reference_policies_elements_resource.html)",
        ("iam-005",),
        allow("iam:PutRolePolicy", f"arn:aws:iam::{A}:role/admin-*"),
        deny("iam:PutRolePolicy", f"arn:aws:iam::{A}:role/Admin-*"),
    ),
    one(
        "decoy-deny-narrower-pattern",
        "issue 29: a Deny on role/app-?* leaves role/app- and every other role",
        ("iam-009",),
        allow("iam:AttachRolePolicy", f"arn:aws:iam::{A}:role/app*"),
        deny("iam:AttachRolePolicy", f"arn:aws:iam::{A}:role/app-?*"),
    ),
    one(
        "decoy-deny-not-resource-pattern",
        "issue 29: a Deny with NotResource role/app-* leaves every app- role",
        ("ec2-001",),
        passrole(),
        allow("ec2:RunInstances", "*"),
        {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": f"arn:aws:iam::{A}:role/app-*"},
    ),
    one(
        "decoy-service-linked-lookalike",
        "issue 29: role/*aws-service-role/* is not under the service-linked path",
        ("iam-005",),
        allow("iam:PutRolePolicy", f"arn:aws:iam::{A}:role/*aws-service-role/*"),
    ),
    one(
        "decoy-policy-arn-pattern",
        "issue 29: an iam:PolicyARN pattern that can name AdministratorAccess",
        ("iam-009",),
        allow(
            "iam:AttachRolePolicy",
            ROLE_ANY,
            Condition={"ArnLike": {"iam:PolicyARN": "arn:aws:iam::aws:policy/*Access"}},
        ),
    ),
    one(
        "decoy-policy-arn-customer",
        "issue 29: an iam:PolicyARN naming a customer managed policy cannot be judged",
        ("iam-009",),
        allow(
            "iam:AttachRolePolicy",
            ROLE_ANY,
            Condition={"ArnEquals": {"iam:PolicyARN": f"arn:aws:iam::{A}:policy/ReadOnlyAccess"}},
        ),
    ),
    # --- issue 29, third pass: recall (removing a restriction, user-pool takeover) and decoys -------
    one(
        "permission-set-detach-deny-policy",
        f"{HT} aws-sso-and-identitystore-privesc sso:DetachManagedPolicyFromPermissionSet",
        ("ht-sso-5",),
        allow(
            ["sso:DetachManagedPolicyFromPermissionSet", "sso:ListManagedPoliciesInPermissionSet"],
            "arn:aws:sso:::permissionSet/ssoins-*/*",
        ),
    ),
    one(
        "permission-set-detach-anything",
        f"{HT} aws-sso-and-identitystore-privesc sso:DetachCustomerManagedPolicyReferenceFromPermissionSet",
        ("ht-sso-5", "ht-sso-6"),
        allow("sso:Detach*", "*"),
    ),
    one(
        "permission-set-delete-inline-denies",
        f"{HT} aws-sso-and-identitystore-privesc sso:DeleteInlinePolicyFromPermissionSet",
        ("ht-sso-7",),
        allow(
            ["sso:DeleteInlinePolicyFromPermissionSet", "sso:GetInlinePolicyForPermissionSet"],
            ["arn:aws:sso:::instance/ssoins-1111222233334444", "arn:aws:sso:::permissionSet/ssoins-1111222233334444/*"],
        ),
    ),
    one(
        "cognito-set-any-password",
        f"{HT} aws-cognito-privesc cognito-idp:AdminSetUserPassword",
        ("ht-cognito-5",),
        allow(["cognito-idp:AdminSetUserPassword", "cognito-idp:ListUsers"], f"arn:aws:cognito-idp:{R}:{A}:userpool/*"),
    ),
    one(
        "cognito-rewrite-claims",
        f"{HT} aws-cognito-privesc cognito-idp:AdminUpdateUserAttributes; {AWS} cognito role-based-access-control.html",
        ("ht-cognito-6",),
        allow(
            ["cognito-idp:AdminUpdateUserAttributes", "cognito-idp:AdminGetUser"],
            f"arn:aws:cognito-idp:{R}:{A}:userpool/{R}_*",
        ),
    ),
    one(
        "decoy-deny-other-instance",
        "issue 29: a Deny on one Identity Center instance leaves the others",
        ("ht-sso-7",),
        allow("sso:DeleteInlinePolicyFromPermissionSet", "arn:aws:sso:::permissionSet/*/*"),
        deny("sso:DeleteInlinePolicyFromPermissionSet", "arn:aws:sso:::permissionSet/ssoins-1111222233334444/*"),
    ),
    one(
        "decoy-deny-one-user-pool",
        "issue 29: a Deny on userpool/eu-west-1_? names one-character pool ids, no real pool",
        ("ht-cognito-5",),
        allow("cognito-idp:AdminSetUserPassword", f"arn:aws:cognito-idp:{R}:{A}:userpool/*"),
        deny("cognito-idp:AdminSetUserPassword", f"arn:aws:cognito-idp:{R}:{A}:userpool/{R}_?"),
    ),
    one(
        "decoy-ecs-deploy-deny-leaves-a-pattern",
        f"{PF} ecs-004: the Deny's NotResource role/ecs-task-* leaves every role so named",
        ("ecs-004", "prowler-PassRole-ECS-RunTask"),
        allow(["ecs:RegisterTaskDefinition", "ecs:RunTask", "ecs:DescribeTasks"], "*"),
        passrole(),
        {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": f"arn:aws:iam::{A}:role/ecs-task-*"},
    ),
    one(
        "decoy-ecs-update-service-deny-other-case",
        f"{HT} aws-ecs-privesc (RegisterTaskDefinition, UpdateService): a Deny on role/Admin* leaves role/admin*",
        ("ht-ecs-1",),
        allow("ecs:RegisterTaskDefinition", "*"),
        allow("ecs:UpdateService", f"arn:aws:ecs:{R}:{A}:service/prod/*"),
        passrole(),
        deny("iam:PassRole", f"arn:aws:iam::{A}:role/Admin*"),
    ),
    # --- issue 29, third pass: a tag that decides access, written by the holder ------------------
    one(
        "abac-tag-yourself",
        f"{AWS} IAM/latest/UserGuide/access_iam-tags.html (aws:PrincipalTag); AWS Security Blog, tags used for authorization",
        ("aws-abac-1",),
        allow(
            ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            "*",
            Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        ),
        allow(["iam:TagUser", "iam:UntagUser", "iam:ListUserTags"], "arn:aws:iam::*:user/${aws:username}"),
    ),
    one(
        "abac-role-tags-itself",
        f"{AWS} IAM/latest/UserGuide/tutorial_attribute-based-access-control.html (a role's tags are its sessions' principal tags)",
        ("aws-abac-2",),
        allow(
            ["ssm:GetParameter", "ssm:GetParametersByPath"],
            f"arn:aws:ssm:{R}:{A}:parameter/*",
            Condition={"StringEquals": {"aws:PrincipalTag/access-level": "production"}},
        ),
        allow(["iam:TagRole", "iam:ListRoleTags"], f"arn:aws:iam::{A}:role/app-*"),
    ),
    one(
        "abac-tag-then-assume",
        f"{AWS} reference_policies_examples_iam-assume-tagged-role.html with iam:TagRole (iam-add-tag-user-role)",
        ("aws-abac-3",),
        allow(
            "sts:AssumeRole",
            f"arn:aws:iam::{A}:role/team-*",
            Condition={"StringEquals": {"iam:ResourceTag/Project": "ExampleCorpABC"}},
        ),
        allow(
            "iam:TagRole", f"arn:aws:iam::{A}:role/*", Condition={"StringEquals": {"aws:RequestTag/Project": "ExampleCorpABC"}}
        ),
    ),
    one(
        "abac-tag-user-then-reset-password",
        f"{AWS} IAM/latest/UserGuide/access_iam-tags.html (aws:ResourceTag on users)",
        ("aws-abac-4", "iam-004"),
        allow(
            ["iam:UpdateLoginProfile", "iam:GetLoginProfile"],
            f"arn:aws:iam::{A}:user/*",
            Condition={"StringEquals": {"aws:ResourceTag/support": "helpdesk"}},
        ),
        allow("iam:TagUser", f"arn:aws:iam::{A}:user/*"),
    ),
    CorpusCase(
        "abac-split-over-files",
        f"{AWS} access_iam-tags.html: the condition in one policy, the tagging in another",
        {
            "team-secrets.json": doc(
                allow(
                    "secretsmanager:GetSecretValue",
                    f"arn:aws:secretsmanager:{R}:{A}:secret:*",
                    Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
                )
            ),
            "self-service.json": doc(allow("iam:TagUser", "arn:aws:iam::*:user/${aws:username}")),
        },
        ("aws-abac-1",),
    ),
    one(
        "decoy-tag-keys-other-case",
        'issue 29: aws:TagKeys ["Team"] writes the tag aws:PrincipalTag/team reads (condition key names ignore case)',
        ("aws-abac-1",),
        allow(
            "secretsmanager:GetSecretValue",
            "*",
            Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        ),
        allow(
            "iam:TagUser",
            "arn:aws:iam::*:user/${aws:username}",
            Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["Nickname", "Team"]}},
        ),
    ),
    one(
        "decoy-deny-tag-keys-other-key",
        "issue 29: a Deny of writing Project leaves the key the condition reads (project-id)",
        ("aws-abac-3",),
        allow(
            "sts:AssumeRole",
            f"arn:aws:iam::{A}:role/team-*",
            Condition={"StringEquals": {"aws:ResourceTag/project-id": "abc"}},
        ),
        allow("iam:TagRole", f"arn:aws:iam::{A}:role/team-*"),
        {
            "Effect": "Deny",
            "Action": "iam:TagRole",
            "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["Project"]}},
        },
    ),
    one(
        "decoy-deny-not-resource-permission-sets",
        "issue 29: a Deny whose NotResource is a pattern (ps-*) leaves every permission set of the instance",
        ("ht-sso-5",),
        allow("sso:DetachManagedPolicyFromPermissionSet", "arn:aws:sso:::permissionSet/*/*"),
        {
            "Effect": "Deny",
            "Action": "sso:DetachManagedPolicyFromPermissionSet",
            "NotResource": "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-*",
        },
    ),
    one(
        "decoy-deny-instance-other-case",
        "issue 29: instance ids are lower case (ssoins-); a Deny on SSOINS-* covers none",
        ("ht-sso-6",),
        allow("sso:DetachCustomerManagedPolicyReferenceFromPermissionSet", "*"),
        deny("sso:DetachCustomerManagedPolicyReferenceFromPermissionSet", "arn:aws:sso:::permissionSet/SSOINS-*/*"),
    ),
    one(
        "decoy-deny-user-pool-variable",
        "issue 29: a Deny naming a policy variable (userpool/${aws:username}) cancels nothing",
        ("ht-cognito-6",),
        allow("cognito-idp:AdminUpdateUserAttributes", f"arn:aws:cognito-idp:{R}:{A}:userpool/*"),
        deny("cognito-idp:AdminUpdateUserAttributes", f"arn:aws:cognito-idp:{R}:{A}:userpool/${{aws:username}}"),
    ),
    one(
        "decoy-tag-keys-pattern-names-the-key",
        "issue 29: aws:TagKeys StringLike access-* allows writing access-level, the key the condition reads",
        ("aws-abac-2",),
        allow(
            "ssm:GetParameter",
            f"arn:aws:ssm:{R}:{A}:parameter/*",
            Condition={"StringEquals": {"aws:PrincipalTag/access-level": "production"}},
        ),
        allow(
            "iam:TagRole",
            f"arn:aws:iam::{A}:role/app-*",
            Condition={"ForAllValues:StringLike": {"aws:TagKeys": ["access-*", "owner"]}},
        ),
    ),
    one(
        "decoy-deny-admin-users-only",
        "issue 29: a Deny of tagging admin-* users leaves every other user a condition reads",
        ("aws-abac-4",),
        allow(
            "iam:DeactivateMFADevice",
            f"arn:aws:iam::{A}:user/*",
            Condition={"StringEquals": {"aws:ResourceTag/support": "helpdesk"}},
        ),
        allow("iam:TagUser", f"arn:aws:iam::{A}:user/*"),
        deny("iam:TagUser", f"arn:aws:iam::{A}:user/admin-*"),
    ),
]

LEAST_PRIVILEGE: list[CorpusCase] = [
    one(
        "deploy-one-function",
        f"{PF} lambda-003 recommendation",
        (),
        allow(["lambda:UpdateFunctionCode", "lambda:GetFunction"], f"arn:aws:lambda:{R}:{A}:function:orders-api"),
    ),
    one(
        "deploy-one-function-versions",
        "issue 20: function:orders-api:* is one function",
        (),
        allow(
            ["lambda:UpdateFunctionCode", "lambda:PublishVersion", "lambda:UpdateAlias", "lambda:InvokeFunction"],
            [f"arn:aws:lambda:{R}:{A}:function:orders-api", f"arn:aws:lambda:{R}:{A}:function:orders-api:*"],
        ),
    ),
    one(
        "start-one-build",
        f"{PF} codebuild-002 recommendation",
        (),
        allow(["codebuild:StartBuild", "codebuild:BatchGetBuilds"], f"arn:aws:codebuild:{R}:{A}:project/specific-safe-project"),
    ),
    one(
        "update-one-stack",
        "issue 20: stack/app-prod/* is one stack",
        (),
        allow(
            ["cloudformation:UpdateStack", "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents"],
            f"arn:aws:cloudformation:{R}:{A}:stack/app-prod/*",
        ),
    ),
    one(
        "change-set-one-stack",
        f"{PF} cloudformation-005 recommendation",
        (),
        allow(
            ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet", "cloudformation:DescribeChangeSet"],
            f"arn:aws:cloudformation:{R}:{A}:stack/app-prod/*",
        ),
    ),
    one(
        "patch-with-aws-document",
        "issue 20: AWS-owned SSM documents have an empty account field",
        (),
        allow(
            "ssm:SendCommand",
            [f"arn:aws:ssm:{R}::document/AWS-RunPatchBaseline", f"arn:aws:ec2:{R}:{A}:instance/*"],
            Condition={"StringEquals": {"ssm:resourceTag/PatchGroup": "web"}},
        ),
    ),
    one(
        "boundary-delegation",
        f"{AWS} IAM User Guide, delegating with permissions boundaries",
        (),
        allow(
            [
                "iam:CreateRole",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutRolePolicy",
                "iam:PutRolePermissionsBoundary",
            ],
            f"arn:aws:iam::{A}:role/app-*",
            sid="CreateOrChangeOnlyWithBoundary",
            Condition={"StringEquals": {"iam:PermissionsBoundary": f"arn:aws:iam::{A}:policy/AppBoundary"}},
        ),
        {
            "Sid": "NoBoundaryPolicyEdit",
            **deny(
                ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
                f"arn:aws:iam::{A}:policy/AppBoundary",
            ),
        },
        {"Sid": "NoBoundaryRoleDelete", **deny("iam:DeleteRolePermissionsBoundary", "*")},
    ),
    one(
        "manage-own-credentials",
        f"{AWS} IAM User Guide, users manage their own credentials",
        (),
        allow(
            [
                "iam:CreateAccessKey",
                "iam:DeleteAccessKey",
                "iam:ListAccessKeys",
                "iam:UpdateAccessKey",
                "iam:UpdateLoginProfile",
                "iam:GetLoginProfile",
            ],
            "arn:aws:iam::*:user/${aws:username}",
        ),
    ),
    one(
        "pass-one-role-to-lambda",
        f"{AWS} Lambda execution role (iam:PassRole with iam:PassedToService)",
        (),
        allow(
            "iam:PassRole",
            f"arn:aws:iam::{A}:role/orders-api-execution",
            Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
        ),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"], f"arn:aws:lambda:{R}:{A}:function:orders-*"),
    ),
    one(
        "ecs-deploy-one-service",
        f"{PF} ecs-003 recommendation",
        (),
        allow(
            "iam:PassRole",
            f"arn:aws:iam::{A}:role/orders-task",
            Condition={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
        ),
        allow("ecs:UpdateService", f"arn:aws:ecs:{R}:{A}:service/prod/orders"),
    ),
    one(
        "invoke-functions",
        f"{PF} lambda-001 (invoking alone is no path)",
        (),
        allow("lambda:InvokeFunction", f"arn:aws:lambda:{R}:{A}:function:*"),
    ),
    one(
        "start-one-state-machine",
        f"{PR} StepFunctionsUpdateStateMachine+StartExecution (starting alone is no path)",
        (),
        allow(
            ["states:StartExecution", "states:DescribeExecution"],
            [f"arn:aws:states:{R}:{A}:stateMachine:orders", f"arn:aws:states:{R}:{A}:execution:orders:*"],
        ),
    ),
    one(
        "run-one-pipeline",
        f"{HT} aws-codepipeline-privesc.md (starting alone is no path)",
        (),
        allow(["codepipeline:StartPipelineExecution", "codepipeline:GetPipelineState"], f"arn:aws:codepipeline:{R}:{A}:orders"),
    ),
    one(
        "one-notebook-url",
        f"{PF} sagemaker-004 recommendation",
        (),
        allow("sagemaker:CreatePresignedNotebookInstanceUrl", f"arn:aws:sagemaker:{R}:{A}:notebook-instance/team-a"),
    ),
    one(
        "start-stop-instances",
        f"{PF} ec2-002 (no ModifyInstanceAttribute)",
        (),
        allow(["ec2:StartInstances", "ec2:StopInstances"], f"arn:aws:ec2:{R}:{A}:instance/*"),
    ),
    one(
        "session-one-instance",
        f"{PF} ssm-001 recommendation",
        (),
        allow(
            "ssm:StartSession",
            [f"arn:aws:ec2:{R}:{A}:instance/i-0123456789abcdef0", f"arn:aws:ssm:{R}::document/AWS-StartPortForwardingSession"],
        ),
    ),
    one(
        "s3-one-bucket",
        f"{AWS} IAM User Guide example: read and write one bucket",
        (),
        allow("s3:ListBucket", "arn:aws:s3:::reports"),
        allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::reports/*"),
    ),
    one(
        "dynamodb-one-table",
        f"{AWS} IAM User Guide example: one DynamoDB table",
        (),
        allow(
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
            f"arn:aws:dynamodb:{R}:{A}:table/orders",
        ),
    ),
    one(
        "read-app-parameters",
        f"{AWS} Systems Manager: parameters under a path",
        (),
        allow(["ssm:GetParameter", "ssm:GetParametersByPath"], f"arn:aws:ssm:{R}:{A}:parameter/app/*"),
    ),
    one(
        "queue-one-queue",
        f"{AWS} SQS example: one queue",
        (),
        allow(["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"], f"arn:aws:sqs:{R}:{A}:orders"),
    ),
    one(
        "logs-one-group",
        f"{AWS} CloudWatch Logs example: one log group",
        (),
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], f"arn:aws:logs:{R}:{A}:log-group:/aws/lambda/orders-api:*"),
    ),
    one(
        "ecr-push-one-repository",
        f"{AWS} ECR example: push to one repository",
        (),
        allow("ecr:GetAuthorizationToken", "*"),
        allow(
            [
                "ecr:BatchCheckLayerAvailability",
                "ecr:PutImage",
                "ecr:InitiateLayerUpload",
                "ecr:UploadLayerPart",
                "ecr:CompleteLayerUpload",
            ],
            f"arn:aws:ecr:{R}:{A}:repository/orders",
        ),
    ),
    one(
        "read-roles",
        f"{PF} iam-009 (reading roles is no path)",
        (),
        allow(["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"], ROLE_ANY),
    ),
    CorpusCase(
        "read-only-access", f"{AWS} job function policies: ReadOnlyAccess", {}, (), ("arn:aws:iam::aws:policy/ReadOnlyAccess",)
    ),
    # --- issue 29: precision ---------------------------------------------------------------------
    one(
        "attach-read-only-policies",
        f"{AWS} reference_policies_examples_iam_limit-managed.html (iam:PolicyARN)",
        (),
        allow(
            ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            f"arn:aws:iam::{A}:role/app-*",
            Condition={
                "ArnEquals": {
                    "iam:PolicyARN": ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/SecurityAudit"]
                }
            },
        ),
    ),
    one(
        "service-linked-roles",
        f"{AWS} id_roles_update-role-permissions.html (service-linked roles cannot be edited)",
        (),
        allow(
            ["iam:UpdateRoleDescription", "iam:PutRolePolicy", "iam:AttachRolePolicy"],
            f"arn:aws:iam::{A}:role/aws-service-role/*",
        ),
    ),
    one(
        "assume-app-roles",
        "issue 29: sts:AssumeRole on roles that are not administrators by convention",
        (),
        allow("sts:AssumeRole", [f"arn:aws:iam::{A}:role/app-deployer", f"arn:aws:iam::{A}:role/cdk-readonly"]),
    ),
    one(
        "ecs-deploy-passrole-narrowed-by-deny",
        "issue 29: a Deny with NotResource that leaves only named roles (aws-actions/amazon-ecs-deploy-task-definition)",
        (),
        allow(
            ["ecs:RegisterTaskDefinition", "ecs:RunTask", "ecs:DescribeTasks"],
            [f"arn:aws:ecs:{R}:{A}:task-definition/orders:*", f"arn:aws:ecs:{R}:{A}:task/prod/*"],
        ),
        passrole(),
        {
            "Effect": "Deny",
            "Action": "iam:PassRole",
            "NotResource": [f"arn:aws:iam::{A}:role/orders-task", f"arn:aws:iam::{A}:role/orders-execution"],
        },
    ),
    one(
        "abac-tag-keys-locked",
        "AWS Security Blog, tags used for authorization: the holder may tag itself, never with the key that decides access",
        (),
        allow(
            "secretsmanager:GetSecretValue",
            "*",
            Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        ),
        allow(
            "iam:TagUser",
            "arn:aws:iam::*:user/${aws:username}",
            Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["Nickname", "Pronouns"]}},
        ),
    ),
    one(
        "abac-tag-keys-denied",
        "AWS Security Blog, tags used for authorization: a Deny of writing the key",
        (),
        allow(
            "sts:AssumeRole",
            f"arn:aws:iam::{A}:role/team-a-deployer",
            Condition={"StringEquals": {"iam:ResourceTag/Project": "ExampleCorpABC"}},
        ),
        allow("iam:TagRole", f"arn:aws:iam::{A}:role/team-*"),
        {
            "Effect": "Deny",
            "Action": "iam:TagRole",
            "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["Project"]}},
        },
    ),
    one(
        "ssh-keys-for-oneself",
        f"{AWS} IAMUserSSHKeys: a user's own SSH keys",
        (),
        allow(["iam:UploadSSHPublicKey", "iam:ListSSHPublicKeys"], f"arn:aws:iam::{A}:user/${{aws:username}}"),
    ),
]
