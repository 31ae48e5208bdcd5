// pxectl init and destroy end to end: the SakuraCloud test server for the cloud, a real
// sshd in a network namespace standing in for the host (its NIC 1 has the MAC the test
// server gives the first server's second NIC), the installer under --root.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STARTER_FILES } from "../../src/project/starter";
import { SWITCH_MAC, type TestHost, startHostMatchbox, startTestHost, testProject } from "../support/environment";
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

describe("pxectl init, first run", () => {
  it("writes a starter profile directory with the operator's key, so node add --mac works next with no hand-written file; a GRUB node's files follow it onto the host", async () => {
    const sakura = await startSakuraTestServer();
    try {
      const p = testProject(host, sakura);
      const init = await p.init();
      expect(init.exitCode, init.stderr).toBe(0);
      expect(init.stderr).toContain("wrote profiles/: Flatcar installed to disk");
      for (const [path, text] of STARTER_FILES) expect(readFileSync(join(p.cwd, "profiles", path), "utf8")).toBe(text);
      const publicKey = readFileSync(`${host.sshd.clientKey}.pub`, "utf8").trim();
      const project = readFileSync(join(p.cwd, "pxectl.yaml"), "utf8");
      expect(project).toContain(`variables:\n  ssh_authorized_key: ${publicKey}\n`);
      expect(project).toMatch(/^name: demo\nsakuracloud:\n/); // the rest of the file as it was

      const matchbox = await startHostMatchbox(host, p.root);
      try {
        const add = await p.pxectl(["node", "add", "--mac", "52:54:00:12:34:56", "-o", "json"]);
        expect(add.exitCode, add.stderr).toBe(0);
        const render = await p.pxectl(["profile", "render", "--mac", "52:54:00:12:34:56", "--query", "os=installed", "--ignition"]);
        expect(render.exitCode, render.stderr).toBe(0);
        expect(render.stdout).toContain(publicKey.split(" ")[1]);
        // an iPXE node needs no file on the host; a GRUB (Secure Boot) node gets its dnsmasq tag and GRUB config, and they go with it
        const hostsDir = join(p.root, "var/lib/pxectl/dhcp-hosts");
        expect(readdirSync(hostsDir)).toEqual([]);
        const grub = await p.pxectl(["node", "add", "--mac", "52:54:00:12:34:57", "--name", "sb", "--boot-loader", "grub"]);
        expect(grub.exitCode, grub.stderr).toBe(0);
        expect(readFileSync(join(hostsDir, "525400123457"), "utf8")).toBe("52:54:00:12:34:57,set:pxectl-grub\n");
        const grubConfig = readFileSync(join(p.root, "var/lib/tftpboot/grub/nodes/52:54:00:12:34:57.cfg"), "utf8");
        const grubRender = await p.pxectl(["profile", "render", "--mac", "52:54:00:12:34:57", "--grub"]);
        expect(grubConfig).toContain(grubRender.stdout.split("\n").slice(1).join("\n").trim());
        expect(grubConfig).toMatch(/^linuxefi "\/assets\/flatcar\//m);
        expect((await p.pxectl(["node", "remove", "sb", "--yes"])).exitCode).toBe(0);
        expect(readdirSync(hostsDir)).toEqual([]);
        expect(readdirSync(join(p.root, "var/lib/tftpboot/grub/nodes"))).toEqual([]);
      } finally {
        await matchbox.stop();
      }
      // a second init leaves the directory, now the user's, alone
      writeFileSync(join(p.cwd, "profiles/flatcar.yaml"), readFileSync(join(p.cwd, "profiles/flatcar.yaml"), "utf8") + "# mine\n");
      expect((await p.init()).exitCode).toBe(0);
      expect(readFileSync(join(p.cwd, "profiles/flatcar.yaml"), "utf8")).toMatch(/# mine\n$/);
    } finally {
      await sakura.close();
    }
  }, 120_000);

  it.each([
    ["a profile directory that does not render", { "profiles/bad.yaml": "kind: profile\nid: x\nboot:\n  kernel: /{{nosuch}}\n" }, [], 3, /nosuch/],
    ["a matchbox program that is not there", {}, ["--matchbox-binary", "no-such-matchbox"], 2, /no-such-matchbox is not a file/],
  ])("creates nothing in the cloud with %s", async (_what, files: Record<string, string>, argv: string[], exitCode, says) => {
    const sakura = await startSakuraTestServer();
    try {
      const p = testProject(host, sakura);
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(p.cwd, path)), { recursive: true });
        writeFileSync(join(p.cwd, path), text);
      }
      const r = await p.pxectl([...p.initArgv.filter((a, i, all) => argv.length === 0 || (a !== "--matchbox-binary" && all[i - 1] !== "--matchbox-binary")), ...argv]);
      expect(r.exitCode, r.stderr).toBe(exitCode);
      expect(r.stderr).toMatch(says);
      expect(r.stderr).toContain("nothing was created");
      expect(sakura.inventory()).toEqual([]);
    } finally {
      await sakura.close();
    }
  }, 60_000);
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

describe("pxectl init's waits", () => {
  /** closedPort is a loopback port nothing listens on: SSH is refused at once, as on a host still booting. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  it.each([
    ["--ssh-wait 2m", ["--ssh-wait", "2m"], "", "2m"],
    ["waits.ssh in pxectl.yaml", [], "waits:\n  ssh: 90s\n", "1m30s"],
  ])("waits for SSH as long as %s says, printing a line every 30 s off a terminal", async (_what, argv, yaml, limit) => {
    const sakura = await startSakuraTestServer();
    try {
      const port = await closedPort();
      const p = testProject(host, sakura, { ssh: { address: "127.0.0.1", port } });
      if (yaml) writeFileSync(join(p.cwd, "pxectl.yaml"), readFileSync(join(p.cwd, "pxectl.yaml"), "utf8") + yaml);
      const r = await p.pxectl([...p.initArgv, ...argv]);
      expect(r.exitCode, r.stderr).toBe(7);
      expect(r.stderr).toMatch(new RegExp(`timed out after ${limit}\\d*s? waiting for SSH on 127\\.0\\.0\\.1:${port}`));
      const progress = r.stderr.split("\n").filter((l) => l.includes(`waiting for SSH on 127.0.0.1:${port} (`));
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress.length).toBeLessThanOrEqual(5); // one every 30 s, not one per attempt
      expect(progress[0]).toContain(`of ${limit}; init --ssh-wait or waits.ssh sets it)`);
    } finally {
      await sakura.close();
    }
  }, 60_000);
});

describe("the local-boot answer", () => {
  it("is served from the path the node profiles name", async () => {
    const { HOST_PATHS } = await import("../../src/remote/installer/paths");
    const { LOCALBOOT_ASSET } = await import("../../src/nodes/objects");
    expect(HOST_PATHS.localbootScript).toBe(HOST_PATHS.matchboxAssets + LOCALBOOT_ASSET.replace(/^\/assets/, ""));
  });
});
