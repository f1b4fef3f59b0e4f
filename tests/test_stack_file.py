"""One reading of a stack, the engine's: what `make plan/check/verify` read is what the program
gets from `pulumi up`, and a `secure:` externalId stays secret everywhere.

Invariants: each `cross-account-roles:*` value reaches the program as the engine encodes it
(strings as they are, everything else JSON with sorted keys and Go's number format); YAML 1.2
reading (`on`/`yes` are text); Pulumi.yaml project values fill the keys a stack leaves out
and are replaced, not merged, by the stack's; the offline commands and the program decode
with the same function; secrets never leave as plain text.
"""

from __future__ import annotations

import contextvars
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.runtime import config as runtime_config
from ruamel.yaml import YAML

from components.stack_config import engine_config
from crossaccount.errors import SettingsError
from crossaccount.inputs import UNDECRYPTED
from crossaccount.pipeline import plan_of
from crossaccount.plan.documents import unique_sids
from crossaccount.read.engine import EngineConfig, decode_engine_config, engine_config_of, go_json
from crossaccount.read.project import read_engine_config
from tests.conftest import (
    FIXTURE_PROJECT,
    MINIMAL_PROJECT,
    SOURCE,
    TARGET,
    copy_program,
    engine_settings,
    one,
    stack_settings,
    walkthrough_settings,
)
from tests.fake_time import fake_clock
from tests.hostile.harness import stack_file_texts
from tools.offline.mocks import PROJECT_DIR, run_program

SECURE = {"secure": "v1:AAAAbm90LXJlYWwtY2lwaGVydGV4dA=="}


def write_stack(project: Path, text: str, stack: str = "utils") -> None:
    (project / f"Pulumi.{stack}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder: the real program, policies/ and the tests' Pulumi.yaml, and no stack file yet."""
    return copy_program(tmp_path)


WALKTHROUGH = (FIXTURE_PROJECT / "Pulumi.utils.yaml").read_text(encoding="utf-8")
PROJECT_FILE = (FIXTURE_PROJECT / "Pulumi.yaml").read_text(encoding="utf-8")


def test_the_walkthrough_reaches_the_program_as_the_engine_encodes_it() -> None:
    config = read_engine_config(FIXTURE_PROJECT, "utils")
    assert config.secret_keys == frozenset()
    assert config.values["cross-account-roles:source"] == '{"accountId":"111122223333","profile":"utils","region":"eu-north-1"}'
    assert config.values["cross-account-roles:users"] == '{"random_user":{"consoleAccess":true,"tags":{"name":"random"}}}'
    assert config.values["cross-account-roles:passwordPolicy"] == "{}"
    assert config.values["cross-account-roles:requirePgpKey"] == "false"  # a boolean, as the engine encodes it
    roles = json.loads(config.values["cross-account-roles:roles"])
    assert list(roles["s3-list-role"]) == sorted(roles["s3-list-role"])  # Go's encoding/json sorts map keys
    assert sorted(config.values) == [
        f"cross-account-roles:{k}" for k in ("passwordPolicy", "requirePgpKey", "roles", "source", "target", "users")
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3600.0, "3600"),
        (0.5, "0.5"),
        (1e21, "1e+21"),
        (1.5e-7, "1.5e-7"),
        (123456789.25, "123456789.25"),
        (0.0, "0"),
        (-2.0, "-2"),
        (2**64, "18446744073709552000"),
        (True, "true"),
        (None, "null"),
        ({"b": 1, "a": [1, "x"]}, '{"a":[1,"x"],"b":1}'),
        ("<&>", '"<&>"'),
    ],
)
def test_values_are_written_as_gos_encoding_json_writes_them(value: Any, text: str) -> None:
    assert go_json(value) == text


def test_a_whole_float_is_a_whole_number_to_the_program(project: Path) -> None:
    write_stack(project, WALKTHROUGH.replace("      description:", "      maxSessionDuration: 7200.0\n      description:"))
    assert stack_settings(project, "utils").settings.roles["s3-list-role"].max_session_duration == 7200


