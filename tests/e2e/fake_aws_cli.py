"""`aws organizations ...` for tests/e2e/test_organisation_snapshot.py: the part of AWS's CLI that
tools/organisation-snapshot.sh uses, in front of moto's server (the real CLI is not a dependency:
awscli pins its own botocore).

What it does as the CLI does (awscli/clidriver.py, awscli/customizations/paginate.py,
awscli/formatter.py): the operation from the kebab-case command and its `--kebab-case` options,
every page of a paginated listing joined into one list (no NextToken), ResponseMetadata dropped,
`--query` as JMESPath over the joined result, `--output json` as JSON indented 4 with non-ASCII
as is and timestamps in ISO 8601, `--output text` of a list of strings as one tab-separated line.
Anything else it refuses, so the script cannot rely on more than this plays.

Run as `python -m tests.e2e.fake_aws_cli ARGS`, with FAKE_AWS_ENDPOINT and FAKE_AWS_ACCOUNT set.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from typing import Any

import boto3
import jmespath  # type: ignore[import-untyped]

OPTIONS = {"--filter": "Filter", "--policy-id": "PolicyId", "--child-id": "ChildId"}


def call(command: str, params: dict[str, str]) -> dict[str, Any]:
    client = boto3.client(
        "organizations",
        region_name="us-east-1",
        endpoint_url=os.environ["FAKE_AWS_ENDPOINT"],
        aws_access_key_id="set-up-key",
        aws_secret_access_key="set-up-secret",
    )
    account = os.environ["FAKE_AWS_ACCOUNT"]

    def name_account(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account

    client.meta.events.register("before-sign", name_account)
    method = command.replace("-", "_")
    if client.can_paginate(method):
        result: dict[str, Any] = client.get_paginator(method).paginate(**params).build_full_result()
    else:
        result = getattr(client, method)(**params)
    result.pop("ResponseMetadata", None)
    return result


def iso(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "organizations":
        print(f"fake aws: only `aws organizations COMMAND` is played, not {argv}", file=sys.stderr)
        return 252
    command, rest = argv[1], argv[2:]
    params: dict[str, str] = {}
    query, output = None, "json"
    while rest:
        option, value, rest = rest[0], rest[1], rest[2:]
        if option in OPTIONS:
            params[OPTIONS[option]] = value
        elif option == "--query":
            query = value
        elif option == "--output" and value in ("json", "text"):
            output = value
        else:
            print(f"fake aws: option {option} {value} is not played", file=sys.stderr)
            return 252
    result: Any = call(command, params)
    if query is not None:
        result = jmespath.search(query, result)
    if output == "json":
        print(json.dumps(result, indent=4, ensure_ascii=False, default=iso))
    elif isinstance(result, list) and all(isinstance(v, str) for v in result):
        print("\t".join(result))
    else:
        print(f"fake aws: --output text of {type(result).__name__} is not played", file=sys.stderr)
        return 252
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
