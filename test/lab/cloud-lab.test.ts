// SakuraCloud replayed on this machine, nothing of pxectl bypassed: the machine-backed
// SakuraCloud test server (switches are bridges, servers QEMU VMs, the Debian 12 archive
// the lab's host image, packet filters nftables), `pxectl init` unchanged against it (SSH
// with a pinned host key, the installer for real under systemd, certificates, the check
// over mutual TLS) with the real matchbox uploaded, then two blank-disk servers made by
// `node add --create` that network-boot from the host's dnsmasq and matchbox, install the
// lab's tiny OS and reboot into it, followed by `watch` through the host's journal, and
// `destroy` leaving nothing. On the way, what a node can reach: with network.forward the
// installer fetches a probe URL on the uplink side through the host's SNAT; then the same host
// rebooted through the API (everything init set up comes back by itself), then switched to
// dhcp: proxy and forward: false, with a separate DHCP server on the switch handing out
// addresses (and the host as router), reinstalls a node that can no longer get out.
// Timings are printed, not asserted.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cloudLabProjectText, writeCloudLabProject } from "../../src/lab/cloud-project";
import { type CliRun, spawnCli } from "../support/cli";
import { LAB_CACHE, Timings } from "../support/lab";
import { realMatchboxBinary, skipWithoutRealMatchbox } from "../support/real-matchbox";
import { machinesUnavailable } from "../support/sakuracloud/machines/available";
import { type CloudLab, startCloudLab } from "../support/sakuracloud/machines/cloud-lab";
import { callApi, until } from "../support/sakuracloud/api";
import { links } from "../support/sakuracloud/machines/network";

const MATCHBOX = realMatchboxBinary();
const noMachines = machinesUnavailable({ hostImage: true });
if (noMachines && !process.env.CI) process.stderr.write(`\n!!! CLOUD LAB NOT RUN: ${noMachines} !!!\n\n`);
// CI must run it: there a missing program fails the test instead of skipping it
const skip = skipWithoutRealMatchbox("cloud lab (pxectl init against the machine-backed SakuraCloud test server)") || (noMachines !== undefined && !process.env.CI);

