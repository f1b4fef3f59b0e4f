"""`source` and `target`: each side's account id, region, and how the provider reaches it."""

from __future__ import annotations

from crossaccount.errors import key, show
from crossaccount.iam import ACCOUNT_ID_RE, REGION_RE, ROLE_ARN_RE, arn_partition

from .models import AccountSettings


def check_account(acc: AccountSettings, side: str, problems: list[str]) -> None:
    if not ACCOUNT_ID_RE.match(acc.account_id):
        problems.append(f"{key((side, 'accountId'))}: got {show(acc.account_id)}; expected exactly 12 digits as a quoted string")
    if not REGION_RE.match(acc.region):
        problems.append(f"{key((side, 'region'))}: got {show(acc.region)}; expected an AWS region such as eu-north-1")
    if acc.profile is not None and acc.role_arn is not None:
        problems.append(
            f"{key((side,))}: both profile and roleArn are set; expected one of them (or neither, for environment credentials)"
        )
    if acc.profile is not None and not acc.profile.strip():
        problems.append(f"{key((side, 'profile'))}: got an empty string; expected a profile name")
    if acc.role_arn is not None:
        if not ROLE_ARN_RE.match(acc.role_arn):
            problems.append(f"{key((side, 'roleArn'))}: got {show(acc.role_arn)}; expected arn:aws:iam::<12 digits>:role/<name>")
        elif arn_partition(acc.role_arn) != acc.partition:
            problems.append(
                f"{key((side, 'roleArn'))}: got {show(acc.role_arn)}; expected an ARN of partition {acc.partition} ({side}.region {acc.region})"
            )
        elif acc.role_arn.split(":")[4] != acc.account_id:
            problems.append(
                f"{key((side, 'roleArn'))}: got {show(acc.role_arn)}; expected a role in account {acc.account_id} ({side}.accountId)"
            )


def check_partitions(source: AccountSettings, target: AccountSettings, problems: list[str]) -> None:
    if source.partition != target.partition:
        problems.append(
            f"{key(('target', 'region'))}: {target.region} is in partition {target.partition}, the source account's "
            f"region {source.region} in {source.partition}; a role cannot trust a user of another partition: "
            "expected regions of one partition"
        )
