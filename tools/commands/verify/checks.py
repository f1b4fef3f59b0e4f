"""The stack's `checks`, resolved against botocore's service models before any call."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore import xform_name
from botocore.exceptions import (
    ConfigParseError,
    ParamValidationError,
    UnknownServiceError,
)
from botocore.validate import validate_parameters

from crossaccount.errors import SettingsError, key
from crossaccount.settings.models import LoadedSettings

from .aws_config import session_problem
from .common import US_EAST_1, VerifyError

# --- the checks, resolved against botocore's service models before any call ----------------


@dataclass(frozen=True)
class Call:
    """One check, resolved: the boto3 client's service and method."""

    action: str
    service: str
    method: str
    params: Mapping[str, Any]
    expect: str


def resolve_checks(loaded: LoadedSettings) -> dict[str, tuple[Call, ...]]:
    """Every role's checks as boto3 calls; raises `SettingsError` naming each bad check.

    The method name is botocore's own transformation of the operation name (`xform_name`, the
    function boto3 uses to name client methods), and the parameters are validated against the
    operation's input shape, so a typo fails here rather than halfway through a run.
    """
    try:  # botocore reads the AWS config file for its data path (AWS_DATA_PATH, data_path)
        models = botocore.session.get_session()
        services = set(models.get_available_services())
    except ConfigParseError as exc:
        raise VerifyError(session_problem(exc)) from None
    problems: list[str] = []
    resolved: dict[str, tuple[Call, ...]] = {}
    for role_name, role in loaded.settings.roles.items():
        calls = []
        for i, check in enumerate(role.checks):
            at = ("roles", role_name, "checks", i)
            service, _, operation = check.action.partition(":")
            if service not in services:
                close = difflib.get_close_matches(service, sorted(services), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                problems.append(
                    f"{key((*at, 'action'))}: got {check.action!r}; boto3 has no service {service!r}{hint}; "
                    "expected a service name as boto3 spells it, e.g. s3, ec2, dynamodb"
                )
                continue
            try:
                model = models.get_service_model(service)
            except UnknownServiceError:  # listed but without a model: treat as unknown
                problems.append(f"{key((*at, 'action'))}: got {check.action!r}; botocore has no model for {service!r}")
                continue
            if operation not in model.operation_names:
                close = difflib.get_close_matches(operation, model.operation_names, n=1)
                hint = f"did you mean {close[0]}?" if close else "e.g. " + model.operation_names[0]
                problems.append(
                    f"{key((*at, 'action'))}: got {check.action!r}; {service} has no operation {operation!r} ({hint}); "
                    "expected an operation name as the service's API spells it"
                )
                continue
            input_shape = model.operation_model(operation).input_shape
            try:
                if input_shape is not None:
                    validate_parameters(dict(check.params), input_shape)
                elif check.params:
                    raise ParamValidationError(report=f"{operation} takes no parameters")
            except ParamValidationError as error:
                report = " ".join(str(error.kwargs.get("report", error)).split())
                problems.append(f"{key((*at, 'params'))}: not valid for {check.action} ({report})")
                continue
            params = with_bucket_location(service, operation, dict(check.params), loaded.settings.target.region)
            calls.append(Call(check.action, service, xform_name(operation), params, check.expect))
        resolved[role_name] = tuple(calls)
    if problems:
        raise SettingsError(problems, outcome="no AWS call was made")
    return resolved


def with_bucket_location(service: str, operation: str, params: dict[str, Any], region: str) -> dict[str, Any]:
    """`s3:CreateBucket` outside us-east-1 with the region as its LocationConstraint.

    Without it S3 answers IllegalLocationConstraintException (the request is malformed for the
    region) instead of judging the permission, so the walk-through's `deny` check would fail
    for the wrong reason. A CreateBucketConfiguration given in the check is left as written.
    """
    if service == "s3" and operation == "CreateBucket" and region != US_EAST_1 and "CreateBucketConfiguration" not in params:
        return {**params, "CreateBucketConfiguration": {"LocationConstraint": region}}
    return params