const dir = mkdtempSync(join(tmpdir(), "pxectl-cloud-lab-"));
const timings = new Timings("cloud lab timings");
let lab: CloudLab | undefined;
let env: NodeJS.ProcessEnv = {};
const pxectl = (...argv: string[]): Promise<CliRun> => spawnCli(argv, { cwd: dir, env });
const ok = (r: CliRun) => expect(r.exitCode, `${r.stderr}\n${r.stdout}`).toBe(0);
const state = () => JSON.parse(readFileSync(join(dir, ".pxectl/state.json"), "utf8")) as { host: { public_address: string; server_id: string }; nodes: Record<string, { mac: string; cloud_id?: string }> };
const knownHosts = join(dir, "known_hosts");
/** onHost runs a command on the host VM as the operator does (the key init made; the host key checked from the first use on). */
const onHost = (command: string): string =>
  execFileSync("ssh", ["-i", join(dir, ".pxectl/ssh/id_ed25519"), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new", "-o", `UserKnownHostsFile=${knownHosts}`, "-o", "ConnectTimeout=20", `root@${state().host.public_address}`, command], { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] });
const onHostStatus = (command: string): string => {
  try {
    return onHost(command);
  } catch (e) {
    return (e as { stdout?: string }).stdout ?? "";
  }
};

/** consoleTails is the end of every VM's serial console, for a failure's story. */
const consoleTails = (): string => {
  const machines = lab?.server.machines;
  if (!machines) return "";
  const files = execFileSync("find", [join(machines.workDir, "consoles"), "-name", "*.log"], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  return files.map((f) => `--- ${f}\n${readFileSync(f, "utf8").trim().split("\n").slice(-25).join("\n")}\n`).join("");
};

/** The probe: an HTTP server at this machine's address on the uplink side, which records who asked. */
const probeCallers: string[] = [];
let probe: Server | undefined;
let probeUrl = "";
async function startProbe(address: string): Promise<void> {
  probe = createServer((req, res) => {
    probeCallers.push(req.socket.remoteAddress ?? "?");
    res.end("pxectl probe answered\n");
  });
  await new Promise<void>((resolve, reject) => probe!.once("error", reject).listen(0, address, resolve));
  probeUrl = `http://${address}:${(probe.address() as AddressInfo).port}/probe`;
}

/** The separate DHCP server for dhcp: proxy: dnsmasq in a namespace of its own, plugged into the switch's bridge. */
let dhcpServer: { namespace: string; process: ReturnType<typeof spawn>; leases: string } | undefined;
function stopDhcpServer(): void {
  if (!dhcpServer) return;
  dhcpServer.process.kill("SIGKILL");
  spawnSync("ip", ["netns", "del", dhcpServer.namespace]);
  dhcpServer = undefined;
}

const api = (method: string, path: string) => callApi(lab!.server, method, path);
const waitFor = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> => until(what, probe, timeoutMs, 1000);

const nodeConsole = (name: string): string => readFileSync(lab!.server.machines!.consoleOf(state().nodes[name]!.cloud_id!), "utf8");
/** WatchDone is watch -o json's last line: each node's stages of its last boot cycle, with ISO times. */
interface WatchDone {
  outcome: string;
  nodes: Array<{ node: string; stage: string; reached: boolean; cycle: number; stages: Array<{ stage: string; at: string; duration_ms: number }> }>;
}
const watchDone = (r: CliRun): WatchDone => JSON.parse(r.stdout.trim().split("\n").at(-1)!) as WatchDone;
const stagePath = (n: WatchDone["nodes"][number]): string => n.stages.map((x) => `${x.stage} ${(x.duration_ms / 1000).toFixed(1)} s`).join(", ");

afterAll(async () => {
  stopDhcpServer();
  probe?.close();
  await lab?.close();
  rmSync(dir, { recursive: true, force: true });
  timings.print();
}, 120_000);

describe.skipIf(skip)("the cloud lab: SakuraCloud on one machine", () => {
  it("init builds a real Debian 12 host from the API: systemd runs matchbox and dnsmasq with the files init wrote", { timeout: 600_000 }, async () => {
    lab = await startCloudLab({ cacheDir: LAB_CACHE });
    timings.add(`host image ${lab.timings.hostImageBuilt ? "built" : "cache hit"} ${(lab.timings.hostImageMs / 1000).toFixed(1)} s`);
    env = { ...lab.env, PXECTL_LAB_CACHE: LAB_CACHE };
    const net = lab.server.machines!.network;
    await writeCloudLabProject(join(dir, "pxectl.yaml"), { allowFrom: `${net.operatorAddress}/32`, forward: true, name: "cloudlab" });
    // the installer fetches the probe once it has its lease (the lab OS's pxectl.probe_url)
    await startProbe(net.operatorAddress);
    const profiles = join(dir, "profiles/lab.yaml");
    writeFileSync(profiles, readFileSync(profiles, "utf8").replace("    - console=ttyS0\n", `    - pxectl.probe_url=${probeUrl}\n    - console=ttyS0\n`));

    // an Ubuntu host cannot be built here: the API says so, before anything is made
    const init = await timings.time("init", () => pxectl("init", "--matchbox-binary", MATCHBOX!, "--skip-assets", "-o", "json"));
    if (init.exitCode !== 0) process.stderr.write(consoleTails());
    ok(init);
    const result = JSON.parse(init.stdout) as { host: { hostKey: string }; matchbox: { grpcEndpoint: string; httpEndpoint: string }; steps: Array<{ id: string; changed: boolean; detail?: string; seconds: number }> };
    timings.add(`init's steps: ${result.steps.filter((s) => s.seconds >= 1).map((s) => `${s.id} ${s.seconds.toFixed(0)} s`).join(", ")}`);
    const address = state().host.public_address;
    expect(address.startsWith(net.shared.network.replace(/0$/, ""))).toBe(true);
    expect(result.matchbox).toEqual({ grpcEndpoint: `${address}:8081`, httpEndpoint: "http://192.168.0.1:8080" });
    expect(result.steps.find((s) => s.id === "verify")?.detail).toMatch(/^HTTP http:\/\/192\.168\.0\.1:8080 and gRPC .* answer/);
    expect(lab.server.inventory().map((i) => i.kind).sort()).toEqual(["disk", "interface", "interface", "packetfilter", "server", "switch"]);

    // the host's own view: systemd runs what init installed, with the files init wrote
    const services = "matchbox pxectl-dnsmasq pxectl-nat";
    expect(onHostStatus(`systemctl is-active ${services}`).trim().split("\n")).toEqual(["active", "active", "active"]);
    expect(onHostStatus(`systemctl is-enabled ${services}`).trim().split("\n")).toEqual(["enabled", "enabled", "enabled"]);
    const journal = onHost("journalctl -b --no-pager -o cat -u matchbox -u pxectl-dnsmasq");
    expect(journal).toMatch(/matchbox/i);
    expect(journal).toMatch(/dnsmasq.*started|started.*dnsmasq|DHCP, IP range 192\.168\.0\.100/i);
    const dnsmasqCmdline = onHost("cat /proc/$(systemctl show -p MainPID --value pxectl-dnsmasq)/cmdline | tr '\\0' ' '");
    expect(dnsmasqCmdline).toContain("/etc/pxectl/dnsmasq.conf");
    expect(onHost("ip -4 -o addr show")).toContain("192.168.0.1/24");
    expect(onHost("sysctl -n net.ipv4.ip_forward").trim()).toBe("1");

    // the packet filter is enforced: this machine (allow_from) connects to SSH and gRPC; the
    // segment's gateway (not in allow_from) gets no answer at all (dropped: timeout's 124)
    const connect = (port: number, inside: boolean) =>
      spawnSync(inside ? "ip" : "timeout", [...(inside ? ["netns", "exec", net.namespace, "timeout"] : []), "10", "bash", "-c", `exec<>/dev/tcp/${address}/${port}`], { stdio: "ignore" }).status;
    expect([connect(22, false), connect(8081, false)]).toEqual([0, 0]);
    expect([connect(22, true), connect(8081, true)]).toEqual([124, 124]);
    process.stderr.write(`cloud lab: host journal (matchbox, dnsmasq):\n${journal.split("\n").filter((l) => /matchbox|dnsmasq|DHCP|TFTP/i.test(l)).slice(0, 12).join("\n")}\n`);
  });

  it("init run again on the finished host changes nothing", { timeout: 300_000 }, async () => {
    const again = await timings.time("init again", () => pxectl("init", "--matchbox-binary", MATCHBOX!, "--skip-assets", "-o", "json"));
    ok(again);
    const steps = (JSON.parse(again.stdout) as { steps: Array<{ id: string; changed: boolean }> }).steps;
    expect(steps.filter((s) => s.changed).map((s) => s.id)).toEqual([]);
  });

  it("two blank-disk servers network-boot from the host, install the lab OS and reboot into it; watch follows them through the host's journal", { timeout: 600_000 }, async () => {
    ok(await pxectl("profile", "apply", "-o", "json"));
    const add = await timings.time("node add --create (2)", () => pxectl("node", "add", "--create", "--count", "2", "-o", "json"));
    ok(add);
    const watch = await timings.time("2 nodes from power-on to installed", () => pxectl("watch", "--until", "installed", "--timeout", "420s", "-o", "json"));
    if (watch.exitCode !== 0) process.stderr.write(consoleTails());
    expect(watch.exitCode, watch.stderr + watch.stdout.slice(-3000)).toBe(0);
    const done = watchDone(watch);
    expect(done.nodes.map((n) => [n.stage, n.reached])).toEqual([["installed", true], ["installed", true]]);
    for (const n of done.nodes) timings.add(`${n.node} (boot cycle ${n.cycle}): ${stagePath(n)}`);
    // the nodes' own consoles: the lab OS got its lease and router from the host, installed,
    // and booted from its disk
    for (const name of Object.keys(state().nodes)) {
      const console = nodeConsole(name);
      expect(console).toMatch(/PXECTL-LAB: lease 192\.168\.0\.1\d\d\/24 from 192\.168\.0\.1 router 192\.168\.0\.1/);
      expect(console).toContain("PXECTL-LAB-INSTALLED");
      expect(console).toContain("PXECTL-LAB-BOOTED");
      // network.forward: true, and the node got out to the uplink side
      expect(console).toContain(`PXECTL-LAB-PROBE reached ${probeUrl}: pxectl probe answered`);
    }
    // ... through the host's SNAT: the probe saw the host's public address, never a node's
    expect(probeCallers.length).toBeGreaterThanOrEqual(2);
    expect(new Set(probeCallers)).toEqual(new Set([state().host.public_address]));
    // the host's dnsmasq leased them their addresses
    const leases = onHost("cat /var/lib/misc/dnsmasq.leases /var/lib/pxectl/dnsmasq.leases 2>/dev/null || true");
    for (const node of Object.values(state().nodes)) expect(leases.toLowerCase()).toContain(node.mac.toLowerCase());

    const status = await timings.time("status", () => pxectl("status", "-o", "json"));
    ok(status);
    const checks = (JSON.parse(status.stdout) as { checks: Array<{ name: string; status: string }> }).checks;
    // assets is skipped, not failed: the nodes install the lab OS, and Flatcar was never mirrored (init --skip-assets)
    expect(checks.filter((c) => c.status !== "pass" && !(c.name === "assets" && c.status === "skip"))).toEqual([]);
  });

  it("the host rebooted through the API: matchbox, dnsmasq, the switch address and the NAT come back by themselves", { timeout: 400_000 }, async () => {
    const host = state().host.server_id;
    const bootId = onHost("cat /proc/sys/kernel/random/boot_id");
    // the ACPI power button (the guest shuts down, QEMU exits), then power on: a cold boot
    await timings.time("host reboot through the API", async () => {
      expect((await api("DELETE", `server/${host}/power`)).status).toBe(200);
      await waitFor("the host down", async () => (await api("GET", `server/${host}`)).json.Server.Instance.Status === "down", 120_000);
      expect((await api("PUT", `server/${host}/power`)).status).toBe(200);
      const services = "matchbox pxectl-dnsmasq pxectl-nat";
      await waitFor("the host's services after its reboot", () => onHostStatus(`systemctl is-active ${services}`).trim() === "active\nactive\nactive" || undefined, 240_000);
    });
    expect(onHost("cat /proc/sys/kernel/random/boot_id")).not.toBe(bootId);
    expect(onHost("ip -4 -o addr show")).toContain("192.168.0.1/24");
    expect(onHost("sysctl -n net.ipv4.ip_forward").trim()).toBe("1");
    expect(onHost("nft list table ip pxectl")).toMatch(/ip saddr 192\.168\.0\.0\/24 oifname "\w+" masquerade/);
  });

  it("dhcp: proxy with a separate DHCP server on the switch and forward: false: a reinstalled node leases from that server, boots from the host, and cannot get out", { timeout: 600_000 }, async (t) => {
    t.onTestFinished(stopDhcpServer);
    const machines = lab!.server.machines!;
    const net = machines.network;
    // the separate DHCP server: its own namespace, a veth into the switch's bridge, plain DHCP
    // for 192.168.0.50-99 with the host as router (which, with forward: false, routes nothing)
    const sw = lab!.server.inventory().find((i) => i.kind === "switch")!;
    const namespace = `${net.namespace}-dhcp`;
    const leases = join(dir, "separate-dhcp.leases");
    execFileSync("ip", ["netns", "add", namespace]);
    dhcpServer = { namespace, leases, process: spawn("true") };
    execFileSync("ip", ["-n", namespace, "link", "add", "dhcp0", "type", "veth", "peer", "name", "dhcpsrv", "netns", net.namespace]);
    execFileSync("ip", ["-n", net.namespace, "link", "set", "dhcpsrv", "master", `sw${sw.id.slice(-6)}`, "up"]);
    execFileSync("ip", ["-n", namespace, "addr", "add", "192.168.0.2/24", "dev", "dhcp0"]);
    execFileSync("ip", ["-n", namespace, "link", "set", "dhcp0", "up"]);
    dhcpServer.process = spawn("ip", ["netns", "exec", namespace, "dnsmasq", "--keep-in-foreground", "--port=0", "--interface=dhcp0", "--bind-interfaces", "--dhcp-range=192.168.0.50,192.168.0.99,255.255.255.0,1h", "--dhcp-option=option:router,192.168.0.1", `--dhcp-leasefile=${leases}`, "--conf-file=/dev/null", "--log-dhcp", "--log-facility=-"], { stdio: "ignore" });

    // the same project, now proxy DHCP without forwarding: init reconfigures the running host
    writeFileSync(join(dir, "pxectl.yaml"), cloudLabProjectText("cloudlab", { allowFrom: `${net.operatorAddress}/32`, forward: false, dhcp: "proxy" }));
    const init = await timings.time("init to dhcp: proxy, forward: false", () => pxectl("init", "--matchbox-binary", MATCHBOX!, "--skip-assets", "-o", "json"));
    ok(init);
    expect(onHost("grep -c '^dhcp-range=192.168.0.0,proxy' /etc/pxectl/dnsmasq.conf").trim()).toBe("1");
    expect(onHost("sysctl -n net.ipv4.ip_forward").trim()).toBe("0");
    expect(onHostStatus("systemctl is-active pxectl-nat").trim()).not.toBe("active");


    const [name] = Object.keys(state().nodes).sort();
    ok(await pxectl("node", "reinstall", name!, "--yes", "-o", "json"));
    const watch = await timings.time(`${name} reinstalled through proxy DHCP`, () => pxectl("watch", name!, "--until", "installed", "--timeout", "420s", "-o", "json"));
    if (watch.exitCode !== 0) process.stderr.write(consoleTails());
    expect(watch.exitCode, watch.stderr + watch.stdout.slice(-3000)).toBe(0);
    const console = nodeConsole(name!);
    // the address came from the separate server, the boot from the host, and nothing got out
    expect(console).toMatch(/PXECTL-LAB: lease 192\.168\.0\.(5\d|[6-9]\d)\/24 from 192\.168\.0\.2 router 192\.168\.0\.1/);
    expect(console).toContain(`PXECTL-LAB-PROBE unreachable ${probeUrl}`);
    expect(console).toContain("PXECTL-LAB-INSTALLED");
    expect(readFileSync(leases, "utf8").toLowerCase()).toContain(state().nodes[name!]!.mac.toLowerCase());
    expect(onHost("journalctl -u pxectl-dnsmasq -b --no-pager -o cat | grep -c 'proxy' || true").trim()).not.toBe("0");
  });

  it("destroy leaves no resource, VM, bridge, tap, process or disk image", { timeout: 300_000 }, async () => {
    const machines = lab!.server.machines!;
    ok(await timings.time("destroy", () => pxectl("destroy", "--yes", "-o", "json")));
    expect(lab!.server.inventory()).toEqual([]);
    expect(machines.runningPids()).toEqual([]);
    expect((await links(machines.network.namespace)).sort()).toEqual(["lo", "operator", "shared"]);
    expect(execFileSync("find", [join(machines.workDir, "disks"), "-type", "f"], { encoding: "utf8" })).toBe("");
    const ns = machines.network.namespace;
    await lab!.close();
    lab = undefined;
    expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" })).not.toContain(ns);
    expect(execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" })).not.toContain(machines.network.outsideLink);
    expect(existsSync(machines.workDir)).toBe(false);
  });
});