def test_on_and_yes_are_text_as_in_yaml_1_2(project: Path) -> None:
    write_stack(project, WALKTHROUGH.replace("        name: random", "        name: random\n        flag: on\n        ok: yes"))
    assert stack_settings(project, "utils").settings.users["random_user"].tags == {
        "name": "random",
        "flag": "on",
        "ok": "yes",
    }


def test_a_top_level_value_written_as_json_text_is_read_as_the_program_reads_it(project: Path) -> None:
    # What `pulumi config set cross-account-roles:tags '{"team":"platform"}'` stores: a string.
    write_stack(project, WALKTHROUGH + '  cross-account-roles:tags: \'{"team": "platform"}\'\n')
    config = read_engine_config(project, "utils")
    assert config.values["cross-account-roles:tags"] == '{"team": "platform"}'
    assert stack_settings(project, "utils").settings.tags == {"team": "platform"}


def test_project_config_fills_keys_the_stack_leaves_out(project: Path) -> None:
    (project / "Pulumi.yaml").write_text(
        PROJECT_FILE + '  cross-account-roles:tags:\n    value:\n      team: platform\n      cost-center: "0042"\n',
        encoding="utf-8",
    )
    write_stack(project, WALKTHROUGH)
    assert read_engine_config(project, "utils").values["cross-account-roles:tags"] == '{"cost-center":"0042","team":"platform"}'
    plan = run_program("utils", read_engine_config(project, "utils"), program_path=project / "__main__.py")
    assert one(plan, "aws:iam/role:Role", "s3-list-role").inputs["tags"] == {"cost-center": "0042", "team": "platform"}


def test_a_stack_value_replaces_the_project_value_of_the_same_key(project: Path) -> None:
    # pkg/workspace/config.go mergeConfig: the project value applies only when the stack lacks the key.
    (project / "Pulumi.yaml").write_text(
        PROJECT_FILE + "  cross-account-roles:tags:\n    value: {team: platform, a: b}\n",
        encoding="utf-8",
    )
    write_stack(project, WALKTHROUGH + "  cross-account-roles:tags:\n    team: security\n")
    assert stack_settings(project, "utils").settings.tags == {"team": "security"}


def test_a_project_value_without_namespace_is_the_projects_and_default_works_like_value(project: Path) -> None:
    (project / "Pulumi.yaml").write_text(PROJECT_FILE + "  tags:\n    default: {team: platform}\n", encoding="utf-8")
    write_stack(project, WALKTHROUGH)
    assert stack_settings(project, "utils").settings.tags == {"team": "platform"}


def test_other_namespaces_are_left_to_the_engine(project: Path) -> None:
    write_stack(project, WALKTHROUGH + "  aws:region: eu-north-1\n  pulumi:tags: {a: b}\n")
    assert "aws:region" not in read_engine_config(project, "utils").values


def test_brackets_inside_quoted_text_and_comments_are_text(project: Path) -> None:
    many = "[" * 100 + "{" * 100
    text = WALKTHROUGH.replace("Lists the S3", f"'it''s {many}' # {many}\n      # Lists the S3")
    write_stack(project, text.replace("profile: prod", 'profile: "\\" ' + many + '"'))
    loaded = stack_settings(project, "utils")
    assert loaded.settings.roles["s3-list-role"].description == f"it's {many}"
    assert loaded.settings.target.profile == '" ' + many


def test_a_large_file_is_refused_before_it_is_parsed(project: Path) -> None:
    text = WALKTHROUGH + "#" * (1 << 20)
    write_stack(project, text)
    size = f"{len(text.encode('utf-8')):,}"
    with pytest.raises(
        SettingsError, match=rf"Pulumi\.utils\.yaml: {size} bytes; expected a stack file of at most 1,048,576 bytes"
    ):
        read_engine_config(project, "utils")


# --- secrets ------------------------------------------------------------------------------------


def secret_external_id_stack(project: Path) -> None:
    write_stack(
        project,
        WALKTHROUGH.replace("      checks:", f"      externalId:\n        secure: {SECURE['secure']}\n      checks:"),
    )


