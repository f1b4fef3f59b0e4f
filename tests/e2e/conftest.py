"""Fixtures of the end-to-end tests: one moto server per test session, a fresh deployment per test.

The server runs in this process on 127.0.0.1, on a port the OS picks when it binds (port 0,
read back from the server: no race with other processes for a "free" port). Each test gets
moto reset, the walk-through plan applied with enforcement off (the self-service policy
detached: see `deployed`), access keys made, and then IAM enforcement on; the teardown turns enforcement off again, since the setting is global
to the process.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from crossaccount.pipeline import load_values
from crossaccount.settings.models import LoadedSettings
from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tests.e2e.apply_plan import USER_ATTACHMENT, Created, apply_plan
from tests.e2e.moto_api import MotoServer
from tools.commands.plan import plan_stack
from tools.commands.verify import StackOutputs, parse_outputs
from tools.offline.mocks import PROJECT_DIR, run_program
from tools.render.plan import as_data

STACK = "utils"
TRUSTED = "random_user"
INTRUDER = "intruder"
"""A source-account user outside the stack: no identity policy."""
STRANGER = "stranger"
"""A target-account user: credentials of the wrong account."""
SELF_SERVICE_POLICY = "self-service-credentials-utils"


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per call otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    moto = MotoServer(f"http://{host}:{port}")
    try:
        yield moto
    finally:
        moto.allow_everything()
        server.stop()


@pytest.fixture(scope="session")
def walkthrough_plan(walkthrough_project: Path) -> dict[str, Any]:
    """The offline plan of the tests' walk-through stack: what `make plan FORMAT=json` prints."""
    return as_data(plan_stack(STACK, walkthrough_project))


@dataclass(frozen=True)
class Deployed:
    """The walk-through stack as moto holds it, and the keys made for the test."""

    moto: MotoServer
    plan: dict[str, Any]
    created: list[Created]
    keys: dict[str, tuple[str, str]]
    """User name -> (access key id, secret)."""
    loaded: LoadedSettings
    outputs: StackOutputs
    outputs_file: Path

    def detach(self, account: str, kind: str, name: str, policy_name: str) -> None:
        """What an administrator would do: detach a policy of the plan from a user or role."""
        self._link("detach", account, kind, name, policy_name)

    def attach(self, account: str, kind: str, name: str, policy_name: str) -> None:
        """Attach a policy of the plan again (a change that reaches IAM a little later)."""
        self._link("attach", account, kind, name, policy_name)

    def _link(self, verb: str, account: str, kind: str, name: str, policy_name: str) -> None:
        """`iam.<verb>_<user|role>_policy` for a customer managed policy of `account`."""
        entity = {"user": "UserName", "role": "RoleName"}[kind]
        with self.moto.as_operator():
            iam = self.moto.client("iam", account)
            getattr(iam, f"{verb}_{kind}_policy")(**{entity: name, "PolicyArn": f"arn:aws:iam::{account}:policy/{policy_name}"})


MOTO_SESSION_KEY = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY")
"""What moto's GetSessionToken answers, whoever calls it (moto/sts/responses.py): AWS's documentation key."""


def _session_token_key_for(user: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a session from moto's GetSessionToken act as `user`, as in AWS (where it is the caller's).

    moto answers GetSessionToken with one fixed key that belongs to nobody, and refuses a user's
    key that comes with a session token. The server runs in this process, so: the fixed key
    becomes a key of `user` in moto's IAM backend, and moto's check of that one key ignores the
    token. AWS also requires no permission for GetSessionToken; moto's enforcement does, so the
    user gets it here. Nothing else of moto's behaviour changes.
    """
    from moto.iam import access_control
    from moto.iam.models import iam_backends

    backend = iam_backends[SOURCE]["aws"]
    key = backend.create_access_key(user)
    del backend.access_keys[key.access_key_id]
    key.access_key_id, key.secret_access_key = MOTO_SESSION_KEY
    backend.access_keys[key.access_key_id] = key
    backend.put_user_policy(
        user,
        "moto-needs-this-for-get-session-token",
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetSessionToken","Resource":"*"}]}',
    )
    original = access_control.IAMUserAccessKey.__init__

    def accept_the_session(self: Any, account_id: str, partition: str, access_key_id: str, headers: dict[str, str]) -> None:
        if access_key_id == MOTO_SESSION_KEY[0]:
            headers = {k: v for k, v in headers.items() if k != "X-Amz-Security-Token"}
        original(self, account_id, partition, access_key_id, headers)

    monkeypatch.setattr(access_control.IAMUserAccessKey, "__init__", accept_the_session)


def _access_key(moto: MotoServer, account: str, user: str, create_user: bool) -> tuple[str, str]:
    iam = moto.client("iam", account)
    if create_user:
        iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return str(key["AccessKeyId"]), str(key["SecretAccessKey"])


def _deploy(
    moto_server: MotoServer, plan: dict[str, Any], raw: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Deployed:
    """Reset moto, create `plan` in it, make the test's keys, then turn IAM enforcement on."""
    moto_server.allow_everything()
    moto_server.reset()
    created = apply_plan(plan, moto_server.client)
    # moto evaluates no condition but StringEquals and treats the others as met, so the
    # self-service policy's Deny (BoolIfExists aws:MultiFactorAuthPresent "false") applies to
    # every request: in moto, a user with it is a user who never signed in with MFA. These
    # tests play users after MFA sign-in, so the policy is detached here;
    # test_self_service_against_moto.py attaches it again and proves the side without MFA.
    for r in plan["resources"]:
        if r["type"] == USER_ATTACHMENT and ":policy/self-service-credentials-" in r["inputs"]["policyArn"]:
            moto_server.client("iam", SOURCE).detach_user_policy(UserName=r["inputs"]["user"], PolicyArn=r["inputs"]["policyArn"])
    keys = {
        TRUSTED: _access_key(moto_server, SOURCE, TRUSTED, create_user=False),
        INTRUDER: _access_key(moto_server, SOURCE, INTRUDER, create_user=True),
        STRANGER: _access_key(moto_server, TARGET, STRANGER, create_user=True),
    }
    _session_token_key_for(TRUSTED, monkeypatch)
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(plan["outputs"], indent=2), encoding="utf-8")
    moto_server.enforce_iam()
    return Deployed(
        moto=moto_server,
        plan=plan,
        created=created,
        keys=keys,
        loaded=load_values(STACK, raw, PROJECT_DIR / "policies"),
        outputs=parse_outputs(plan["outputs"], "the plan's outputs"),
        outputs_file=outputs_file,
    )


@pytest.fixture
def deployed(
    moto_server: MotoServer, walkthrough_plan: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Deployed]:
    try:
        yield _deploy(moto_server, walkthrough_plan, walkthrough_settings(), tmp_path, monkeypatch)
    finally:
        moto_server.allow_everything()


@pytest.fixture
def deploy(
    moto_server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[dict[str, Any]], Deployed]]:
    """Deploy the program's plan for other settings of the walk-through stack."""

    def _deploy_settings(raw: dict[str, Any]) -> Deployed:
        return _deploy(moto_server, as_data(run_program(STACK, raw)), raw, tmp_path, monkeypatch)

    try:
        yield _deploy_settings
    finally:
        moto_server.allow_everything()
