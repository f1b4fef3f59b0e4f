"""Packing a user's assume-role policy into managed policies of at most 6,144 characters.

A user trusted by many roles of a stack needs `sts:AssumeRole` on each role's exact ARN; past
6,144 characters (whitespace not counted) one customer managed policy cannot hold them. The
roles are then split by a stable hash, as a binary trie on the bits of SHA-256(role name):

- all the user's roles start in one policy; a policy over the limit is split in two by the
  next bit of each role's hash, and each half again while it is over the limit;
- each leaf is one policy, named after its bits: `<user>-assume-roles-<stack>` while there is
  one, `<user>-assume-roles-<stack>-<bits>` (e.g. `-01`) once split.

Why a hash trie and not roles sorted into numbered policies: the split is a function of the
set of roles alone (deterministic, no state), and a role's place depends only on its own
hash, so adding one role changes exactly one policy: the one its bits lead to (or, when that
policy would pass the limit, that policy is replaced by its halves; every other policy stays
byte-identical, and keeps its name). Sorted first-fit into numbered policies reshuffles
every policy after the new role's position (all ARNs are about the same length, so each
policy pushes its last role into the next). The price is fill: a policy is split only when
over the limit, and its halves hold about half each, so a split user has on average about
1.4 times the minimal number of policies (a trie of hashes fills its leaves to about 70%).
Removing a role can merge two halves back into their parent policy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from crossaccount.iam import MANAGED_POLICY_SIZE, non_whitespace_length

HASH_BITS = 256


def _bits(name: str) -> str:
    """The 256 bits of SHA-256(name), first bit first, as '0'/'1' characters."""
    return format(int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest(), "big"), f"0{HASH_BITS}b")


@dataclass(frozen=True)
class Part:
    """One policy of the split: its bits (`""` when not split), its roles and its document."""

    bits: str
    roles: tuple[str, ...]
    document: dict[str, Any]
    text: str


def pack(
    roles: Sequence[str],
    build: Callable[[Sequence[str]], dict[str, Any]],
    serialise: Callable[[dict[str, Any]], str],
    limit: int = MANAGED_POLICY_SIZE,
) -> list[Part]:
    """Split `roles` into policies of at most `limit` characters, as described above.

    `build` makes the document for a subset of roles, `serialise` its text. The parts come in
    the order of their bits. A single role is never split (a document that is still too big
    is left to the POLICY_SIZE guardrail).
    """
    hashes: dict[str, str] = {}  # only a policy that is split needs its roles' bits

    def leaves(bits: str, names: list[str]) -> list[Part]:
        document = build(names)
        text = serialise(document)
        if non_whitespace_length(text) <= limit or len(names) == 1 or len(bits) >= HASH_BITS:
            return [Part(bits, tuple(names), document, text)]
        if not hashes:
            hashes.update((name, _bits(name)) for name in roles)
        depth = len(bits)
        zero = [n for n in names if hashes[n][depth] == "0"]
        one = [n for n in names if hashes[n][depth] == "1"]
        return (leaves(bits + "0", zero) if zero else []) + (leaves(bits + "1", one) if one else [])

    return leaves("", sorted(roles))
