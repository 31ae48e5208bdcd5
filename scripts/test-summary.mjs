#!/usr/bin/env node
// Prints "N passed, N failed" from vitest's JSON report. A test that never ran because its
// file failed (a hook threw, say a program it starts is missing) counts as failed, not skipped;
// so does a file that failed to load.
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failed = 0;
let notRun = 0;
for (const file of report.testResults) {
  const results = file.assertionResults;
  failed += results.filter((t) => t.status === "failed").length;
  if (file.status !== "failed") continue;
  const skipped = results.filter((t) => t.status === "skipped" || t.status === "pending").length;
  notRun += skipped;
  if (results.every((t) => t.status !== "failed") && skipped === 0) failed += 1; // the file itself failed
}
if (notRun > 0) console.log(`${notRun} tests did not run because their file failed (counted as failed)`);
console.log(`${report.numPassedTests} passed, ${failed + notRun} failed`);
