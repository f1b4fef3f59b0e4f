"""A user's `pgpKey`, judged the way the AWS provider will use it.

The provider (terraform-provider-aws, internal/vault/helper/pgpkeys/encrypt_decrypt.go) decodes
the base64 (`base64.StdEncoding`, which skips newlines), reads one entity with
`openpgp.ReadEntity` and encrypts with `openpgp.Encrypt`, both of ProtonMail/go-crypto. Encrypt
takes the entity's `EncryptionKey(now)` (openpgp/keys.go), which finds none, and the password
cannot be encrypted, when the primary key is revoked or expired, or its user id is revoked;
else it takes the newest subkey whose binding signature flags encryption of communications,
whose algorithm can encrypt (RSA, ElGamal, ECDH, X25519, X448: `PublicKeyAlgorithm.CanEncrypt`),
and that is neither expired nor revoked; else the primary key if its self-signature flags
encryption and its algorithm can. A DSA key with an ElGamal subkey is therefore a valid key
(pgpy, which reads the key here, cannot encrypt to ElGamal itself: it is not asked to).
"""

from __future__ import annotations

import base64
import binascii
import re
import warnings
from datetime import UTC, datetime
from typing import Any

from crossaccount.errors import show

KEYBASE_RE = re.compile(r"^keybase:[A-Za-z0-9_]{2,16}\Z", re.ASCII)
EXPECTED = "expected the base64 of a binary OpenPGP public key (gpg --export <key id> | base64 -w0) or keybase:<user name>"
CAN_ENCRYPT = {1: "RSA", 2: "RSA (encrypt only)", 16: "ElGamal", 18: "ECDH", 25: "X25519", 26: "X448"}
"""go-crypto's `PublicKeyAlgorithm.CanEncrypt`, by OpenPGP algorithm id (RFC 9580 section 9.1)."""
PGPY_ENCRYPTS = {1, 2, 18}
"""The algorithms pgpy can encrypt to: for these, a trial encryption also proves the key material."""
PACKET_NAMES = {
    1: "an encrypted session key",
    2: "a signature",
    7: "a secret subkey",
    8: "compressed data",
    11: "literal data",
    13: "a user id",
    14: "a public subkey",
}
SECRET_KEY_TAG, PUBLIC_KEY_TAG = 5, 6
KEY_REVOCATION, SUBKEY_BINDING, SUBKEY_REVOCATION, CERT_REVOCATION = 0x20, 0x18, 0x28, 0x30
ENCRYPT_COMMUNICATIONS = 4
PROVIDER = "the provider's OpenPGP library (ProtonMail/go-crypto) refuses to encrypt to it"


def first_packet_tag(data: bytes) -> int | None:
    """The tag of the first OpenPGP packet (RFC 9580 section 4.2), or None if it is no packet header."""
    if not data or not data[0] & 0x80:
        return None
    return data[0] & 0x3F if data[0] & 0x40 else (data[0] >> 2) & 0x0F


def pgp_key_problem(value: str) -> str | None:  # noqa: PLR0911 (one return per way a key can be wrong)
    """Why the AWS provider could not encrypt a password to `value`, or None."""
    if value.startswith("keybase:"):  # fetched from keybase.io at `up`: only its form is checked offline
        return (
            None if KEYBASE_RE.match(value) else f"got {show(value)}; expected keybase:<user name> (2 to 16 letters, digits or _)"
        )
    if "BEGIN PGP" in value:
        return (
            "got an ASCII-armored block; expected the base64 of the binary public key "
            "(gpg --export <key id> | base64 -w0) or keybase:<user name>"
        )
    try:
        data = base64.b64decode(value.replace("\n", "").replace("\r", ""), validate=True)
    except (binascii.Error, ValueError):
        return f"got {show(value)}, which is not base64; {EXPECTED}"
    tag = first_packet_tag(data)
    if tag is None:
        return f"is not an OpenPGP public key that can encrypt (its first byte is no OpenPGP packet header); {EXPECTED}"
    if tag not in (SECRET_KEY_TAG, PUBLIC_KEY_TAG):
        found = PACKET_NAMES.get(tag, f"a packet of tag {tag}")
        return f"is not an OpenPGP public key that can encrypt (its first packet is {found}, not a public key); {EXPECTED}"
    with warnings.catch_warnings():
        # pgpy 0.6.0 imports ciphers that cryptography has deprecated (CAST5, Blowfish, ...).
        warnings.simplefilter("ignore")
        import pgpy  # noqa: PLC0415 (only stacks with a key pay for importing it)

        try:
            key_, _ = pgpy.PGPKey.from_blob(bytearray(data))
            return _entity_problem(pgpy, key_)
        except Exception as exc:  # noqa: BLE001 (pgpy raises ValueError, AttributeError, PGPError... on a bad packet stream)
            return f"is not an OpenPGP public key that can encrypt ({type(exc).__name__}: {exc}); {EXPECTED}"


