"""Plan: settings in, every name, ARN and document out (`build_stack_plan`), and the stack's
outputs (`stack_outputs`). Pure and total: the same settings give the same bytes, and what the
settings alone could not see is returned in `StackPlan.problems`, never raised.
"""

from __future__ import annotations

from .build import build_stack_plan
from .model import (
    AccessPlan,
    AssumePolicyPlan,
    FederatedAccessPlan,
    GroupPlan,
    LoginProfilePlan,
    PermissionPolicyPlan,
    PermissionSetAccessPlan,
    RolePlan,
    SelfServicePlan,
    StackPlan,
    UserPlan,
)
from .outputs import stack_outputs

__all__ = [
    "AccessPlan",
    "AssumePolicyPlan",
    "FederatedAccessPlan",
    "GroupPlan",
    "LoginProfilePlan",
    "PermissionPolicyPlan",
    "PermissionSetAccessPlan",
    "RolePlan",
    "SelfServicePlan",
    "StackPlan",
    "UserPlan",
    "build_stack_plan",
    "stack_outputs",
]
