"""Issue 31: the privilege-escalation catalogue is data (crossaccount/data/escalation-paths.json),
read once by the read step (`crossaccount.read.escalation_paths.read_escalation_paths`), which refuses a file that is not exactly as expected with one
error naming the row, the key, the value and what is expected.

The frozen summary below is the catalogue as `paths.py` held it in code before it became data
(141 paths): the file was generated from that code mechanically, so no row changed. A change to
the catalogue changes this summary on purpose, in the same commit."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crossaccount.guardrails import paths
from crossaccount.read import read_reference
from crossaccount.read.data_files import ESCALATION_PATHS_FILE as DATA_FILE
from crossaccount.read.data_files import DataFileError as CatalogueError
from crossaccount.read.escalation_paths import read_escalation_paths as catalogue
from crossaccount.reference import EscalationPath

PATHS = catalogue().paths
SOURCES = catalogue().sources
READ = catalogue().read

FROZEN_COUNT_BY_SOURCE = {
    "AWS documentation": 22,
    "AWS Security Blog": 4,
    "Datadog Security Labs": 2,
    "HackTricks": 30,
    "PMapper": 18,
    "ai-redteam cybersec-wiki": 1,
    "cloudsplaining": 59,
    "hackingthe.cloud": 1,
    "iam-vulnerable": 30,
    "pathfinding.cloud": 64,
    "prowler": 100,
}
FROZEN_IDS = [
    "apprunner-001",
    "apprunner-002",
    "aws-iam-1",
    "aws-iam-2",
    "aws-iam-3",
    "aws-ssm-1",
    "aws-ssm-2",
    "bedrock-001",
    "bedrock-002",
    "cloudformation-001",
    "cloudformation-002",
    "cloudformation-003",
    "cloudformation-004",
    "cloudformation-005",
    "codebuild-001",
    "codebuild-002",
    "codebuild-003",
    "codebuild-004",
    "cs-ECSExecuteCommandOnRunningTask",
    "cs-PassExistingRoleToNewDataPipeline",
    "cs-PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
    "cs-SetExistingDefaultPolicyVersion",
    "datapipeline-001",
    "ec2-001",
    "ec2-002",
    "ec2-003",
    "ec2-004",
    "ec2instanceconnect-003",
    "ecs-001",
    "ecs-002",
    "ecs-003",
    "ecs-004",
    "ecs-005",
    "glue-001",
    "glue-002",
    "glue-003",
    "glue-004",
    "glue-005",
    "glue-006",
    "ht-codebuild-1",
    "ht-codebuild-2",
    "ht-codepipeline-1",
    "ht-codepipeline-2",
    "ht-ec2-1",
    "ht-ec2-2",
    "ht-ec2-3",
    "ht-ec2-4",
    "ht-ecs-1",
    "ht-iam-1",
    "ht-iam-2",
    "ht-iam-3",
    "ht-lambda-1",
    "ht-sagemaker-1",
    "ht-ssm-1",
    "iam-001",
    "iam-002",
    "iam-003",
    "iam-004",
    "iam-005",
    "iam-006",
    "iam-007",
    "iam-008",
    "iam-009",
    "iam-010",
    "iam-011",
    "iam-012",
    "iam-013",
    "iam-014",
    "iam-015",
    "iam-016",
    "iam-017",
    "iam-018",
    "iam-019",
    "iam-020",
    "iam-021",
    "lambda-001",
    "lambda-002",
    "lambda-003",
    "lambda-004",
    "lambda-005",
    "lambda-006",
    "prowler-AgentCoreBrowserSessionConnect",
    "prowler-AgentCoreInvokeRuntimeCommand",
    "prowler-AssumeRole-DeleteRolePermissionsBoundary",
    "prowler-AssumeRole-UpdateAssumeRolePolicy",
    "prowler-BatchSubmitJob",
    "prowler-CodeDeployCreateDeployment",
    "prowler-PassRole-AgentCoreCreateBrowser-ConnectBrowser",
    "prowler-PassRole-AgentCoreCreateRuntime-InvokeRuntimeCommand",
    "prowler-PassRole-BatchRegisterJobDef-SubmitJob",
    "prowler-PassRole-BraketCreateJob",
    "prowler-PassRole-CodeStar",
    "prowler-PassRole-CognitoSetIdentityPoolRoles",
    "prowler-PassRole-CreateAutoScaling",
    "prowler-PassRole-ECS-RunTask",
    "prowler-PassRole-ECS-StartTask",
    "prowler-PassRole-ECSStartTaskExistingCluster",
    "prowler-PassRole-EMRRunJobFlow",
    "prowler-PassRole-EMRServerlessCreateApp-StartJobRun",
    "prowler-PassRole-GameLiftCreateBuild-CreateFleet",
    "prowler-PassRole-GlueCreateSession-RunStatement",
    "prowler-PassRole-ImageBuilderCreateComponent-CreateImage",
    "prowler-PassRole-KinesisAnalyticsCreateApp-StartApp",
    "prowler-PassRole-OmicsCreateWorkflow-StartRun",
    "prowler-PassRole-SSMCreateDocument-StartAutomation",
    "prowler-PassRole-SchedulerCreateSchedule",
    "prowler-PassRole-StepFunctionsCreateStateMachine-StartExecution",
    "prowler-PassRole-UpdateAutoScaling",
    "prowler-SSOCreatePermissionSet-CreateAccountAssignment-AttachManagedPolicy",
    "prowler-StepFunctionsUpdateStateMachine-StartExecution",
    "prowler-iam-DeleteUserPermissionsBoundary",
    "prowler-lambda-UpdateFunctionConfiguration",
    "prowler-sso-AttachManagedPolicyToPermissionSet",
    "prowler-sso-PutInlinePolicyToPermissionSet",
    "sagemaker-001",
    "sagemaker-002",
    "sagemaker-003",
    "sagemaker-004",
    "sagemaker-005",
    "ssm-001",
    "ssm-002",
    "web-sagemaker-1",
    "aws-sts-1",
    "ht-iam-4",
    "ht-sso-1",
    "ht-sso-2",
    "ht-sso-3",
    "ht-sso-4",
    "ht-sso-5",
    "ht-sso-6",
    "ht-sso-7",
    "aws-sso-1",
    "dsl-eks-2",
    "dsl-eks-3",
    "aws-eks-1",
    "ht-cognito-1",
    "ht-cognito-2",
    "ht-cognito-3",
    "ht-cognito-4",
    "ht-cognito-5",
    "ht-cognito-6",
    "aws-ec2-1",
    "aws-ec2-2",
    "aws-states-1",
    "aws-states-2",
    "aws-emr-1",
    "aws-abac-1",
    "aws-abac-2",
    "aws-abac-3",
    "aws-abac-4",
]
FILE = "crossaccount/data/escalation-paths.json"
PLAIN = "non-empty printable text (no control character, bidirectional override or lone surrogate)"


def test_the_catalogue_is_the_frozen_one_every_path_by_id_and_every_source_by_count() -> None:
    assert len(PATHS) == 150
    assert [p.id for p in PATHS] == FROZEN_IDS
    assert dict(sorted(Counter(s for p in PATHS for s, _ in p.sources).items())) == FROZEN_COUNT_BY_SOURCE
    assert READ == "2026-12-07"
    assert list(SOURCES) == [
        "pathfinding.cloud",
        "prowler",
        "cloudsplaining",
        "iam-vulnerable",
        "PMapper",
        "HackTricks",
        "AWS documentation",
        "ai-redteam cybersec-wiki",
        "hackingthe.cloud",
        "Datadog Security Labs",
        "AWS Security Blog",
    ]
    assert SOURCES["pathfinding.cloud"].version == "data/paths at 84dd65c (2025-12-17)"


def test_a_row_builds_the_path_the_guardrails_judge_by() -> None:
    """Spot checks of the fields the rules read: actions in order, sources in order, passed_to."""
    by_id = {p.id: p for p in PATHS}
    assert by_id["bedrock-001"] == EscalationPath(
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
        ("bedrock-agentcore.amazonaws.com",),
    )
    assert by_id["aws-sts-1"].passed_to == ()
    assert sum(1 for p in PATHS if p.passed_to) == 47
    assert by_id["dsl-eks-2"].cited() == (
        "Datadog Security Labs eks-cluster-access-management-deep-dive, AWS documentation eks/latest/userguide/access-entries.html"
    )


def test_the_file_is_read_once_and_the_guardrails_judge_by_what_was_read() -> None:
    assert catalogue() is catalogue()
    assert read_reference().escalation is catalogue()
    assert paths.catalogue() is catalogue()
    assert paths.all_paths() is PATHS
    with pytest.raises(TypeError):
        SOURCES["new"] = SOURCES["prowler"]  # type: ignore[index]


def _original() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return loaded


def _row(path_id: str, change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    def edit(data: dict[str, Any]) -> None:
        change(next(r for r in data["paths"] if r["id"] == path_id))

    return edit


BROKEN: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    (
        "unknown key in a row",
        _row("iam-001", lambda r: r.update(resources=["*"])),
        'paths[54] (id "iam-001"): unknown key "resources"; expected only id, title, actions, sources, passed_to, note',
    ),
    ("missing key in a row", _row("iam-001", lambda r: r.pop("title")), 'paths[54] (id "iam-001"): the key "title" is missing'),
    (
        "actions as a string",
        _row("iam-001", lambda r: r.update(actions="iam:CreatePolicyVersion")),
        'paths[54] (id "iam-001") actions: "iam:CreatePolicyVersion" is not a list',
    ),
    (
        "a wildcard action",
        _row("iam-001", lambda r: r.update(actions=["iam:*"])),
        'paths[54] (id "iam-001") actions: "iam:*" is not an IAM action (service:Action, no wildcard)',
    ),
    (
        "no action",
        _row("iam-001", lambda r: r.update(actions=[])),
        'paths[54] (id "iam-001") actions: no action; a path needs at least one',
    ),
    (
        "an action twice",
        _row("iam-001", lambda r: r.update(actions=["iam:CreatePolicyVersion", "iam:CreatePolicyVersion"])),
        'paths[54] (id "iam-001") actions: "iam:CreatePolicyVersion" is listed twice; each once',
    ),
    (
        "the same id twice",
        _row("iam-002", lambda r: r.update(id="iam-001")),
        'paths[55] (id "iam-001"): the id is also paths[54]\'s; each id once',
    ),
    (
        "the same id twice, as IAM reads names: in another case",
        _row("iam-002", lambda r: r.update(id="IAM-001")),
        'paths[55] (id "IAM-001"): the id is also paths[54]\'s; each id once',
    ),
    (
        "an id that is not one",
        _row("iam-001", lambda r: r.update(id="iam 001")),
        'paths[54] (id "iam 001") id: "iam 001" is not an id (letters and digits in two or more parts joined by -)',
    ),
    (
        "an id that colours the terminal",
        _row("iam-001", lambda r: r.update(id="iam-001\u001b[31m")),
        'paths[54] (id "iam-001\\u001b[31m") id: "iam-001\\u001b[31m" is not ' + PLAIN,
    ),
    (
        "a title that is a number",
        _row("iam-001", lambda r: r.update(title=7)),
        'paths[54] (id "iam-001") title: 7 is not ' + PLAIN,
    ),
    (
        "a source the file does not list",
        _row("iam-001", lambda r: r["sources"].append(["Stack Overflow", "x"])),
        'paths[54] (id "iam-001") sources[4]: the source "Stack Overflow" is not one of the file\'s sources ("pathfinding.cloud", '
        '"prowler", "cloudsplaining", "iam-vulnerable", "PMapper", "HackTricks", "AWS documentation", "ai-redteam cybersec-wiki", '
        '"hackingthe.cloud", "Datadog Security Labs", "AWS Security Blog")',
    ),
    (
        "a source that is not a pair",
        _row("iam-001", lambda r: r.update(sources=["pathfinding.cloud iam-001"])),
        'paths[54] (id "iam-001") sources[0]: "pathfinding.cloud iam-001" is not [source key, identifier there]',
    ),
    (
        "no source",
        _row("iam-001", lambda r: r.update(sources=[])),
        'paths[54] (id "iam-001") sources: no source; a path cites at least one',
    ),
    (
        "passed_to without iam:PassRole",
        _row("iam-001", lambda r: r.update(passed_to=["lambda.amazonaws.com"])),
        'paths[54] (id "iam-001") passed_to: ["lambda.amazonaws.com"] on a path without iam:PassRole; passed_to only with it',
    ),
    (
        "passed_to that is not a service principal",
        _row("lambda-001", lambda r: r.update(passed_to=["*"])),
        'paths[75] (id "lambda-001") passed_to: "*" is not a service principal (NAME.amazonaws.com)',
    ),
    (
        "a title that turns the terminal's text around",
        _row("iam-001", lambda r: r.update(title="CreatePolicyVersion\u202esafe")),
        'paths[54] (id "iam-001") title: "CreatePolicyVersion\\u202esafe" is not ' + PLAIN,
    ),
    (
        "a title with a lone surrogate",
        _row("iam-001", lambda r: r.update(title="\ud800")),
        'paths[54] (id "iam-001") title: "\\ud800" is not ' + PLAIN,
    ),
    (
        "a source identifier with a line break",
        _row("iam-001", lambda r: r["sources"][0].__setitem__(1, "iam-001\n  - PRIVILEGE_ESCALATION: none")),
        'paths[54] (id "iam-001") sources[0]: ["pathfinding.cloud", "iam-001\\n  - PRIVILEGE_ESCALATION: none"] is not '
        "[source key, identifier there]",
    ),
    (
        "a source key with an escape sequence",
        lambda d: d["sources"].update({"\u001b[2J": {"name": "n", "url": "u", "version": "v"}}),
        'sources["\\u001b[2J"]: the key is not ' + PLAIN,
    ),
    ("a row that is not an object", lambda d: d["paths"].insert(0, "iam-001"), 'paths[0]: "iam-001" is not an object'),
    (
        "an unknown key at the top",
        lambda d: d.update(rules=[]),
        'the file: unknown key "rules"; expected only read, sources, paths',
    ),
    ("a read that is not a date", lambda d: d.update(read="December"), 'read: "December" is not a date (YYYY-MM-DD)'),
    (
        "a source with an unknown key",
        lambda d: d["sources"]["prowler"].update(commit="3e000fa"),
        'sources["prowler"]: unknown key "commit"; expected only name, url, version',
    ),
    (
        "a source no path cites",
        lambda d: d["sources"].update(unused={"name": "n", "url": "https://example.com", "version": "v"}),
        'sources["unused"]: no path cites it; cite it or remove it',
    ),
]


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _, c, e in BROKEN], ids=[n for n, _, _ in BROKEN])
def test_a_broken_catalogue_is_refused_naming_the_row_the_key_and_the_value(
    tmp_path: Path, change: Callable[[dict[str, Any]], Any], expected: str
) -> None:
    data = _original()
    change(data)
    written = tmp_path / "escalation-paths.json"
    written.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        catalogue(written)
    assert str(raised.value) == f"{FILE}: {expected}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"read": "2026-12-07", "read": "2026-12-08", "sources": {}, "paths": []}',
            'the file: the key "read" is written twice; each key once',
        ),
        (
            '{"read": "2026-12-07", "sources": {}, "paths": [{"id": "a-1", "id": "b-1"}]}',
            'paths[0] (id "b-1"): the key "id" is written twice; each key once',
        ),
        (
            '{"read": "2026-12-07", "sources": {"x": {}, "x": {}}, "paths": []}',
            'sources: the key "x" is written twice; each key once',
        ),
        ('{"read": "2026-12-07",}', "not JSON (Expecting property name enclosed in double quotes: line 1 column 23 (char 22))"),
        ("[]", "the file: [] is not an object"),
    ],
    ids=["a top key twice", "a row key twice", "a source twice", "not JSON", "not an object"],
)
def test_json_a_reader_would_take_silently_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    """JSON allows a key twice and Python's reader keeps the last: the catalogue does not."""
    written = tmp_path / "escalation-paths.json"
    written.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        catalogue(written)
    assert str(raised.value) == f"{FILE}: {expected}"
