#!/usr/bin/env bash
# tools/organisation-snapshot.sh DIR [AWS CLI options, e.g. --profile org-audit]
#
# Writes the folder `python -m tools can --organisation DIR` reads: the organisation's service
# and resource control policies as AWS's own CLI prints them (--output json, unchanged), one
# file per answer (docs/organisation-policies.md says which file holds which answer).
#
# Run it with credentials of the management account or of a delegated administrator for AWS
# Organizations; it only reads (organizations:Describe*, organizations:List*), and the
# Organizations API costs nothing. Nothing here is secret, but it names every account: keep the
# folder where the stack files are reviewed, or out of the repository if that is a concern.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 DIR [AWS CLI options, e.g. --profile org-audit]" >&2
  exit 2
fi
dir=$1
shift
options=("$@")
export AWS_PAGER=""

org() { aws organizations "$@" "${options[@]}"; }

mkdir -p "$dir"
org describe-organization --output json >"$dir/organization.json"
org list-roots --output json >"$dir/roots.json"
org list-accounts --output json >"$dir/accounts.json"

for type in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
  org list-policies --filter "$type" --output json >"$dir/policies-$type.json"
  for id in $(org list-policies --filter "$type" --query 'Policies[].Id' --output text); do
    org describe-policy --policy-id "$id" --output json >"$dir/policy-$id.json"
    org list-targets-for-policy --policy-id "$id" --output json >"$dir/targets-$id.json"
  done
done

# The parents of every account, then of each OU on the way up to the root, each once.
todo=$(org list-accounts --query 'Accounts[].Id' --output text)
seen=" "
while [ -n "${todo// /}" ]; do
  next=""
  for id in $todo; do
    case "$seen" in *" $id "*) continue ;; esac
    seen="$seen$id "
    org list-parents --child-id "$id" --output json >"$dir/parents-$id.json"
    next="$next $(org list-parents --child-id "$id" --query 'Parents[?Type==`ORGANIZATIONAL_UNIT`].Id' --output text)"
  done
  todo=$next
done
echo "$dir: the organisation's SCPs and RCPs, as AWS's CLI printed them" >&2
