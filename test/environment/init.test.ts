// pxectl init and destroy end to end: the SakuraCloud test server for the cloud, a real
// sshd in a network namespace standing in for the host (its NIC 1 has the MAC the test
// server gives the first server's second NIC), the installer under --root.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SWITCH_MAC, type TestHost, startTestHost, testProject } from "../support/environment";
import { startSakuraTestServer } from "../support/sakuracloud/server";

let host: TestHost;

beforeAll(async () => {
  host = await startTestHost();
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

describe("pxectl init and destroy", () => {
  it("build the environment, run again without change, and destroy it leaving nothing", async () => {
    const sakura = await startSakuraTestServer();
    try {
      const p = testProject(host, sakura);
      const first = await p.init();
      expect(first.stderr).not.toMatch(/error/);
      expect(first.exitCode).toBe(0);
      const result = JSON.parse(first.stdout) as { host: { hostKey: string }; matchbox: { grpcEndpoint: string; httpEndpoint: string }; steps: Array<{ id: string; changed: boolean; status: string; detail?: string }> };
      expect(result.matchbox).toEqual({ grpcEndpoint: `${host.net.address}:8081`, httpEndpoint: "http://192.168.0.1:8080" });
      expect(result.host.hostKey).toBe(host.sshd.hostKeyFingerprint());
      expect(result.steps.map((s) => s.id)).toEqual([
        "operator-key", "cloud-account", "switch", "server", "disk", "disk-edit", "packet-filter", "power-on",
        "ssh", "switch-nic", "certificates", "install", "assets", "verify", "record",
      ]);
      expect(sakura.inventory().map((i) => i.kind).sort()).toEqual(["disk", "interface", "interface", "packetfilter", "server", "switch"]);
      // nothing runs under --root, and nothing else serves matchbox here (status.test.ts starts one)
      expect(result.steps.find((s) => s.id === "verify")?.detail).toBe(`installed under ${p.root}: nothing answers at http://192.168.0.1:8080 (nothing listens there)`);
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

      const destroy = await p.pxectl(["destroy", "--yes", "-o", "json"]);
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

describe("pxectl init with Debian 12 as the host's archive", () => {
  it("copies the newest Debian 12 archive and gives NIC 1 its address with systemd-networkd, not netplan", async () => {
    const sakura = await startSakuraTestServer();
    try {
      const p = testProject(host, sakura, { archive: "debian-12" });
      const first = await p.init();
      expect(first.stderr).not.toMatch(/error/);
      expect(first.exitCode).toBe(0);
      const disk = sakura.inventory().find((i) => i.kind === "disk")!;
      const source = sakura.store.get("disk", disk.zone, disk.id)?.sourceArchiveId;
      expect(source && sakura.store.get("archive", disk.zone, source)?.name).toBe("Debian GNU/Linux 12.9 64bit");
      const network = readFileSync(join(p.root, "etc/systemd/network/60-pxectl-switch.network"), "utf8");
      expect(network).toContain(`MACAddress=${SWITCH_MAC}`);
      expect(network).toContain("Address=192.168.0.1/24");
      expect(statSync(join(p.root, "etc/systemd/network/60-pxectl-switch.network")).mode & 0o777).toBe(0o644);
      expect(existsSync(join(p.root, "etc/netplan/60-pxectl-switch.yaml"))).toBe(false);
      expect(readFileSync(join(p.root, "etc/pxectl/dnsmasq.conf"), "utf8")).toContain("interface=ens4");

      const again = await p.init();
      expect(again.exitCode).toBe(0);
      expect((JSON.parse(again.stdout) as { steps: Array<{ id: string; changed: boolean }> }).steps.filter((s) => s.changed).map((s) => s.id)).toEqual([]);
      expect((await p.pxectl(["destroy", "--yes", "-o", "json"])).exitCode).toBe(0);
      expect(sakura.inventory()).toEqual([]);
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
