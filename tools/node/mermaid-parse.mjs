// Parse Mermaid diagrams with Mermaid's own parser (the npm `mermaid` package), offline.
//
//   node tools/node/mermaid-parse.mjs < diagrams.json
//
// stdin: a JSON list of diagram texts. stdout: a JSON list, one entry per diagram, in order:
// {"ok": true, "type": "<diagram type>"} or {"ok": false, "error": "<Mermaid's message>"}.
// Mermaid needs a DOM (it imports DOMPurify at load time); jsdom provides `window` and
// `document` before mermaid is imported. Exit 0 whenever every input was parsed or refused.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const diagrams = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const results = [];
for (const text of diagrams) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ ok: true, type: parsed.diagramType });
  } catch (error) {
    results.push({ ok: false, error: String(error && error.message ? error.message : error) });
  }
}
process.stdout.write(JSON.stringify(results) + "\n");
