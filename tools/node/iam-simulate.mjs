// Decide IAM requests with @cloud-copilot/iam-simulate (AGPL-3.0: used by the tests only, an
// independent evaluator to cross-check crossaccount/access/evaluate.py), offline.
//
//   node tools/node/iam-simulate.mjs < cases.json
//
// stdin: a JSON list of cases, each
//   {"principal": ARN (a user's, or a role session's assumed-role ARN), "action": "s3:GetObject",
//    "resource": ARN or "*", "resourceAccount": "444455556666", "context": {key: string or [strings]},
//    "identity": [documents], "resource_policy": document or null, "boundary": document or null,
//    "session": document or null, "scps": [[documents] per level], "rcps": [[documents] per level]}
// stdout: a JSON list, one entry per case, in order:
//   {"result": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied", "ignored": [context keys it dropped]}
//   or {"error": "<why iam-simulate refused the case>"}.
// One process decides a whole batch; exit 0 whenever every case was decided or refused.
import { runSimulation } from "@cloud-copilot/iam-simulate";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const named = (documents, prefix) => documents.map((policy, i) => ({ name: `${prefix}${i}`, policy }));
const levels = (perLevel, prefix) =>
  perLevel.map((documents, level) => ({ orgIdentifier: `${prefix}-level-${level}`, policies: named(documents, `${prefix}${level}-`) }));

const results = [];
for (const c of cases) {
  const simulation = {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource: c.resource, accountId: c.resourceAccount },
      contextVariables: c.context,
    },
    identityPolicies: named(c.identity, "identity"),
    serviceControlPolicies: levels(c.scps, "scp"),
    resourceControlPolicies: levels(c.rcps, "rcp"),
    ...(c.resource_policy ? { resourcePolicy: c.resource_policy } : {}),
    ...(c.boundary ? { permissionBoundaryPolicies: named([c.boundary], "boundary") } : {}),
    ...(c.session ? { sessionPolicy: c.session } : {}),
  };
  try {
    const outcome = await runSimulation(simulation, { simulationMode: "Strict" });
    if (outcome.resultType === "error") {
      results.push({ error: JSON.stringify(outcome.errors) });
    } else if (outcome.resultType === "single") {
      results.push({ result: outcome.overallResult, ignored: outcome.result.ignoredContextKeys ?? [] });
    } else {
      results.push({ result: outcome.overallResult, ignored: outcome.results.flatMap((r) => r.ignoredContextKeys ?? []) });
    }
  } catch (error) {
    results.push({ error: String(error && error.message ? error.message : error) });
  }
}
process.stdout.write(JSON.stringify(results) + "\n");
