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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from crossaccount.settings import LoadedSettings, load_settings
from tests.conftest import SOURCE, TARGET, walkthrough_settings
from tests.e2e.apply_plan import Created, apply_plan
from tests.e2e.moto_api import MotoServer
from tools.mocks import PROJECT_DIR
from tools.plan import as_data, plan_stack
from tools.verify import StackOutputs, parse_outputs

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
def walkthrough_plan() -> dict[str, Any]:
    """The offline plan of Pulumi.utils.yaml: what `make plan FORMAT=json` prints."""
    return as_data(plan_stack(STACK))


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


def _access_key(moto: MotoServer, account: str, user: str, create_user: bool) -> tuple[str, str]:
    iam = moto.client("iam", account)
    if create_user:
        iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return str(key["AccessKeyId"]), str(key["SecretAccessKey"])


@pytest.fixture
def deployed(moto_server: MotoServer, walkthrough_plan: dict[str, Any], tmp_path: Path) -> Iterator[Deployed]:
    moto_server.allow_everything()
    moto_server.reset()
    created = apply_plan(walkthrough_plan, moto_server.client)
    # moto evaluates no condition but StringEquals and treats the others as met, so the
    # self-service policy's Deny (BoolIfExists aws:MultiFactorAuthPresent "false") applies to
    # every request: in moto, random_user is a user who never signed in with MFA. These
    # tests play the user after MFA sign-in, so the policy is detached here;
    # test_self_service_against_moto.py attaches it again and proves the side without MFA.
    moto_server.client("iam", SOURCE).detach_user_policy(
        UserName=TRUSTED, PolicyArn=f"arn:aws:iam::{SOURCE}:policy/{SELF_SERVICE_POLICY}"
    )
    keys = {
        TRUSTED: _access_key(moto_server, SOURCE, TRUSTED, create_user=False),
        INTRUDER: _access_key(moto_server, SOURCE, INTRUDER, create_user=True),
        STRANGER: _access_key(moto_server, TARGET, STRANGER, create_user=True),
    }
    outputs_file = tmp_path / "outputs.json"
    outputs_file.write_text(json.dumps(walkthrough_plan["outputs"], indent=2), encoding="utf-8")
    moto_server.enforce_iam()
    try:
        yield Deployed(
            moto=moto_server,
            plan=walkthrough_plan,
            created=created,
            keys=keys,
            loaded=load_settings(STACK, walkthrough_settings(), PROJECT_DIR / "policies"),
            outputs=parse_outputs(walkthrough_plan["outputs"], "the plan's outputs"),
            outputs_file=outputs_file,
        )
    finally:
        moto_server.allow_everything()