def _entity_problem(pgpy: Any, key_: Any) -> str | None:  # noqa: PLR0911 (one return per refusal)
    """What go-crypto's ReadEntity and EncryptionKey would refuse in a parsed key."""
    if not key_.userids:  # random bytes may pass pgpy's parser as a key packet: a whole key has a user id
        return f"decodes to OpenPGP data without a user id, not a whole public key; {EXPECTED}"
    if not key_.is_public:
        return (
            "is a PRIVATE key: remove it from the stack file and its history, and give the public key "
            "(gpg --export, not --export-secret-keys)"
        )
    if _signatures(key_, KEY_REVOCATION):
        return f"is revoked (it carries a key revocation signature); {PROVIDER}: give the user's current public key"
    if key_.is_expired:
        return (
            f"expired on {key_.expires_at:%Y-%m-%d}; {PROVIDER}: extend it (gpg --quick-set-expire <fingerprint> 1y) "
            "and export it again"
        )
    if all(_signatures(uid, CERT_REVOCATION) for uid in key_.userids):
        return f"has every user id revoked; {PROVIDER}: give the user's current public key"
    chosen = _encryption_key(key_)
    if chosen is None:
        return (
            "has no key that can encrypt (no subkey flagged for encryption that is neither expired nor revoked, and a "
            f"primary key that is not flagged for it); {PROVIDER}: add an encryption subkey (gpg --quick-add-key "
            "<fingerprint> rsa3072 encr) and export it again"
        )
    if int(chosen.key_algorithm) in PGPY_ENCRYPTS:
        chosen.encrypt(pgpy.PGPMessage.new("cross-account-roles"))  # the key material is usable
    return None


def _signatures(item: Any, kind: int) -> list[Any]:
    # pgpy 0.6.0 keeps binding and revocation signatures in `_signatures` (no public accessor for them).
    return [s for s in getattr(item, "_signatures", ()) if int(s.type) == kind]


def _encryption_key(key_: Any) -> Any:
    """The subkey (newest binding first) or primary key go-crypto's EncryptionKey would take, or None."""
    now = datetime.now(UTC)
    candidates = []
    for subkey in key_.subkeys.values():
        bindings = sorted(_signatures(subkey, SUBKEY_BINDING), key=lambda s: s.created)
        if not bindings or _signatures(subkey, SUBKEY_REVOCATION) or int(subkey.key_algorithm) not in CAN_ENCRYPT:
            continue
        binding = bindings[-1]
        lifetime = binding.key_expiration
        expired = lifetime is not None and lifetime.total_seconds() > 0 and subkey.created + lifetime <= now
        if not expired and ENCRYPT_COMMUNICATIONS in {int(f) for f in binding.key_flags}:
            candidates.append((binding.created, subkey))
    if candidates:
        return max(candidates, key=lambda c: c[0])[1]
    flags = {int(f) for f in key_._get_key_flags()}
    return key_ if ENCRYPT_COMMUNICATIONS in flags and int(key_.key_algorithm) in CAN_ENCRYPT else None
