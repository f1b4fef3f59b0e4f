"""Driving moto's server from the end-to-end tests.

moto keeps one backend per account id. Set-up calls name the account with moto's
`x-moto-account-id` header; calls signed with an access key land in the account of the key's
user (an assumed role's keys: the role's account). IAM enforcement is moto's
`INITIAL_NO_AUTH_ACTION_COUNT`, changed at run time with `POST /moto-api/reset-auth`: `inf`
lets every call through (set-up), `0` checks every call's signature and policies.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

REGION = "eu-north-1"
SETUP_KEY = ("set-up-key", "set-up-secret")
"""Any key will do while enforcement is off: moto only reads the account header."""


@dataclass(frozen=True)
class MotoServer:
    """A running moto server on loopback."""

    endpoint: str

    def _post(self, path: str, body: bytes) -> None:
        request = urllib.request.Request(self.endpoint + path, data=body, method="POST", headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status != 200:
                raise RuntimeError(f"moto answered {response.status} to POST {path}")

    def reset(self) -> None:
        """Forget every account's resources."""
        self._post("/moto-api/reset", b"")

    def enforce_iam(self) -> None:
        """From now on every call is signed-checked and evaluated against its caller's policies."""
        self._post("/moto-api/reset-auth", b"0")

    def allow_everything(self) -> None:
        """moto's default: no call is checked."""
        self._post("/moto-api/reset-auth", b"inf")

    @contextmanager
    def as_operator(self) -> Iterator[None]:
        """Enforcement off for the block (what an account administrator may do), then on again."""
        self.allow_everything()
        try:
            yield
        finally:
            self.enforce_iam()

    def client(self, service: str, account: str, region: str = REGION) -> Any:
        """A client whose calls land in `account`; for set-up while enforcement is off."""
        client = boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id=SETUP_KEY[0],
            aws_secret_access_key=SETUP_KEY[1],
        )

        def name_account(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account

        client.meta.events.register("before-sign", name_account)
        return client

    def session(self, access_key: tuple[str, str], region: str = REGION) -> boto3.Session:
        """A session signing with a user's access key, as that user would."""
        return boto3.Session(aws_access_key_id=access_key[0], aws_secret_access_key=access_key[1], region_name=region)
