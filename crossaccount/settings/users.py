"""`users`: each user's name, path, MFA device, tags, profile and ownership (`create`, `import`).
Groups, console sign-in and PGP keys are `people`'s."""

from __future__ import annotations

import re
from collections.abc import Mapping, Set

from crossaccount.errors import key, show

from .models import UserSettings
from .rules import check_name, check_path, check_tags

PROFILE_NAME_RE = re.compile(r"^[A-Za-z0-9+=,.@_:/-]{1,128}\Z", re.ASCII)
"""A profile name that works in `[profile NAME]` and on a command line unquoted."""


def check_users(
    users: Mapping[str, UserSettings], stack_tags: Mapping[str, str], trusted: Set[str] | None, problems: list[str]
) -> None:
    """`trusted`: the users some role trusts, or None when the roles could not be read (then
    whether each user is trusted is not judged)."""
    for name, user in users.items():
        at = ("users", name)
        check_path(user.path, (*at, "path"), problems)
        if user.mfa_device_name is not None:
            check_name(user.mfa_device_name, (*at, "mfaDeviceName"), "MFA device", problems)
        check_tags(user.tags, (*at, "tags"), problems, inherited=stack_tags)
        if trusted is not None and name not in trusted:
            problems.append(
                f"{key(at)}: no role lists this user in trustedUsers or one of its groups in trustedGroups; "
                "expected every declared user to be trusted by a role"
            )
        if user.profile is not None and not PROFILE_NAME_RE.match(user.profile):
            problems.append(
                f"{key((*at, 'profile'))}: got {show(user.profile)}; expected a profile name of 1 to 128 "
                "letters, digits and +=,.@_:/- (no spaces or brackets: it is written as [profile NAME])"
            )
        if not user.create and user.import_:
            problems.append(
                f"{key((*at, 'import'))}: set on a user with create: false; import adopts a user into this stack, "
                "which a user with create: false is not (set create: true to adopt it)"
            )
        if not user.create and user.tags:
            problems.append(
                f"{key((*at, 'tags'))}: set on a user with create: false; tags belong to the stack that owns the user"
            )