def test_a_secure_external_id_is_never_decrypted_offline_and_the_plan_shows_secret(project: Path) -> None:
    secret_external_id_stack(project)
    config = read_engine_config(project, "utils")
    assert config.secret_keys == {"cross-account-roles:roles"}
    assert '"externalId":{"secure":"v1:' in config.values["cross-account-roles:roles"]
    loaded = stack_settings(project, "utils")
    assert loaded.secret_paths == {("roles", "s3-list-role", "externalId")}
    assert loaded.settings.roles["s3-list-role"].external_id == UNDECRYPTED

    plan = run_program("utils", config, program_path=project / "__main__.py")
    assert one(plan, "aws:iam/role:Role", "s3-list-role").inputs["assumeRolePolicy"] == "[secret]"
    assert plan.outputs["roles"]["s3-list-role"]["access"] == "[secret]"
    assert plan.outputs["roles"]["s3-list-role"]["arn"] == f"arn:aws:iam::{TARGET}:role/s3-list-role"


def test_under_the_engine_the_decrypted_external_id_is_used_and_every_output_holding_it_is_secret() -> None:
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"]["externalId"] = "partner-7f3a9"
    # The engine decrypts in place and marks the whole top-level key secret.
    config = engine_config_of(raw, secret_keys={"cross-account-roles:roles"})
    run = run_program("utils", config)
    role = one(run, "aws:iam/role:Role", "s3-list-role")
    assert role.inputs["assumeRolePolicy"] == "[secret]"
    assert '"sts:ExternalId":"partner-7f3a9"' in role.state["assumeRolePolicy"]  # what AWS receives
    assert run.outputs["roles"]["s3-list-role"]["access"] == "[secret]"
    assert "partner-7f3a9" not in json.dumps(run.outputs)
    assert "partner-7f3a9" not in json.dumps([r.inputs for r in run.registrations])


def test_a_plain_external_id_stays_plain() -> None:
    raw = walkthrough_settings()
    raw["roles"]["s3-list-role"]["externalId"] = "partner-7f3a9"
    run = run_program("utils", raw)
    assert '"sts:ExternalId":"partner-7f3a9"' in one(run, "aws:iam/role:Role", "s3-list-role").inputs["assumeRolePolicy"]


def test_under_the_engine_a_secret_key_that_may_not_be_secret_is_refused() -> None:
    config = engine_config_of(walkthrough_settings(), secret_keys={"cross-account-roles:source"})
    with pytest.raises(SettingsError, match=r"cross-account-roles:source: a secret value; this setting may not be secret"):
        decode_engine_config(config)


def test_under_the_engine_secret_roles_without_an_external_id_are_refused() -> None:
    config = engine_config_of(walkthrough_settings(), secret_keys={"cross-account-roles:roles"})
    with pytest.raises(SettingsError, match=r"cross-account-roles:roles: a secret value, but no role sets externalId"):
        decode_engine_config(config)


def test_the_program_reads_the_engines_secret_keys() -> None:
    def read() -> EngineConfig:
        runtime_config.set_all_config({"cross-account-roles:roles": "{}", "aws:region": "x"}, ["cross-account-roles:roles"])
        return engine_config()

    config = contextvars.Context().run(read)
    assert config == EngineConfig(
        values={"cross-account-roles:roles": "{}"}, secret_keys=frozenset({"cross-account-roles:roles"})
    )


# --- names the settings imply ------------------------------------------------------------------


def test_trust_sids_are_unique_for_users_whose_names_differ_only_in_punctuation() -> None:
    sids = unique_sids("Trust", ["a_b", "a-b", "random_user"])
    assert sids["random_user"] == "TrustRandomUser"  # a Sid of its own keeps its plain form
    assert sids["a_b"] != sids["a-b"]
    assert sids["a_b"].startswith("TrustAB")
    assert sids["a_b"].isalnum()
    assert sids["a-b"].isalnum()
    assert unique_sids("Trust", ["a-b", "a_b", "random_user"]) == sids  # the same Sid whatever the order


def test_a_trust_policy_for_a_b_and_a_dash_b_has_two_statements_with_distinct_sids() -> None:
    raw = walkthrough_settings()
    raw["users"] = {"a_b": {}, "a-b": {}}
    raw["roles"]["s3-list-role"].update(trustedUsers=["a_b", "a-b"], requireSourceIdentity=True)
    run = run_program("utils", raw)
    trust = json.loads(one(run, "aws:iam/role:Role", "s3-list-role").inputs["assumeRolePolicy"])
    sids = [s["Sid"] for s in trust["Statement"]]
    assert len(set(sids)) == 2
    assert [s["Condition"]["StringEquals"]["sts:SourceIdentity"] for s in trust["Statement"]] == ["a_b", "a-b"]


