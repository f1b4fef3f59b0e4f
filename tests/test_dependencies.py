"""What the program needs at run time is apart from what developing it needs.

Invariant: requirements.txt (the runtime set, all the engine's venv needs) and requirements-dev.txt
(tests, linters, the tools the tests compare against) are both fully pinned and do not overlap;
the program under the engine's mocks, `plan`, `check` and `verify` import no module of a
development-only distribution and open no file of one (the AWS managed policies come from
crossaccount/data, never from moto's copy); and the committed copy of the AWS managed policies
is what `python -m tools managed-policies` writes, from IAM's own API.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.stub import Stubber

from crossaccount.guardrails.managed import aws_managed_policies
from crossaccount.read.data_files import MANAGED_POLICIES_FILE as DATA_FILE
from tests.conftest import FIXTURE_PROJECT, copy_program, walkthrough_settings
from tools.commands import managed_policies
from tools.paths import PROJECT_DIR

PIN = re.compile(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?==(\S+)$")


def pins(name: str) -> dict[str, str]:
    """Distribution (normalised) -> version, of a requirements file; every line a pin, a comment or `-r`."""
    found: dict[str, str] = {}
    for line in (PROJECT_DIR / name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line == "-r requirements.txt":
            continue
        match = PIN.match(line)
        assert match, f"{name}: {line!r} is not pinned with =="
        found[normalise(match.group(1))] = match.group(3)
    return found


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def dev_only() -> set[str]:
    return set(pins("requirements-dev.txt")) - set(pins("requirements.txt"))


def test_both_sets_are_pinned_and_apart_and_the_tools_are_development_only() -> None:
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert set(runtime) & set(dev) == set()
    assert {"pulumi", "pulumi-aws", "pydantic", "ruamel-yaml", "boto3", "policy-sentry", "orjson", "pgpy"} <= set(runtime)
    assert {"pytest", "pytest-xdist", "hypothesis", "mypy", "ruff", "zizmor", "moto", "cloudsplaining"} <= set(dev)


def test_the_installed_venv_holds_exactly_the_pinned_versions() -> None:
    wanted = {**pins("requirements.txt"), **pins("requirements-dev.txt")}
    installed = {normalise(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}
    assert {n: installed.get(n) for n in wanted} == wanted


PROBE = """
import json, runpy, sys
opened = set()
def audit(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        opened.add(args[0] if isinstance(args[0], str) else args[0].decode("utf-8", "replace"))
sys.addaudithook(audit)
sys.argv = ["tools", *json.loads(sys.argv[1])]
code = None
try:
    runpy.run_module("tools", run_name="__main__", alter_sys=True)
except SystemExit as exit:
    code = exit.code
with open(OUT, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules), "opened": sorted(opened)}, f)
"""


def _files_of(distribution: str) -> tuple[set[str], set[str]]:
    """The top-level modules a distribution installs, and the paths of its files (its RECORD)."""
    dist = importlib.metadata.distribution(distribution)
    tops = set((dist.read_text("top_level.txt") or "").split())
    paths: set[str] = set()
    for file in dist.files or []:
        parts = Path(str(file)).parts
        if parts and parts[0].endswith(".dist-info"):
            continue  # its metadata: read by whatever lists the installed entry points (pydantic's plugins do)
        if parts and parts[0] not in ("..", "__pycache__") and not parts[0].endswith(".data"):
            tops.add(parts[0].removesuffix(".py"))
        paths.add(str(Path(str(dist.locate_file(file))).resolve()))
    return tops, paths


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The walk-through with an AWS managed policy attached, so the guardrails read their copy of them."""
    home = copy_program(tmp_path_factory.mktemp("runtime"), FIXTURE_PROJECT / "Pulumi.yaml")
    settings = walkthrough_settings()
    settings["roles"]["s3-list-role"]["managedPolicyArns"] = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    config = {f"cross-account-roles:{k}": v for k, v in settings.items()}
    (home / "Pulumi.utils.yaml").write_text(yaml.safe_dump({"config": config}), encoding="utf-8")
    return home


