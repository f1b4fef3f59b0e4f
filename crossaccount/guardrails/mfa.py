"""MFA that AWS requires though the role's own setting says it does not.

A role with `requireMfa: false` trusted by a user whose self-service policy enforces MFA
(`selfService.enforceMfa: true`, the default): the policy's `DenyAllExceptListedIfNoMFA` denies
every call but enrolment without MFA, AssumeRole included, so AWS refuses that user without MFA
whatever the trust policy says (both sides must allow a cross-account AssumeRole: IAM User Guide,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
The access is safe, but the setting misleads a reviewer; the finding names both settings. Only
the program and `make check` see both stacks' settings, so the policy pack does not apply it.
"""

from __future__ import annotations

from collections.abc import Iterator

from .model import WARNING, Entity, entity_rule


@entity_rule(
    "MFA_REQUIRED_BY_SELF_SERVICE",
    WARNING,
    "a role with `requireMfa: false` trusted by users whose self-service policy (`selfService.enforceMfa`) "
    "requires MFA all the same",
    pack="none",
)
def mfa_required_by_self_service(entity: Entity) -> Iterator[tuple[str, str]]:
    if entity.kind != "role" or not entity.mfa_required_by_identity:
        return
    users = ", ".join(entity.mfa_required_by_identity)
    yield (
        entity.at("requireMfa"),
        f"requireMfa is false, but the self-service policy of {users} has selfService.enforceMfa: true, whose Deny "
        "refuses every call without MFA but enrolment, AssumeRole included: AWS requires MFA of them for this role. "
        "Set requireMfa: true to say what AWS does, or selfService.enforceMfa: false in the stack that creates them; "
        "or waive MFA_REQUIRED_BY_SELF_SERVICE with the reason",
    )