def test_source_and_target_may_be_one_account_with_every_arn_once() -> None:
    raw = walkthrough_settings()
    raw["target"]["accountId"] = SOURCE
    run = run_program("utils", raw)
    arns = [r.state["arn"] for r in run.registrations if "arn" in r.state]
    assert len(arns) == len(set(arns)) == 5  # user, role and three policies (assume-role, self-service, permissions)
    trust = json.loads(one(run, "aws:iam/role:Role", "s3-list-role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{SOURCE}:user/random_user"}
    providers = [r for r in run.registrations if r.type == "pulumi:providers:aws"]
    assert [p.inputs["allowedAccountIds"] for p in providers] == [[SOURCE], [SOURCE]]


# --- exit codes a pipeline sees -----------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tools", *args], cwd=PROJECT_DIR, capture_output=True, text=True, check=False, timeout=120
    )


def test_check_exits_0_when_clean_1_on_a_guardrail_error_and_2_on_bad_settings(project: Path) -> None:
    write_stack(project, WALKTHROUGH, "clean")
    # two roles-only stacks (no users key) in other target accounts, trusting the people of "clean"
    roles_only = (
        "config:\n"
        "  cross-account-roles:target:\n"
        "    accountId: {account}\n"
        "    region: eu-north-1\n"
        "  cross-account-roles:roles:\n"
        "    {role}:\n"
        "      trustedUsers: [random_user]\n"
        "{extra}"
    )
    admin = "      managedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]\n"
    write_stack(project, roles_only.format(account='"555566667777"', role="admin", extra=admin), "admin")
    codes = {stack: cli("check", "--stack", stack, "--project-dir", str(project)) for stack in ("clean", "admin")}
    assert codes["clean"].returncode == 0, codes["clean"].stderr
    assert codes["admin"].returncode == 1, codes["admin"].stderr
    assert "ADMINISTRATOR_ACCESS" in codes["admin"].stdout
    write_stack(project, roles_only.format(account="777788889999", role="reader", extra=admin), "broken")
    codes = {stack: cli("check", "--stack", stack, "--project-dir", str(project)) for stack in ("clean", "broken")}
    assert codes["broken"].returncode == 2
    assert "cross-account-roles:target.accountId: got 777788889999" in codes["broken"].stderr
    # the people's stack grants the broken stack's roles: it is refused, naming that file, rather than revoking them
    assert codes["clean"].returncode == 2
    assert "Pulumi.broken.yaml: cross-account-roles:target.accountId: got 777788889999" in codes["clean"].stderr


def test_verify_exits_2_when_it_cannot_start(project: Path) -> None:
    write_stack(project, WALKTHROUGH)
    done = cli("verify", "--stack", "utils", "--project-dir", str(project), "--outputs", str(project / "missing.json"))
    assert done.returncode == 2
    assert "outputs file" in done.stderr
    assert "missing.json: not found" in done.stderr


# --- the property: offline reading == the engine's ----------------------------------------------

names = st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{1,12}", fullmatch=True)
tag_text = st.text(alphabet=st.sampled_from("abcXYZ019 _.:/=+-@é"), min_size=1, max_size=8).filter(
    lambda t: not t.lower().startswith("aws:")
)
tricky_text = st.sampled_from(
    ["on", "yes", "no", "off", "null", "~", "true", "0123", "1e3", "2024-01-01", "0x10", "'q'", "#x", "a: b"]
)


