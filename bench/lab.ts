// bench/lab: 3 VMs from power-on to installed (booted from their disk, the config on it)
//  1. through pxectl: lab up (dnsmasq with pxectl's rendered config, matchbox fed over mutual
//     TLS), node add, lab boot, and pxectl watch switching each installed node to local boot;
//  2. the baseline: the same VMs, kernel, initrd and image, booted by a minimal hand-written
//     dnsmasq.conf and a 40-line HTTP server that answers the same URLs.
// Each run times QEMU start to the last VM printing PXECTL-LAB-BOOTED. Goal: ratio <= 1.1.
// Usage (root): npm run build && npx tsx --import ./scripts/register-text.mjs bench/lab.ts [rounds]
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureInstallerOs } from "../src/lab/installer-os";
import { type VmSpec, prepareVmFiles, qemuArgs } from "../src/lab/vm";

const ROUNDS = Number(process.argv[2] ?? 1);
const ROOT = join(import.meta.dirname, "..");
const PXECTL = [process.execPath, join(ROOT, "dist/pxectl.cjs")];
const MATCHBOX = join(ROOT, "dist/matchbox-test-server.cjs");
const CACHE = process.env.PXECTL_LAB_CACHE ?? join(ROOT, ".cache/lab");
const MACS = ["52:54:00:70:78:31", "52:54:00:70:78:32", "52:54:00:70:78:33"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sh = (cmd: string, args: string[], cwd?: string) => execFileSync(cmd, args, { cwd, env: { ...process.env, PXECTL_LAB_CACHE: CACHE }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

async function untilBooted(consoles: string[], timeoutMs = 300_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (consoles.every((c) => readFileSync(c, "utf8").includes("PXECTL-LAB-BOOTED"))) return Date.now();
    if (Date.now() > deadline) throw new Error(`VMs not installed in ${timeoutMs / 1000} s: ${consoles.join(" ")}`);
    await sleep(100);
  }
}

async function throughPxectl(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "pxectl-bench-lab-"));
  try {
    sh(PXECTL[0]!, [PXECTL[1]!, "lab", "up", "--matchbox-binary", MATCHBOX, "-o", "json"], dir);
    MACS.forEach((mac, i) => sh(PXECTL[0]!, [PXECTL[1]!, "node", "add", "--mac", mac, "--name", `b${i + 1}`, "-o", "json"], dir));
    const watch = spawn(PXECTL[0]!, [PXECTL[1]!, "watch", "--until", "installed", "--timeout", "300s", "-o", "json"], { cwd: dir, stdio: "ignore" });
    await sleep(500);
    const started = Date.now();
    sh(PXECTL[0]!, [PXECTL[1]!, "lab", "boot", ...MACS], dir);
    const done = await untilBooted(MACS.map((m) => join(dir, ".pxectl/lab/vms", `${m.replaceAll(":", "")}.console.log`)));
    watch.kill();
    return done - started;
  } finally {
    sh(PXECTL[0]!, [PXECTL[1]!, "lab", "down"], dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function handWritten(): Promise<number> {
  const os = await ensureInstallerOs(CACHE);
  const dir = mkdtempSync(join(tmpdir(), "pxectl-bench-hand-"));
  const ns = `pxbench-${process.pid}`;
  const children: ChildProcess[] = [];
  try {
    sh("ip", ["netns", "add", ns]);
    sh("ip", ["-n", ns, "link", "set", "lo", "up"]);
    sh("ip", ["-n", ns, "link", "add", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "0"]);
    sh("ip", ["-n", ns, "addr", "add", "10.254.0.1/24", "dev", "br0"]);
    sh("ip", ["-n", ns, "addr", "add", "fd00:254::1/64", "dev", "br0", "nodad"]);
    sh("ip", ["-n", ns, "link", "set", "br0", "up"]);
    writeFileSync(join(dir, "dnsmasq.conf"), [
      "port=0", "interface=br0", "bind-interfaces", "user=root", `dhcp-leasefile=${dir}/leases`, "dhcp-range=10.254.0.100,10.254.0.199,255.255.255.0,1h",
      "dhcp-option=option:router", "dhcp-userclass=set:ipxe,iPXE", "dhcp-boot=tag:ipxe,http://10.254.0.1:8080/boot.ipxe", "dhcp-option=tag:ipxe,encap:175,176,1b",
      "enable-ra", "dhcp-range=fd00:254::,ra-only,64", "ra-param=br0,10,0", "no-ping", "",
    ].join("\n"));
    children.push(spawn("ip", ["netns", "exec", ns, "dnsmasq", "--keep-in-foreground", "-C", join(dir, "dnsmasq.conf")], { stdio: "ignore" }));
    // the HTTP server runs here and listens inside the namespace through a socket made there
    children.push(spawn("ip", ["netns", "exec", ns, process.execPath, "-e", SERVER, os.kernel, os.initrd, os.image], { stdio: "ignore" }));
    await sleep(800);
    const consoles: string[] = [];
    const started = Date.now();
    for (const [i, mac] of MACS.entries()) {
      sh("ip", ["-n", ns, "tuntap", "add", "dev", `tap${i}`, "mode", "tap"]);
      sh("ip", ["-n", ns, "link", "set", `tap${i}`, "master", "br0", "up"]);
      const vm: VmSpec = { name: `h${i}`, mac, tap: `tap${i}`, disk: join(dir, `${i}.img`), varsFile: join(dir, `${i}.fd`), console: join(dir, `${i}.log`), firmware: "bios", accel: "tcg", memoryMB: 384 };
      await prepareVmFiles(vm, true);
      writeFileSync(vm.console, "");
      consoles.push(vm.console);
      children.push(spawn("ip", ["netns", "exec", ns, "qemu-system-x86_64", ...qemuArgs(vm)], { stdio: "ignore" }));
    }
    return (await untilBooted(consoles)) - started;
  } finally {
    for (const c of children) c.kill("SIGKILL");
    await sleep(300);
    sh("ip", ["netns", "del", ns]);
    rmSync(dir, { recursive: true, force: true });
  }
}

// The hand-written server: boot script, per-MAC install script (local boot once installed), configs, files.
const SERVER = `
const http = require("node:http"), fs = require("node:fs");
const [kernel, initrd, image] = process.argv.slice(1);
const installed = new Set();
const base = "http://10.254.0.1:8080";
http.createServer((req, res) => {
  const url = new URL(req.url, base), mac = (url.searchParams.get("mac") || "").replaceAll("-", ":");
  const send = (body) => res.end(body);
  if (url.pathname === "/boot.ipxe") return send("#!ipxe\\nchain " + base + "/install.ipxe?mac=\${mac:hexhyp}\\n");
  if (url.pathname === "/install.ipxe") return send(installed.has(mac) ? "#!ipxe\\nexit\\n" : "#!ipxe\\nkernel " + base + "/vmlinuz initrd=initrd.img pxectl.config_url=" + base + "/ignition?mac=" + mac + " pxectl.image_url=" + base + "/image.bin console=ttyS0 panic=-1 quiet\\ninitrd " + base + "/initrd.img\\nboot\\n");
  if (url.pathname === "/ignition") {
    if (url.searchParams.get("os") === "installed") installed.add(mac);
    return send(JSON.stringify({ ignition: { version: "3.4.0" }, storage: { files: [{ path: "/etc/hostname", contents: { source: "data:," + mac } }] } }));
  }
  const file = { "/vmlinuz": kernel, "/initrd.img": initrd, "/image.bin": image }[url.pathname];
  if (file) return fs.createReadStream(file).pipe(res);
  res.statusCode = 404; res.end();
}).listen(8080, "10.254.0.1");
`;

const pxectl: number[] = [];
const hand: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  hand.push(await handWritten());
  pxectl.push(await throughPxectl());
  process.stderr.write(`round ${r + 1}: pxectl ${(pxectl[r]! / 1000).toFixed(1)} s, hand-written ${(hand[r]! / 1000).toFixed(1)} s\n`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const [p, h] = [median(pxectl), median(hand)];
console.log(`3 VMs, power-on to installed (booted from disk), median of ${ROUNDS}:`);
console.log(`  through pxectl (lab + node add + watch guard): ${(p / 1000).toFixed(1)} s`);
console.log(`  hand-written dnsmasq.conf + HTTP server:      ${(h / 1000).toFixed(1)} s`);
console.log(`  ratio ${(p / h).toFixed(2)} (goal <= 1.1)`);
