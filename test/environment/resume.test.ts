// pxectl init interrupted at every step and resumed: one chain of runs, each stopped (as by
// Ctrl-C) at the next point of the journal: the moment a step is recorded as started, and,
// for each cloud resource, right after the API made it but before state recorded its ID.
// The end state must be the one an uninterrupted init reaches, and destroy must leave
// nothing in the cloud. Then a real pxectl process killed mid-install, its lock left behind.
import * as fsp from "node:fs/promises";
import { existsSync, lstatSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FileSystem } from "../../src/config/files";
import type { State } from "../../src/config/state";
import { startCli } from "../support/cli";
import { type FlatcarSource, type TestHost, type TestProject, startTestHost, testProject } from "../support/environment";
import { publishFlatcar } from "../support/flatcar-release";
import { TestSigner } from "../support/gpg";
import { startTestServer } from "../support/sakuracloud/connect";
import { StaticServer } from "../support/static-server";

let host: TestHost;
let web: StaticServer;
let signer: TestSigner;
let flatcar: FlatcarSource;

beforeAll(async () => {
  host = await startTestHost();
  web = await StaticServer.start(host.net.gateway);
  signer = TestSigner.create();
  publishFlatcar(web, signer, { prefix: "flatcar", version: "4593.2.5" });
  flatcar = { mirror: `${web.url}/flatcar`, signingKey: signer.publicKey };
}, 60_000);

afterAll(async () => {
  await web?.close();
  await host?.stop();
  signer?.dispose();
});

/** Point is where a run is stopped: a state write that matches, kept ("after") or lost ("before"). */
interface Point {
  name: string;
  matches(next: State): boolean;
  write: "before" | "after";
}

// init's journal, every step of it
const STEPS = ["operator-key", "cloud-account", "switch", "server", "disk", "disk-edit", "packet-filter", "power-on", "ssh", "switch-nic", "certificates", "install", "assets", "verify", "record"];
const ROLE_OF_STEP: Record<string, string> = { switch: "switch", server: "server", disk: "disk", "packet-filter": "packet_filter" };

const POINTS: Point[] = STEPS.flatMap((step): Point[] => [
  { name: `${step} started`, write: "after", matches: (s) => s.steps[`init/${step}`]?.status === "running" },
  ...(ROLE_OF_STEP[step] ? [{ name: `${step} made, not yet recorded`, write: "before" as const, matches: (s: State) => s.resources[ROLE_OF_STEP[step]!]?.status === "created" }] : []),
]);

/** interruptingFs aborts the run at the first state write that matches point; hit tells whether it came. */
function interruptingFs(point: Point, ctl: AbortController): FileSystem & { hit: boolean } {
  const fs = {
    ...fsp,
    hit: false,
    async rename(from: Parameters<typeof fsp.rename>[0], to: Parameters<typeof fsp.rename>[1]): Promise<void> {
      if (fs.hit || !String(to).endsWith("/state.json") || !point.matches(JSON.parse(await fsp.readFile(from, "utf8")) as State)) return fsp.rename(from, to);
      fs.hit = true;
      if (point.write === "after") await fsp.rename(from, to);
      ctl.abort();
      throw ctl.signal.reason as Error;
    },
  };
  return fs;
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => join(e.parentPath, e.name))
    .map((path) => `${relative(dir, path)} ${(lstatSync(path).mode & 0o7777).toString(8)}`)
    .sort();
}

/** outline is what two runs of init must agree on: resources, steps, host facts' names, endpoints. */
function outline(p: TestProject) {
  const state = JSON.parse(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8")) as State;
  return {
    resources: Object.fromEntries(Object.entries(state.resources).map(([role, r]) => [role, { kind: r.kind, name: r.name, status: r.status, id: typeof r.id }])),
    steps: Object.fromEntries(Object.entries(state.steps).map(([key, r]) => [key, r.status])),
    host: Object.keys(state.host ?? {}).sort(),
    matchbox: state.matchbox,
    rootFiles: files(p.root),
    localFiles: files(join(p.cwd, ".pxectl")).filter((f) => !f.startsWith("logs")),
  };
}

describe("pxectl init interrupted at every step", () => {
  it("resumes each time and ends where an uninterrupted init ends; destroy leaves nothing", async () => {
    const reference = await startTestServer();
    const r = testProject(host, reference, { flatcar });
    expect((await r.init()).exitCode).toBe(0);

    const sakura = await startTestServer();
    const p = testProject(host, sakura, { flatcar });
    const stops: string[] = [];
    for (const point of POINTS) {
      const ctl = new AbortController();
      const fs = interruptingFs(point, ctl);
      const run = await p.init({ signal: ctl.signal, fs });
      expect({ point: point.name, hit: fs.hit, exitCode: run.exitCode }).toEqual({ point: point.name, hit: true, exitCode: 130 });
      stops.push(point.name);
    }
    expect(stops).toHaveLength(POINTS.length);

    const last = await p.init();
    expect(last.exitCode).toBe(0);
    expect(last.stderr).toContain('resuming init: the last run stopped at "record"');
    const end = outline(p);
    expect(end).toEqual(outline(r));
    expect(end.matchbox).toEqual({ grpc_endpoint: `${host.net.address}:8081`, http_endpoint: "http://192.168.0.1:8080" });
    expect(Object.values(end.steps).every((s) => s === "done")).toBe(true);
    expect(end.rootFiles).toContain("var/lib/matchbox/assets/flatcar/4593.2.5/flatcar_production_pxe.vmlinuz 644");
    const kinds = (s: typeof sakura) => s.inventory().map((i) => `${i.kind} ${i.name.replace(/^9c:a3:ba:.*/, "mac")}`).sort();
    expect(kinds(sakura)).toEqual(kinds(reference)); // one of each: no resource was made twice

    for (const [project, server] of [[p, sakura], [r, reference]] as const) {
      expect((await project.pxectl(["destroy", "--yes"])).exitCode).toBe(0);
      expect(server.inventory()).toEqual([]);
    }
  }, 180_000);

  it("resumes after the pxectl process is killed (SIGKILL) half way through installing, its lock left behind", async () => {
    const sakura = await startTestServer();
    const p = testProject(host, sakura);
    const ctl = new AbortController();
    expect((await p.init({ signal: ctl.signal, fs: interruptingFs(POINTS.find((x) => x.name === "ssh started")!, ctl) })).exitCode).toBe(130);

    // the real process: killed once the installer has put the matchbox binary in place
    const binary = join(p.root, "usr/local/bin/matchbox");
    const running = startCli(p.initArgv, { cwd: p.cwd, env: p.env });
    const poll = setInterval(() => existsSync(binary) && (clearInterval(poll), running.kill("SIGKILL")), 5);
    const killed = await running.result.finally(() => clearInterval(poll));
    expect(killed.exitCode).toBe(137);
    const state = JSON.parse(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8")) as State;
    expect(state.steps["init/install"]?.status).toBe("running");
    expect(existsSync(join(p.cwd, ".pxectl/lock"))).toBe(true);

    const resumed = await p.init();
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toContain('resuming init: the last run stopped at "install"');
    const steps = (JSON.parse(resumed.stdout) as { steps: Array<{ id: string; changed: boolean }> }).steps;
    expect(steps.filter((x) => x.changed).map((x) => x.id)).toEqual(["install", "record"]); // it finished what the killed run began, then recorded the endpoints
    expect((await p.pxectl(["destroy", "--yes"])).exitCode).toBe(0);
    expect(sakura.inventory()).toEqual([]);
  }, 120_000);
});
