"""docs/outputs.md lists every output there is: its table's paths are exactly the paths of the
real outputs of stacks that, together, use every feature that adds one (the walk-through, a
group, a PGP key and a console password, a permission set, SAML and OIDC providers, a person of
the people's stack reached through a roles-only stack, a role that requires a source identity)."""

from __future__ import annotations

import base64
import re
import warnings
from typing import Any

from tests.conftest import walkthrough_settings
from tools.offline.mocks import run_program
from tools.paths import PROJECT_DIR

TARGET = "444455556666"
PLACEHOLDERS = {
    "users": "<user>",
    "roles": "<role>",
    "groups": "<group>",
    "access": "<user>",
    "permissionSets": "<permissionSet>",
}


def paths(value: Any, prefix: tuple[str, ...] = ()) -> set[str]:
    """Each leaf's path, names replaced by their placeholder; a list is a leaf."""
    if not isinstance(value, dict) or not value:
        return {".".join(prefix)}
    found: set[str] = set()
    for key, child in value.items():
        parent = prefix[-1] if prefix else ""
        step = PLACEHOLDERS[parent] if parent in PLACEHOLDERS and len(prefix) % 2 == 1 else key
        found |= paths(child, (*prefix, step))
    return found


def documented() -> set[str]:
    text = (PROJECT_DIR / "docs" / "outputs.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1] for line in text.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([^`]+)`", row)}


def public_key() -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgpy
        from pgpy.constants import HashAlgorithm, KeyFlags, PubKeyAlgorithm, SymmetricKeyAlgorithm

        key = pgpy.PGPKey.new(PubKeyAlgorithm.RSAEncryptOrSign, 2048)
        key.add_uid(
            pgpy.PGPUID.new("Someone", email="someone@example.com"),
            usage={KeyFlags.Sign, KeyFlags.EncryptCommunications},
            hashes=[HashAlgorithm.SHA256],
            ciphers=[SymmetricKeyAlgorithm.AES256],
        )
        return base64.b64encode(bytes(key.pubkey)).decode()


def everything() -> dict[str, Any]:
    raw = walkthrough_settings()
    raw["users"]["bob"] = {"consoleAccess": True, "pgpKey": public_key()}
    raw["groups"] = {"platform": {"members": ["bob"]}}
    role = raw["roles"]["s3-list-role"]
    raw["roles"]["federated"] = {
        **{k: v for k, v in role.items() if k != "trustedUsers"},
        "trustedUsers": [],
        "trustedGroups": ["platform"],
        "trustedPermissionSets": ["DataEngineers"],
        "ssoRegion": "eu-west-1",
        "ssoStartUrl": "https://acme.awsapps.com/start",
        "trustedSamlProviders": [f"arn:aws:iam::{TARGET}:saml-provider/Okta"],
        "trustedOidcProviders": [
            {
                "arn": f"arn:aws:iam::{TARGET}:oidc-provider/token.actions.githubusercontent.com",
                "audience": "sts.amazonaws.com",
                "subject": "repo:acme/app:ref:refs/heads/main",
            }
        ],
    }
    return raw


def test_docs_outputs_lists_exactly_the_outputs_there_are() -> None:
    outputs = run_program("utils", everything()).outputs
    assert documented() == paths(outputs)
    # bob's first password comes encrypted to his key: his first step says where to find it
    assert (
        "(the stack's output users.bob.encryptedPassword, decrypted with your PGP key)"
        in outputs["users"]["bob"]["dayOne"]["steps"][0]
    )
