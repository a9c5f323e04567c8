// Every line of the README's TypeScript snippet is in readme.ts, which
// tsc --strict compiles: the README shows code that typechecks.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { repoRoot } from "./demo.js";

test("the README's TypeScript snippet typechecks (it is test/readme.ts)", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const block = /## A TypeScript client[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, "README.md has no ```ts block under ## A TypeScript client");
  const compiled = readFileSync(join(repoRoot, "ts", "test", "readme.ts"), "utf8");
  const lines = block[1]!.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  assert.ok(lines.length >= 5);
  for (const line of lines) {
    assert.ok(compiled.includes(line.replace('"./api/errors.js"', '"../gen/fax/errors.js"')), `not in ts/test/readme.ts: ${line}`);
  }
});