@st.composite
def stack_values(draw: st.DrawFn) -> dict[str, Any]:
    users = draw(st.lists(names, min_size=1, max_size=3, unique_by=str.lower))
    roles = draw(st.lists(names, min_size=1, max_size=3, unique_by=str.lower))
    tags = draw(
        st.dictionaries(tag_text, st.one_of(tag_text, tricky_text.filter(lambda t: t not in ("~", "'q'", "#x"))), max_size=3)
    )
    values: dict[str, Any] = {
        "source": {"accountId": SOURCE, "region": "eu-north-1", "profile": "utils"},
        "target": {"accountId": draw(st.sampled_from([TARGET, "012345678901"])), "region": "eu-north-1"},
        "users": {u: {"path": draw(st.sampled_from(["/", "/team/"]))} for u in users},
        "roles": {
            r: {
                "trustedUsers": users,
                "policyFiles": ["role_permissions_policy.json"],
                "requireMfa": draw(st.booleans()),
                "maxSessionDuration": draw(st.sampled_from([3600, 7200.0, 43200])),
                "description": draw(st.one_of(tricky_text, st.text(alphabet="abc xyz", max_size=10))),
            }
            for r in roles
        },
    }
    if {k.lower() for k in tags} and len({k.lower() for k in tags}) == len(tags):
        values["tags"] = tags
    return values


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(values=stack_values())
def test_the_offline_reading_equals_the_engines_reading(values: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    project = tmp_path_factory.mktemp("stack")
    shutil.copytree(PROJECT_DIR / "policies", project / "policies")
    (project / "Pulumi.yaml").write_text(MINIMAL_PROJECT, encoding="utf-8")
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    with (project / "Pulumi.prop.yaml").open("w", encoding="utf-8") as stream:
        yaml.dump({"config": {f"cross-account-roles:{k}": v for k, v in values.items()}}, stream)

    offline = stack_settings(project, "prop")
    # The engine: each value JSON-encoded as Go writes it, handed to the program, decoded there.
    engine = engine_settings("prop", engine_config_of(values), project / "policies")
    assert offline.settings == engine.settings
    assert offline.secret_paths == engine.secret_paths
    assert list(offline.settings.roles) == list(engine.settings.roles)
    assert plan_of(offline) == plan_of(engine)


def test_stack_files_are_read_from_stack_config_dir(project: Path) -> None:
    (project / "Pulumi.yaml").write_text(PROJECT_FILE + "stackConfigDir: stacks\n", encoding="utf-8")
    (project / "stacks").mkdir()
    write_stack(project / "stacks", WALKTHROUGH)
    assert stack_settings(project, "utils").settings.source.account_id == SOURCE
    with pytest.raises(SettingsError, match=r"Pulumi\.prod\.yaml: stack file not found in .*/stacks"):
        read_engine_config(project, "prod")


def test_verify_asks_for_a_secret_external_id_and_never_uses_the_undecrypted_placeholder(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tools.__main__ import main

    secret_external_id_stack(project)
    outputs = PROJECT_DIR / "tests" / "hostile" / "walkthrough-outputs.json"
    args = ["verify", "--stack", "utils", "--project-dir", str(project), "--outputs", str(outputs), "--mfa-token", "123456"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "cross-account-roles:roles.s3-list-role.externalId: a secret (secure:), which verify does not decrypt" in err
    assert "--external-id s3-list-role=" in err
    assert main([*args, "--external-id", "no-such-role=x"]) == 2
    assert "--external-id no-such-role: not a role of this stack" in capsys.readouterr().err


class _Ok:
    status_code = 200


def test_verify_sends_the_given_external_id_and_scrubs_it_from_what_aws_says(project: Path) -> None:
    import boto3
    from botocore.exceptions import ClientError

    from tools.commands import verify

    # Without MFA on either side (the role's requireMfa, the self-service policy's enforceMfa),
    # verify assumes the role with the source session itself (no GetSessionToken).
    write_stack(
        project,
        WALKTHROUGH.replace(
            "      checks:", f"      requireMfa: false\n      externalId:\n        secure: {SECURE['secure']}\n      checks:"
        ).replace(
            "  cross-account-roles:passwordPolicy: {}\n",
            "  cross-account-roles:passwordPolicy: {}\n  cross-account-roles:selfService:\n    enforceMfa: false\n",
        ),
    )
    loaded = stack_settings(project, "utils")
    outputs = verify.read_outputs_file(PROJECT_DIR / "tests" / "hostile" / "walkthrough-outputs.json")
    sent: list[dict[str, Any]] = []

    def request(params: dict[str, Any], **_: Any) -> None:
        sent.append(dict(params))

    def aws(model: Any, **_: Any) -> tuple[_Ok, dict[str, Any]]:  # AWS's answer, without a network
        if model.name == "GetCallerIdentity":
            return _Ok(), {"Arn": f"arn:aws:iam::{SOURCE}:user/random_user", "Account": SOURCE, "UserId": "AIDAEXAMPLE"}
        message = f"refused {sent[-1]['ExternalId']}"
        raise ClientError({"Error": {"Code": "ValidationError", "Message": message}}, model.name)

    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name="eu-north-1")
    session.events.register("before-parameter-build.sts.AssumeRole", request)
    session.events.register("before-call.sts", aws)
    options = verify.Options(external_ids={"s3-list-role": "partner-7f3a9"}, progress=lambda _: None, **fake_clock())
    report = verify.verify_stack(loaded, outputs, session, options)

    assert [p["ExternalId"] for p in sent] == ["partner-7f3a9"]
    assert UNDECRYPTED not in json.dumps(sent)
    text = verify.render_text(report)
    assert "refused [redacted]" in text
    assert "partner-7f3a9" not in text


def _tree(node: Any, seen: dict[int, int] | None = None) -> Any:
    """A node tree as plain data: kind, tag, value or children, style and both marks; a node met
    again (an alias) is its first position, so an alias bomb is not expanded."""
    if node is None:
        return None
    seen = {} if seen is None else seen
    if id(node) in seen:
        return ("again", seen[id(node)])
    seen[id(node)] = len(seen)
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node.value, str):
        return ("scalar", str(node.tag), node.value, node.style, node.anchor, marks)
    if node.value and isinstance(node.value[0], tuple):
        items = [(_tree(k, seen), _tree(v, seen)) for k, v in node.value]
        return ("map", str(node.tag), items, node.flow_style, marks)
    return ("seq", str(node.tag), [_tree(item, seen) for item in node.value], node.flow_style, marks)


REPLAY_TEXTS = [
    "",
    "config:\n  cross-account-roles:users: {alice: {}, bob: {path: /x/}}\n",
    "a: &x [1, 2.5, on, yes, null, ~, true, 0777, 0x1F, 7_200, .inf, 2024-01-01]\nb: *x\nc: !!binary aGk=\n",
    "? [k]\n: v\n<<: {m: 1}\n'q': \"x\\ty\"\nlong: |\n  text\n  more\nfolded: >-\n  a\n  b\n- \n",
    "- &a {x: &b y}\n- *a\n- *b\n- !custom 3\n- !!set {a, b}\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    "a: 1\n---\nb: 2\n",
]


@pytest.mark.parametrize(
    "text",
    REPLAY_TEXTS
    + [
        text
        for data in stack_file_texts() + [p.read_bytes() for p in sorted(FIXTURE_PROJECT.glob("Pulumi*.yaml"))]
        if len(data) < 100_000
        for text in [data.decode("utf-8", "replace").removeprefix("\ufeff")]
        # A `%YAML 1.1` directive changes ruamel's resolution while its scanner is live, and deep
        # nesting overflows the recursive composer: the reader refuses both before composing.
        if "%YAML" not in text and text.count("\n") + text.count("[") + text.count("{") < 1_000
    ],
)
def test_one_parse_composes_the_tree_ruamel_composes(text: str) -> None:
    """The reader parses the text once and composes from those events: the node tree (tags from
    the YAML 1.2 resolver, values, styles, anchors, line/column marks) is the one
    `YAML(typ="safe", pure=True).compose` builds from the text, and a text ruamel refuses is
    refused by both with the same message."""
    from ruamel.yaml.error import YAMLError

    from crossaccount.read import yaml as stack_file

    def ours() -> Any:
        yaml = YAML(typ="safe", pure=True)
        return _tree(stack_file._compose(yaml, list(yaml.parse(text))))

    try:
        expected = ("tree", _tree(YAML(typ="safe", pure=True).compose(text)))
    except YAMLError as exc:
        expected = ("error", str(exc))
    try:
        actual = ("tree", ours())
    except YAMLError as exc:
        actual = ("error", str(exc))
    assert actual == expected
