"""`python -m tools managed-policies`: refresh the copy of AWS's managed policies the guardrails judge.

    make managed-policies                    # with credentials of any account (read-only IAM calls)
    python -m tools managed-policies --profile audit --out crossaccount/data/aws-managed-policies.json

The source is AWS's own IAM API, the one made for it: `ListPolicies` with `Scope=AWS` (every
AWS managed policy, with its default version id and update date) and `GetPolicyVersion` of each
default version (its document). Both are read-only and free; any identity allowed
`iam:ListPolicies` and `iam:GetPolicyVersion` can run it. The file is written sorted by name,
one policy a line, so that a refresh reads as a diff of the policies AWS changed; its header
says when and from where it was taken.

The committed copy was taken with this command from moto 5.2.5's server, whose IAM serves the
copy moto itself refreshed from AWS's API (`moto/iam/aws_managed_policies.py`); the header says
so. A refresh against a real account replaces it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

import boto3
import botocore.exceptions

from crossaccount.read.data_files import MANAGED_POLICIES_FILE as DATA_FILE
from crossaccount.read.managed_policies import SCHEMA


def fetch(iam: Any) -> dict[str, dict[str, Any]]:
    """Every AWS managed policy's default version, by policy name, read through `iam` (a boto3 IAM client)."""
    found: dict[str, dict[str, Any]] = {}
    for page in iam.get_paginator("list_policies").paginate(Scope="AWS"):
        for policy in page["Policies"]:
            version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])["PolicyVersion"]
            document = version["Document"]
            if isinstance(document, str):  # boto3 decodes it; a raw (URL-encoded JSON) text is decoded here
                document = json.loads(document)
            found[policy["PolicyName"]] = {  # AWS's own field names
                "Arn": policy["Arn"],
                "Path": policy["Path"],
                "DefaultVersionId": policy["DefaultVersionId"],
                "UpdateDate": _date(policy["UpdateDate"]),
                "Document": document,
            }
    return found


def _date(value: datetime.datetime | str) -> str:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def lines(policies: Mapping[str, Mapping[str, Any]], source: str, retrieved: str) -> Iterator[str]:
    """The file's text: a header object, then one policy a line, sorted by name (a refresh diffs by policy)."""
    newest = max((p["UpdateDate"] for p in policies.values()), default="")
    header = {"schema": SCHEMA, "source": source, "retrieved": retrieved, "policies": len(policies), "newest": newest}
    yield "{"
    yield f'"about": {json.dumps(header, sort_keys=True)},'
    yield '"policies": {'
    names = sorted(policies)
    for i, name in enumerate(names):
        comma = "," if i < len(names) - 1 else ""
        yield f"{json.dumps(name)}: {json.dumps(policies[name], sort_keys=True, separators=(',', ':'))}{comma}"
    yield "}}"


def write(out: Path, policies: Mapping[str, Mapping[str, Any]], source: str, retrieved: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines(policies, source, retrieved)) + "\n", encoding="utf-8")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=DATA_FILE, help=f"the file to write (default {DATA_FILE.name} in crossaccount/data)"
    )
    parser.add_argument("--profile", help="the AWS profile to read with (default: the usual credential chain)")
    parser.add_argument("--region", default="us-east-1", help="IAM is global; the region only picks STS/IAM endpoints")
    parser.add_argument("--endpoint-url", help="another IAM endpoint (a test server)")
    parser.add_argument("--source", help="what to record as the source (default: the endpoint and the account read)")


def run(
    args: argparse.Namespace,
    out: TextIO = sys.stdout,
    today: Callable[[], datetime.date] = datetime.date.today,
) -> int:
    """Read every AWS managed policy through IAM and write the file; exit 2 (nothing written) on failure."""
    session = boto3.Session(profile_name=args.profile, region_name=args.region)
    try:
        iam = session.client("iam", endpoint_url=args.endpoint_url)
        policies = fetch(iam)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        print(f"error: could not read AWS's managed policies: {error}; nothing was written", file=sys.stderr)
        return 2
    if not policies:
        print("error: IAM listed no AWS managed policy; nothing was written", file=sys.stderr)
        return 2
    source = args.source or f"IAM ListPolicies(Scope=AWS) + GetPolicyVersion at {args.endpoint_url or 'AWS'}"
    write(args.out, policies, source, today().isoformat())
    out.write(f"wrote {len(policies)} AWS managed policies to {args.out}\n")
    return 0
