"""What `pulumi preview --policy-pack policypack` runs: the guardrails as a policy pack.

The rules live in crossaccount/guardrails, next to this folder, and are imported, not
copied: the folder above is put on the import path. The pack therefore runs from a
checkout of this repository (`--policy-pack policypack`); to publish it with
`pulumi policy publish`, the crossaccount package would have to be vendored into it first.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root: crossaccount, policypack

from pulumi_policy import EnforcementLevel, PolicyPack

from policypack.policies import POLICIES

PolicyPack(
    name="cross-account-roles-guardrails",
    policies=POLICIES,
    enforcement_level=EnforcementLevel.MANDATORY,
)
