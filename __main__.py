"""cross-account-roles: users in a source account that assume roles in a target account.

Thin on purpose: read the stack's settings, build the component, export its outputs.
"""

from pathlib import Path

import pulumi

from components.cross_account_access import CrossAccountAccess, CrossAccountAccessArgs
from components.stack_config import load_from_pulumi_config

plan = load_from_pulumi_config(Path(__file__).resolve().parent / "policies")
access = CrossAccountAccess("access", CrossAccountAccessArgs(plan=plan))
for name, value in access.outputs.items():
    pulumi.export(name, value)
