// A real dnsmasq (2.90 here) in a private network namespace, a BusyBox DHCP and TFTP client in
// another one acting the firmware's and iPXE's parts; its log stream, read as the follower
// will read journalctl's, goes through the real engine. Needs root: otherwise one loud NOT RUN line (an error under CI=true).
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { promisify } from "node:util";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock";
import { watch } from "../../src/watch/engine";
import type { WatchEvent } from "../../src/watch/events";
import { logSource } from "../../src/watch/lines";
import { missing, missingLine, skipUnless } from "../support/programs";
import { tempDir } from "../support/tempdir";

const skip = skipUnless("watch over a real dnsmasq", process.getuid?.() !== 0 ? "not root" : missingLine(missing({ only: ["dnsmasq", "/bin/busybox", "ip"] })));
const MAC = "52:54:00:77:00:01";

const run = (...args: string[]) => execFileSync(args[0]!, args.slice(1), { stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 }).toString();
// the clients run while the engine reads dnsmasq's stream, as on a real host
const runAsync = async (...args: string[]) => (await promisify(execFile)(args[0]!, args.slice(1), { timeout: 20_000 })).stdout;

describe.skipIf(skip)("watch over a real dnsmasq", () => {
  it("follows a client from DHCP through TFTP to iPXE, and reports the boot file it could not get", async () => {
    const dir = tempDir({ "tftp/undionly.kpxe": "x".repeat(2000) });
    const id = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const server = `pxw-s-${id}`;
    const client = `pxw-c-${id}`;
    const script = join(dir, "udhcpc.sh");
    writeFileSync(script, '#!/bin/sh\ncase "$1" in bound|renew) ip addr add "$ip/24" dev "$interface" 2>/dev/null;; esac\nexit 0\n', { mode: 0o755 });
    let dnsmasq: ChildProcess | undefined;
    try {
      run("ip", "netns", "add", server);
      run("ip", "netns", "add", client);
      run("ip", "-n", server, "link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", client);
      run("ip", "-n", client, "link", "set", "v1", "address", MAC);
      run("ip", "-n", server, "addr", "add", "10.77.0.1/24", "dev", "v0");
      run("ip", "-n", server, "link", "set", "v0", "up");
      run("ip", "-n", client, "link", "set", "v1", "up");
      dnsmasq = spawn("ip", ["netns", "exec", server, "dnsmasq", "-k", "--log-facility=-", "--log-dhcp", "--conf-file=/dev/null", "--port=0", "--interface=v0", "--bind-interfaces",
        "--dhcp-range=10.77.0.50,10.77.0.99,1h", `--dhcp-leasefile=${join(dir, "leases")}`, "--enable-tftp", `--tftp-root=${join(dir, "tftp")}`, "--no-ping", "--user=root", "--group=root",
        "--dhcp-match=set:bios,option:client-arch,0", "--dhcp-boot=tag:bios,undionly.kpxe", "--dhcp-userclass=set:ipxe,iPXE", "--dhcp-boot=tag:ipxe,http://10.77.0.1:8080/boot.ipxe"], { stdio: ["ignore", "ignore", "pipe"] });
      const events: WatchEvent[] = [];
      const watching = watch(
        { logs: [logSource(dnsmasq.stderr!, "dnsmasq", systemClock)], registry: { nodes: () => [{ name: "node1", mac: MAC }] } },
        { until: "installed", timeoutMs: 60_000 },
        { clock: systemClock, observer: { event: (e) => events.push(e) } },
      );
      const inClient = (...args: string[]) => runAsync("ip", "netns", "exec", client, ...args);
      const udhcpc = (...options: string[]) => inClient("busybox", "udhcpc", "-i", "v1", "-n", "-q", "-f", "-t", "5", "-T", "1", "-s", script, ...options);
      await new Promise((r) => setTimeout(r, 300)); // dnsmasq binds
      // the firmware: PXE vendor class, client arch 0 (BIOS), asks for the boot file
      await udhcpc("-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x5d:0000", "-O", "66", "-O", "67");
      await expect(inClient("busybox", "tftp", "-g", "-r", "missing.efi", "-l", "/dev/null", "10.77.0.1")).rejects.toThrow();
      await inClient("busybox", "tftp", "-g", "-r", "undionly.kpxe", "-l", "/dev/null", "10.77.0.1");
      // iPXE: user class iPXE (option 77)
      await udhcpc("-V", "PXEClient:Arch:00000:UNDI:002001", "-x", "0x4d:69505845");
      await new Promise((r) => setTimeout(r, 300));
      dnsmasq.kill("SIGTERM");
      const result = await watching;
      expect(result.outcome).toBe("ended");
      const seen = events.flatMap((e) => (e.type === "stage" ? [e.stage] : e.type === "stuck" ? [`stuck: ${e.cause}`] : []));
      expect(seen).toEqual(["dhcp", "stuck: boot-file-missing", "boot-file", "ipxe"]);
      expect(result.nodes[0], JSON.stringify(result.nodes[0])).toMatchObject({ node: "node1", stage: "ipxe", ip: expect.stringMatching(/^10\.77\.0\./), stuck: undefined });
    } finally {
      dnsmasq?.kill("SIGKILL");
      for (const ns of [server, client]) {
        try {
          run("ip", "netns", "del", ns);
        } catch {
          // not created
        }
      }
    }
  });
});
