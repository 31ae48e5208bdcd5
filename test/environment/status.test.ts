// pxectl status end to end: before init, after init (with the matchbox test server serving
// what init installed, inside the host's namespace), then with one part broken at a time:
// each break fails (or warns on) the check it should, with the fix as hint, and the checks
// that rely on it are skipped while independent ones still pass.
import { cpSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/environment/checks";
import { stopServer } from "../../src/sakuracloud";
import { FakeClock } from "../support/clock";
import { type HostMatchbox, type TestHost, type TestProject, startHostMatchbox, startTestHost, testProject } from "../support/environment";
import { connectClient, startTestServer } from "../support/sakuracloud/connect";
import { testPki } from "../support/tls";

let host: TestHost;

beforeAll(async () => {
  host = await startTestHost();
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

interface Status {
  exitCode: number;
  ok: boolean;
  checks: Record<string, CheckResult>;
}

async function status(p: TestProject, clock?: FakeClock): Promise<Status> {
  const r = await p.pxectl(["status", "-o", "json"], { clock });
  const value = JSON.parse(r.stdout) as { ok: boolean; checks: CheckResult[] };
  return { exitCode: r.exitCode, ok: value.ok, checks: Object.fromEntries(value.checks.map((c) => [c.name, c])) };
}

const statuses = (s: Status) => Object.fromEntries(Object.values(s.checks).map((c) => [c.name, c.status]));
const ALL_PASS = { config: "pass", init: "pass", credentials: "pass", resources: "pass", power: "pass", ssh: "pass", services: "pass", http: "pass", assets: "skip", certificates: "pass", grpc: "pass", nodes: "pass" };

describe("pxectl status", () => {
  it("says what is missing before init, passes after it, and names each broken part with its fix", async () => {
    const sakura = await startTestServer();
    const p = testProject(host, sakura);

    const before = await status(p);
    expect(before.exitCode).toBe(1);
    expect(before.checks.init).toMatchObject({ status: "fail", detail: "there is no environment here yet", hint: "run pxectl init" });
    expect(before.checks.credentials!.status).toBe("pass"); // the API key is checked even before init
    expect(before.checks.ssh).toMatchObject({ status: "skip", detail: "needs init, which failed" });

    expect((await p.init()).exitCode).toBe(0);
    let matchbox: HostMatchbox = await startHostMatchbox(host, p.root);
    try {
      // init's verify step asks both APIs once something serves them
      const again = await p.init();
      expect(again.exitCode).toBe(0);
      const verify = (JSON.parse(again.stdout) as { steps: Array<{ id: string; detail?: string }> }).steps.find((s) => s.id === "verify");
      expect(verify?.detail).toBe(`HTTP http://192.168.0.1:8080 and gRPC ${host.net.address}:8081 answer (0 groups)`);

      const healthy = await status(p);
      expect(statuses(healthy)).toEqual(ALL_PASS);
      expect(healthy).toMatchObject({ exitCode: 0, ok: true });
      expect(healthy.checks.services!.detail).toBe(`matchbox.service, pxectl-dnsmasq.service, pxectl-nat.service enabled under ${p.root} (installed with --root: nothing runs there)`);
      expect(healthy.checks.grpc!.detail).toBe(`${host.net.address}:8081 answers over mutual TLS (0 groups)`);
      const human = await p.pxectl(["doctor"]);
      expect(human.stdout).toContain(`✓ http          http://192.168.0.1:8080 answers on the switch (asked from the host)`);
      expect(human.stdout).toContain("- assets        Flatcar is not mirrored on the host (init --skip-assets)\n                → pxectl assets prefetch mirrors it");
      expect(human.stdout).toMatch(/healthy: 11 passed, 1 skipped\n$/);

      // a service no longer enabled: services fails, http relies on it, gRPC does not
      const wants = join(p.root, "etc/systemd/system/multi-user.target.wants/pxectl-dnsmasq.service");
      const unit = readlinkSync(wants);
      rmSync(wants);
      let s = await status(p);
      expect(s.exitCode).toBe(1);
      expect(s.checks.services).toMatchObject({ status: "fail", detail: `pxectl-dnsmasq.service is disabled under ${p.root}`, hint: "pxectl init installs and starts them again" });
      expect(s.checks.http).toMatchObject({ status: "skip", detail: "needs services, which failed" });
      expect(s.checks.grpc!.status).toBe("pass");
      symlinkSync(unit, wants);

      // matchbox down: both APIs fail, each with where to look
      await matchbox.stop();
      s = await status(p);
      expect(s.checks.http).toMatchObject({ status: "fail", detail: "matchbox's HTTP API at http://192.168.0.1:8080 does not answer from the host: nothing listens there", hint: "see journalctl -u matchbox.service on the host; pxectl init restarts it" });
      expect(s.checks.grpc).toMatchObject({ status: "fail", detail: expect.stringContaining("connection refused") as string });
      matchbox = await startHostMatchbox(host, p.root);

      // certificates: close to expiry warns (exit 0), expired fails and gRPC is not tried
      const { notAfter } = JSON.parse((await p.pxectl(["cert", "show", "--role", "client", "-o", "json"])).stdout)[0] as { notAfter: string };
      s = await status(p, new FakeClock(Date.parse(notAfter) - 10 * 86_400_000));
      expect(s).toMatchObject({ exitCode: 0, ok: true });
      expect(s.checks.certificates).toMatchObject({ status: "warn", detail: expect.stringMatching(/^the client certificate expires in 10 days/) as string, hint: "pxectl cert rotate --client" });
      s = await status(p, new FakeClock(Date.parse(notAfter) + 86_400_000));
      expect(s.checks.certificates).toMatchObject({ status: "fail", detail: expect.stringMatching(/^\.pxectl\/tls\/client\.crt expired on /) as string, hint: "re-issue it: pxectl cert rotate --client" });
      expect(s.checks.grpc).toMatchObject({ status: "skip", detail: "needs certificates, which failed" });

      // a client certificate from another CA: the hint's command fixes it
      const other = await testPki("other");
      cpSync(other.client.cert, join(p.cwd, ".pxectl/tls/client.crt"));
      cpSync(other.client.key, join(p.cwd, ".pxectl/tls/client.key"));
      s = await status(p);
      expect(s.checks.certificates).toMatchObject({ status: "fail", detail: ".pxectl/tls/client.crt was not issued by this project's CA", hint: "re-issue it: pxectl cert rotate --client" });
      expect((await p.pxectl(["cert", "rotate", "--client"])).exitCode).toBe(0);
      expect(statuses(await status(p))).toEqual(ALL_PASS);

      // something tagged for the environment that state does not know: a warning naming destroy
      const api = connectClient(sakura);
      const stray = await api.switches.create({ name: "demo-stray" });
      s = await status(p);
      expect(s).toMatchObject({ exitCode: 0, ok: true });
      expect(s.checks.resources).toMatchObject({ status: "warn", detail: `switch, server, disk, packetfilter present; tagged for this environment but not in state: switch demo-stray (${stray.id})` });
      expect(s.checks.resources!.hint).toContain("pxectl destroy");

      // sshd gone: every check on the host is skipped behind ssh, gRPC still answers
      await host.sshd.halt();
      s = await status(p);
      expect(s.checks.ssh).toMatchObject({ status: "fail", detail: expect.stringContaining(host.net.address) as string });
      expect([s.checks.services!.status, s.checks.http!.status, s.checks.assets!.status]).toEqual(["skip", "skip", "skip"]);
      expect(s.checks.grpc!.status).toBe("pass");

      // the host server deleted behind pxectl's back
      const serverId = (JSON.parse(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8")) as { resources: { server: { id: string } } }).resources.server.id;
      await stopServer(api, serverId, { force: true }, { clock: api.clock, pollMs: 10 });
      await api.servers.delete(serverId);
      s = await status(p);
      expect(s.checks.resources).toMatchObject({ status: "fail", detail: expect.stringMatching(/^recorded in state but gone from the cloud: server demo-matchbox/) as string, hint: expect.stringContaining("pxectl init") as string });
      expect(s.checks.power).toMatchObject({ status: "skip", detail: "needs resources, which failed" });
      expect(s.checks.ssh).toMatchObject({ status: "skip", detail: "needs power (resources failed)" });

      expect((await p.pxectl(["destroy", "--yes"])).exitCode).toBe(0);
      expect(sakura.inventory()).toEqual([]);
    } finally {
      await matchbox.stop();
    }
  }, 120_000);
});
