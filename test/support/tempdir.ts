// Temporary folders filled from a {path: content} map and removed after the test.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { onTestFinished } from "vitest";

/** tempDir creates a folder holding files and deletes it when the test ends. */
export function tempDir(files: Record<string, string> = {}, { keep = false } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "pxectl-test-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  if (!keep) onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