@pytest.mark.parametrize(
    "argv",
    [["plan", "--format", "json"], ["check"], ["verify", "--outputs", "missing.json", "--wait", "0"]],
    ids=["plan (the program under the mocks)", "check", "verify"],
)
def test_the_program_and_its_commands_use_nothing_of_the_development_set(argv: list[str], project: Path, tmp_path: Path) -> None:
    out = tmp_path / "probe.json"
    script = PROBE.replace("OUT", repr(str(out)))
    args = [*argv[:1], "--stack", "utils", "--project-dir", str(project), *argv[1:]]
    subprocess.run(
        [sys.executable, "-c", script, json.dumps(args)], cwd=PROJECT_DIR, capture_output=True, check=False, timeout=300
    )
    seen = json.loads(out.read_text(encoding="utf-8"))
    if argv[0] == "plan":
        assert seen["code"] in (0, None)
        assert str(DATA_FILE) in seen["opened"]  # the managed policies come from crossaccount/data
    modules = {m.split(".")[0] for m in seen["modules"]}
    for distribution in sorted(dev_only()):
        tops, files = _files_of(distribution)
        assert sorted(modules & tops) == [], f"{argv[0]} imports {distribution}, which only requirements-dev.txt pins"
        assert [p for p in seen["opened"] if str(Path(p).resolve()) in files] == [], (
            f"{argv[0]} reads files of {distribution}, which only requirements-dev.txt pins"
        )


def test_the_committed_copy_of_the_managed_policies_says_where_and_when_it_was_taken() -> None:
    about = json.loads(DATA_FILE.read_text(encoding="utf-8"))["about"]
    policies = aws_managed_policies()
    assert about["policies"] == len(policies) > 1000
    assert datetime.date.fromisoformat(about["retrieved"])
    assert about["newest"] == max(p["UpdateDate"] for p in policies.values())
    admin = policies["AdministratorAccess"]
    assert admin["Arn"] == "arn:aws:iam::aws:policy/AdministratorAccess"
    assert admin["Document"]["Statement"] == [{"Effect": "Allow", "Action": "*", "Resource": "*"}]


def _policy(name: str, version: str, updated: datetime.datetime) -> dict[str, Any]:
    return {
        "PolicyName": name,
        "PolicyId": "ANPA" + "X" * 17,
        "Arn": f"arn:aws:iam::aws:policy/job-function/{name}",
        "Path": "/job-function/",
        "DefaultVersionId": version,
        "AttachmentCount": 0,
        "IsAttachable": True,
        "CreateDate": updated,
        "UpdateDate": updated,
    }


def test_the_refresh_reads_every_page_and_each_default_version_and_writes_one_policy_a_line(tmp_path: Path) -> None:
    iam = boto3.client("iam", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    updated = datetime.datetime(2026, 9, 30, 22, 47, 8, tzinfo=datetime.UTC)
    view = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}]}
    support = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "support:*", "Resource": "*"}]}
    with Stubber(iam) as stub:
        stub.add_response(
            "list_policies",
            {"Policies": [_policy("ViewOnlyAccess", "v19", updated)], "IsTruncated": True, "Marker": "m1"},
            {"Scope": "AWS"},
        )
        stub.add_response(
            "get_policy_version",
            {"PolicyVersion": {"Document": json.dumps(view), "VersionId": "v19", "IsDefaultVersion": True}},
            {"PolicyArn": "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", "VersionId": "v19"},
        )
        stub.add_response(
            "list_policies",
            {"Policies": [_policy("SupportUser", "v8", updated - datetime.timedelta(days=400))], "IsTruncated": False},
            {"Scope": "AWS", "Marker": "m1"},
        )
        stub.add_response(
            "get_policy_version",
            {"PolicyVersion": {"Document": json.dumps(support), "VersionId": "v8", "IsDefaultVersion": True}},
            {"PolicyArn": "arn:aws:iam::aws:policy/job-function/SupportUser", "VersionId": "v8"},
        )
        fetched = managed_policies.fetch(iam)
        stub.assert_no_pending_responses()
    out = tmp_path / "managed.json"
    managed_policies.write(out, fetched, "IAM at AWS", "2026-12-07")
    text = out.read_text(encoding="utf-8")
    assert text.splitlines() == [
        "{",
        '"about": {"newest": "2026-09-30T22:47:08Z", "policies": 2, "retrieved": "2026-12-07", "schema": 1, "source": "IAM at AWS"},',
        '"policies": {',
        '"SupportUser": {"Arn":"arn:aws:iam::aws:policy/job-function/SupportUser","DefaultVersionId":"v8",'
        '"Document":{"Statement":[{"Action":"support:*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"},'
        '"Path":"/job-function/","UpdateDate":"2025-08-26T22:47:08Z"},',
        '"ViewOnlyAccess": {"Arn":"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess","DefaultVersionId":"v19",'
        '"Document":{"Statement":[{"Action":["ec2:Describe*"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"},'
        '"Path":"/job-function/","UpdateDate":"2026-09-30T22:47:08Z"}',
        "}}",
    ]
    assert json.loads(text)["policies"]["ViewOnlyAccess"]["Document"] == view
