"""The access model (issue 30): who can do what, by AWS's documented evaluation logic, from the
planned documents. Pure: no I/O, no Pulumi; imports only the core's base."""

from .evaluate import evaluate
from .types import Caller, Decision, Policy, PolicyKind, Request, StatementRef, UnsupportedPolicy

__all__ = ["Caller", "Decision", "Policy", "PolicyKind", "Request", "StatementRef", "UnsupportedPolicy", "evaluate"]
