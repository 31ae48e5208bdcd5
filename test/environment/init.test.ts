// pxectl init and destroy end to end: the SakuraCloud test server for the cloud, a real
// sshd in a network namespace standing in for the host (test/support/init-lab.ts), the
// installer under --root.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli";
import { FakeClock } from "../support/clock";
import { type InitLab, SWITCH_MAC, initProject, startInitLab } from "../support/init-lab";
import { startSakuraTestServer } from "../support/sakuracloud/server";

let lab: InitLab;

beforeAll(async () => {
  lab = await startInitLab();
}, 60_000);

afterAll(async () => {
  await lab?.close();
});

describe("pxectl init and destroy", () => {
  it("build the environment, run again without change, and destroy it leaving nothing", async () => {
    const sakura = await startSakuraTestServer();
    try {
      const p = initProject(lab, sakura);
      const first = await p.init();
      expect(first.stderr).not.toMatch(/error/);
      expect(first.exitCode).toBe(0);
      const result = JSON.parse(first.stdout) as { host: { hostKey: string }; matchbox: { grpcEndpoint: string; httpEndpoint: string }; steps: Array<{ id: string; changed: boolean; status: string }> };
      expect(result.matchbox).toEqual({ grpcEndpoint: `${lab.host.address}:8081`, httpEndpoint: "http://192.168.0.1:8080" });
      expect(result.host.hostKey).toBe(lab.sshd.hostKeyFingerprint());
      expect(result.steps.map((s) => s.id)).toEqual([
        "operator-key", "cloud-account", "switch", "server", "disk", "disk-edit", "packet-filter", "power-on",
        "ssh", "switch-nic", "certificates", "install", "assets", "verify", "record",
      ]);
      expect(sakura.inventory().map((i) => i.kind).sort()).toEqual(["disk", "interface", "interface", "packetfilter", "server", "switch"]);
      // on the host (under --root): netplan for NIC 1, matchbox's unit and TLS files, dnsmasq on ens4
      expect(readFileSync(join(p.root, "etc/netplan/60-pxectl-switch.yaml"), "utf8")).toContain(`macaddress: "${SWITCH_MAC}"`);
      expect(readFileSync(join(p.root, "etc/pxectl/dnsmasq.conf"), "utf8")).toContain("interface=ens4");
      expect(readFileSync(join(p.root, "etc/matchbox/server.crt"), "utf8")).toBe(readFileSync(join(p.cwd, ".pxectl/tls/server.crt"), "utf8"));
      expect(existsSync(join(p.root, "etc/matchbox/ca.key"))).toBe(false); // the CA key never leaves the operator's machine
      expect(statSync(join(p.cwd, ".pxectl/tls/ca.key")).mode & 0o777).toBe(0o600);

      const again = await p.init();
      expect(again.exitCode).toBe(0);
      const steps = (JSON.parse(again.stdout) as typeof result).steps;
      expect(steps.filter((s) => s.changed).map((s) => s.id)).toEqual([]);

      const destroy = await runCli(["destroy", "--yes", "-o", "json"], { cwd: p.cwd, env: p.env, clock: new FakeClock() });
      expect(destroy.exitCode).toBe(0);
      expect(JSON.parse(destroy.stdout)).toMatchObject({ env: "demo", purged: false });
      expect(sakura.inventory()).toEqual([]);
      const state = JSON.parse(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8")) as { resources: object; host: unknown };
      expect(state).toMatchObject({ resources: {}, host: null });
    } finally {
      await sakura.close();
    }
  }, 120_000);
});

describe("the local-boot answer", () => {
  it("is served from the path the node profiles name", async () => {
    const { HOST_PATHS } = await import("../../src/remote/installer/paths");
    const { LOCALBOOT_ASSET } = await import("../../src/nodes/objects");
    expect(HOST_PATHS.localbootScript).toBe(HOST_PATHS.matchboxAssets + LOCALBOOT_ASSET.replace(/^\/assets/, ""));
  });
});
