// The bad-input corpus: every case is a project with one thing wrong (a flag, a MAC,
// pxectl.yaml, a profile directory, a certificate, the state folder, an API answer), run
// once. Each must exit non-zero with exactly one error line (and a hint), no stack
// trace, nothing on stdout, and no file changed but its own run log.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueClient, tlsPaths, writePair } from "../../src/pki";
import { type CliRun, runCli, spawnCli } from "../support/cli";
import { startMatchboxTestServer, type MatchboxTestServer } from "../support/matchbox";
import { STACK_TRACE, changedPaths, oneLineErrorProblems, snapshot } from "../support/outcome";
import { startSakuraTestServer, type SakuraTestServer } from "../support/sakuracloud";
import { testPki } from "../support/tls";
import { apiCases } from "./corpus/api-answers";
import { certificateCases } from "./corpus/certificates";
import { flagCases, flagEnv } from "./corpus/flags";
import { macCases } from "./corpus/macs";
import { profileCases } from "./corpus/profiles";
import { projectFileCases } from "./corpus/project-file";
import { stateCases } from "./corpus/state-files";
import type { BadInput, Fixture } from "./corpus/types";

const CORPUS: BadInput[] = [...flagCases, ...macCases, ...projectFileCases, ...profileCases, ...certificateCases, ...stateCases, ...apiCases];
const EXAMPLES = fileURLToPath(new URL("../../examples", import.meta.url));

let work: string;
let base: string;
let otherTls: string;
let sakura: SakuraTestServer;
let matchbox: MatchboxTestServer;
const tally = { cases: 0, oneLine: 0, stackTraces: 0, partialWrites: 0 };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "pxectl-bad-input-"));
  // a year: 30 days would make cert show warn of the coming expiry
  const pki = await testPki("reliability", undefined, 365);
  sakura = await startSakuraTestServer();
  mkdirSync(join(work, "matchbox"));
  matchbox = await startMatchboxTestServer({
    dataPath: join(work, "matchbox"),
    address: "127.0.0.1:0",
    rpcAddress: "127.0.0.1:0",
    tls: { certFile: pki.server.cert, keyFile: pki.server.key, caFile: pki.ca.cert },
  });
  // the base project: the examples, this PKI, one node in state
  base = join(work, "base");
  cpSync(join(EXAMPLES, "pxectl.yaml"), join(base, "pxectl.yaml"));
  cpSync(join(EXAMPLES, "profiles"), join(base, "profiles"), { recursive: true });
  cpSync(pki.dir, join(base, ".pxectl/tls"), { recursive: true });
  chmodSync(join(base, ".pxectl"), 0o700); // as pxectl makes it
  const at = "2026-01-01T00:00:00.000Z";
  const node = { mac: "52:54:00:00:00:01", stage: "declared", created_at: at };
  writeFileSync(join(base, ".pxectl/state.json"), JSON.stringify({ schema_version: 1, env: "demo", created_at: at, updated_at: at, steps: {}, resources: {}, nodes: { "node-1": node } }, null, 2) + "\n", { mode: 0o600 });
  // other certificates: another project's PKI, and this CA's pairs issued long ago
  otherTls = join(work, "other");
  cpSync((await testPki("reliability-foreign", undefined, 365)).dir, join(otherTls, "foreign"), { recursive: true });
  cpSync(pki.dir, join(otherTls, "expired"), { recursive: true });
  const ca = { certPem: readFileSync(pki.ca.cert, "utf8"), keyPem: readFileSync(pki.ca.key, "utf8") };
  await writePair(tlsPaths(join(otherTls, "expired")), "client", issueClient(ca, { commonName: "old", validityDays: 1, now: new Date("2020-01-01T00:00:00Z") }));
}, 60_000);

afterAll(async () => {
  await matchbox?.close();
  await sakura?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (tally.cases > 0) {
    process.stderr.write(
      `bad inputs: ${tally.cases} cases, ${tally.oneLine} one-line errors, ${tally.stackTraces} stack traces, ${tally.partialWrites} partial writes\n`,
    );
  }
});

function prepare(c: BadInput, index: number): Fixture {
  const cwd = join(work, `case-${index}`);
  cpSync(base, cwd, { recursive: true });
  for (const [path, text] of Object.entries(c.files ?? {})) {
    if (text === null) rmSync(join(cwd, path), { force: true });
    else {
      mkdirSync(dirname(join(cwd, path)), { recursive: true });
      writeFileSync(join(cwd, path), text);
    }
  }
  return { cwd, sakura, matchboxEndpoint: matchbox.rpcAddress!, otherTls };
}

/** problemsOf lists every way a run broke the bad-input promise. */
function problemsOf(c: BadInput, r: CliRun, changed: string[]): string[] {
  const problems = oneLineErrorProblems(r.stderr);
  if (r.exitCode === 0) problems.push("exit code 0");
  if (r.exitCode === 70) problems.push("exit code 70 (internal error)");
  if (c.exitCode !== undefined && r.exitCode !== c.exitCode) problems.push(`exit code ${r.exitCode}, not ${c.exitCode}`);
  if (STACK_TRACE.test(r.stderr) || STACK_TRACE.test(r.stdout)) problems.push("a stack trace");
  if (r.stdout !== "") problems.push(`stdout: ${JSON.stringify(r.stdout.slice(0, 200))}`);
  if (c.says !== undefined && !(typeof c.says === "string" ? r.stderr.includes(c.says) : c.says.test(r.stderr))) problems.push(`the error does not say ${String(c.says)}`);
  if (changed.length > 0) problems.push(`wrote: ${changed.join(", ")}`);
  return problems;
}

describe("bad input", () => {
  it("the corpus holds at least 100 cases, each named once", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS.map((c, i) => [c.name, c, i] as const))("%s", async (_name, c, index) => {
    const f = prepare(c, index);
    const cleanup = await c.setup?.(f);
    const before = snapshot(f.cwd);
    const env = {
      HOME: f.cwd, // no usacloud profile of the machine's user
      PXECTL_MATCHBOX_ENDPOINT: f.matchboxEndpoint,
      SAKURA_API_ROOT_URL: sakura.rootUrl,
      SAKURA_ACCESS_TOKEN: sakura.credentials.accessToken,
      SAKURA_ACCESS_TOKEN_SECRET: sakura.credentials.accessTokenSecret,
      ...flagEnv[c.name],
      ...c.env,
    };
    let r: CliRun;
    try {
      r = c.spawn ? await spawnCli(c.argv, { cwd: f.cwd, env }) : await runCli(c.argv, { cwd: f.cwd, env });
    } finally {
      cleanup?.();
    }
    const changed = changedPaths(before, snapshot(f.cwd));
    const problems = problemsOf(c, r, changed);
    tally.cases++;
    if (oneLineErrorProblems(r.stderr).length === 0 && r.exitCode !== 0) tally.oneLine++;
    if (STACK_TRACE.test(r.stderr + r.stdout)) tally.stackTraces++;
    if (changed.length > 0) tally.partialWrites++;
    expect(problems.join("; "), `stderr: ${r.stderr}`).toBe("");
  });
});
