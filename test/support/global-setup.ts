// Builds dist/pxectl.cjs once per test run, so tests that spawn pxectl run the
// real bundle (the code the single binary contains), not the sources.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
}
