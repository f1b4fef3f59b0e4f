"""What `pulumi preview --policy-pack policypack` runs: the guardrails as a policy pack.

The rules live in crossaccount/guardrails and are imported, not copied by hand:
- in a checkout of this repository, `crossaccount` is in the folder above this one;
- in a published copy (`python -m tools policypack --out DIR`, what `pulumi policy publish`
  should upload), `crossaccount` is a folder beside this file.
The first that exists goes on the import path.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE if (HERE / "crossaccount").is_dir() else HERE.parent))

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402 (after the path is set)

from policypack.policies import POLICIES  # noqa: E402

PolicyPack(
    name="cross-account-roles-guardrails",
    policies=POLICIES,
    enforcement_level=EnforcementLevel.MANDATORY,
)
