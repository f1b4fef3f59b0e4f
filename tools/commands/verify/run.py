"""The verification of a whole stack: credentials, MFA, then each role."""

from __future__ import annotations

from collections.abc import Mapping

import boto3

from crossaccount.plan import StackPlan, build_stack_plan
from crossaccount.settings.models import LoadedSettings

from .aws_config import is_mfa_code, mfa_code_problem, wait_seconds
from .checks import Call, resolve_checks
from .common import VerifyError
from .credentials import _caller, _check_external_ids, _mfa_code, _mfa_session, _stack_user, sso_caller
from .outputs import StackOutputs
from .report import Report, Result
from .roles import Sessions, _verify_role, _verify_role_as_permission_set
from .state import Options, _Run


def check_options(mfa_token: str | None, wait: str | float) -> float:
    """--mfa-token and --wait, before anything else: the wait in seconds."""
    if mfa_token is not None and not is_mfa_code(mfa_token):
        # The code is a one-time secret: say what is wrong with it, never echo it.
        raise VerifyError(f"--mfa-token: got {mfa_code_problem(mfa_token)}; expected the 6 digits your MFA device shows")
    return wait_seconds(wait)


def verify_stack(
    loaded: LoadedSettings,
    outputs: StackOutputs,
    source: boto3.Session,
    options: Options | None = None,
    calls: Mapping[str, tuple[Call, ...]] | None = None,
    plan: StackPlan | None = None,
) -> Report:
    """Assume every role with the source session and run its checks.

    Raises `VerifyError` when it cannot start (no or refused credentials, credentials of
    another account, MFA needed and no way to get a code) and `SettingsError` for bad checks.
    """
    options = options or Options()
    check_options(options.mfa_token, options.wait_seconds)
    unknown = [r for r in options.roles if r not in loaded.settings.roles]
    if unknown:
        raise VerifyError(
            f"--role {', '.join(unknown)}: not a role of this stack; expected one of {', '.join(loaded.settings.roles)}"
        )
    plan = plan if plan is not None else build_stack_plan(loaded)
    # The routes the outputs give each person (crossaccount.plan.route): verify makes those calls.
    routes = {r.name: {a.user: a.route for a in r.access if a.route is not None} for r in plan.roles}
    run = _Run(loaded, outputs, calls if calls is not None else resolve_checks(loaded), options, routes)
    _check_external_ids(loaded, options)
    caller = _caller(run, source)
    user = _stack_user(run, caller)
    roles = [r for r in loaded.settings.roles if not options.roles or r in options.roles]
    sso = sso_caller(run, caller) if user is None else None
    if sso is not None:
        # An Identity Center session: MFA was enforced at sign-in; no MFA code is asked for.
        sso_results = [r for role_name in roles for r in _verify_role_as_permission_set(run, source, role_name, sso)]
        return Report(
            stack=loaded.stack,
            caller=caller,
            user=None,
            target_account_id=loaded.settings.target.account_id,
            results=tuple(sso_results),
            permission_set=sso.permission_set,
        )
    mfa_code = _mfa_code(run, user, roles) if not run.temporary else None
    step = next((u.mfa_session for u in plan.users if u.name == user), None)
    sessions = Sessions(source, None)
    if mfa_code is not None and step is not None:
        sessions = Sessions(source, _mfa_session(run, source, step, mfa_code))
    elif run.temporary:
        run.options.progress(
            "the source credentials are temporary (they carry a session token): GetSessionToken cannot be called "
            "with them, so roles are assumed with them as they are; a role that requires MFA needs a session signed in with MFA"
        )
    results: list[Result] = []
    for role_name in roles:
        results += _verify_role(run, sessions, role_name, user)
    return Report(
        stack=loaded.stack, caller=caller, user=user, target_account_id=loaded.settings.target.account_id, results=tuple(results)
    )
