"""One run of `verify`: its options (with injectable clock, sleep and prompt) and what it keeps (secrets to scrub)."""

from __future__ import annotations

import getpass
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError

from crossaccount.plan.route import AssumeRoute
from crossaccount.settings.models import LoadedSettings

from .aws_config import client_problem
from .checks import Call
from .common import DEFAULT_WAIT_SECONDS, VerifyError
from .outputs import StackOutputs
from .report import redact


def _stderr_line(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Options:
    """How verify talks to AWS and waits; the functions are injectable so tests do not wait."""

    endpoint_url: str | None = None
    """Send every call there (moto, LocalStack); AWS_ENDPOINT_URL works too, natively in boto3."""
    mfa_token: str | None = None
    roles: tuple[str, ...] = ()
    """Verify only these roles (default: all)."""
    wait_seconds: float = DEFAULT_WAIT_SECONDS
    interactive: bool = False
    """May verify prompt for an MFA code (stdin is a terminal)?"""
    prompt: Callable[[str], str] = getpass.getpass
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    progress: Callable[[str], None] = _stderr_line
    external_ids: Mapping[str, str] = field(default_factory=dict)
    """Role -> its externalId, for roles whose externalId is a secret (`secure:`), which verify never decrypts."""


@dataclass
class _Run:
    loaded: LoadedSettings
    outputs: StackOutputs
    calls: Mapping[str, tuple[Call, ...]]
    options: Options
    routes: Mapping[str, Mapping[str, AssumeRoute]] = field(default_factory=dict)
    """role -> user -> the route the stack's outputs give that person (`crossaccount.plan.route`)."""
    secrets: list[str] = field(default_factory=list)
    temporary: bool = False
    """The source credentials carry a session token (GetSessionToken cannot be called with them)."""

    def client(self, session: boto3.Session, service: str, region: str) -> Any:
        """A `service` client; `VerifyError` naming the setting that stops botocore from making it."""
        config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=10, read_timeout=60)
        try:
            return session.client(service, region_name=region, endpoint_url=self.options.endpoint_url, config=config)
        except BotoCoreError as exc:
            raise VerifyError(self.scrub(client_problem(service, exc))) from None
        except ValueError as exc:
            if not str(exc).startswith("Invalid endpoint"):  # botocore/endpoint.py's message
                raise
            raise VerifyError(self.scrub(client_problem(service, exc))) from None

    def keep_secret(self, *values: str | None) -> None:
        self.secrets += [v for v in values if v]

    def scrub(self, text: str) -> str:
        return redact(text, self.secrets)
