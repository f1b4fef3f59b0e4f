"""What every part of `verify` shares: its limits, and the error that stops it before a check runs."""

from __future__ import annotations

from typing import TypeVar

FORMATS = ("text", "json")
DEFAULT_WAIT_SECONDS = 60.0
MAX_WAIT_SECONDS = 3600
"""An hour: IAM propagates in seconds to minutes; a longer --wait is a typo (and nan or inf would never end)."""
FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 16.0
US_EAST_1 = "us-east-1"
"""The one region where S3's CreateBucket takes no LocationConstraint."""
ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"})
"""What AWS services answer when a policy does not allow a call (S3/IAM/STS, JSON APIs, EC2, SNS)."""
RETRYABLE_ASSUME_CODES = frozenset({"AccessDenied", "InvalidClientTokenId"})
"""What a new role, trust policy or access key answers until IAM has propagated it."""
MFA_REFUSED_MARKER = "MultiFactorAuthentication"
"""STS's message for a wrong or expired MFA code: retrying the same code cannot help."""
MAX_OUTPUTS_BYTES = 16 << 20
MAX_OUTPUTS_DEPTH = 16
"""The outputs nest 4 deep (users, a user, its roles, a role); other outputs a stack may add are ignored but bounded too."""
OUTPUTS_EXPECTED = "expected the JSON that `pulumi stack output --json` prints (sourceAccountId, targetAccountId, users, roles)"
REDACTED = "[redacted]"

T = TypeVar("T")


class VerifyError(Exception):
    """Verify could not start or go on: bad outputs, options or credentials (exit 2)."""
