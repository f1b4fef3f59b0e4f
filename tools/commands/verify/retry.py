"""Retrying while IAM propagates: exponential backoff within a deadline, and which errors are worth it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import (
    ClientError,
)

from .common import ACCESS_DENIED_CODES, FIRST_DELAY_SECONDS, MAX_DELAY_SECONDS, MFA_REFUSED_MARKER, RETRYABLE_ASSUME_CODES, T
from .report import error_code, error_message

# --- retrying while IAM propagates -------------------------------------------------------


@dataclass(frozen=True)
class Retried:
    """The last error of a call that never succeeded, and how long verify tried."""

    error: ClientError
    attempts: int
    elapsed: float


def with_backoff(
    call: Callable[[], T],
    *,
    what: str,
    retryable: Callable[[ClientError], bool],
    wait_seconds: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    progress: Callable[[str], None],
) -> tuple[T | Retried, int]:
    """Call until it succeeds, a non-retryable error is raised, or `wait_seconds` have passed.

    Sleeps 1, 2, 4, 8, 16, 16 ... seconds (never past the deadline) and reports each wait
    through `progress`. Returns (result or `Retried`, attempts).
    """
    start = clock()
    delay = FIRST_DELAY_SECONDS
    attempt = 0
    while True:
        attempt += 1
        try:
            return call(), attempt
        except ClientError as error:
            if not retryable(error):
                raise
            elapsed = clock() - start
            remaining = wait_seconds - elapsed
            if not remaining > 0:  # a NaN deadline ends too (wait_seconds refuses one; this never loops on it)
                return Retried(error, attempt, elapsed), attempt
            pause = min(delay, remaining)
            progress(
                f"waiting for IAM: {what} answered {error_code(error)} (attempt {attempt}); "
                f"retrying in {pause:g} s ({elapsed:.0f} of {wait_seconds:g} s spent)"
            )
            sleep(pause)
            delay = min(delay * 2, MAX_DELAY_SECONDS)


def _allow_retryable(error: ClientError) -> bool:
    return error_code(error) in ACCESS_DENIED_CODES


def _never(_: ClientError) -> bool:
    return False


def _assume_retryable(error: ClientError) -> bool:
    return error_code(error) in RETRYABLE_ASSUME_CODES and MFA_REFUSED_MARKER not in error_message(error)
