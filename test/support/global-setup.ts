// Before any test: every program the tests run is here (else one loud NOT RUN line, and under
// CI=true an error); dist/pxectl.cjs is built once per test run, so tests that spawn pxectl
// run the real bundle (the code the single binary contains), not the sources; and TMPDIR is a
// folder of this run's own, removed whole when the run ends.
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { checkPrograms } from "./programs";
import { makeRunFolder, removeRunFolder } from "./run-folder";

export default function setup(): () => void {
  checkPrograms();
  const root = fileURLToPath(new URL("../..", import.meta.url));
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
  const run = makeRunFolder(tmpdir());
  process.env.TMPDIR = run;
  return () => removeRunFolder(run);
}
