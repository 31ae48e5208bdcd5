// The test server's machine-backed mode, on what needs no host image: a switch is a bridge
// in the server's own namespace, a blank-disk server a QEMU VM that network-boots from it,
// power on / force off start and kill it, packet filters become nftables rules on the
// shared segment, an archive that cannot be built here is refused clearly, and close()
// leaves no namespace, link, route, process or file behind.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startSakuraTestServer } from "../support/sakuracloud/server";
import { callApi as call, until } from "../support/sakuracloud/api";
import { links } from "../support/sakuracloud/machines/network";
import { machinesUnavailable } from "../support/sakuracloud/machines/available";

const skip = machinesUnavailable({ hostImage: false });
if (skip) process.stderr.write(`\n!!! SAKURACLOUD MACHINES TEST NOT RUN: ${skip} !!!\n\n`);

const noImage = { ensure: () => Promise.reject(new Error("this test has no host image")), copy: () => Promise.reject(new Error("no host image")), edit: () => Promise.reject(new Error("no host image")) };

describe.skipIf(skip)("the machine-backed SakuraCloud test server", () => {
  it("backs switches, blank-disk servers, power and packet filters with bridges, QEMU and nftables, and leaves nothing", { timeout: 180_000 }, async () => {
    const server = await startSakuraTestServer({ machines: { hostImage: noImage } });
    const m = server.machines!;
    const ns = m.network.namespace;
    let closed = false;
    try {
      // the shared segment is the namespace's range, and this machine routes only that /24 into it
      const shared = (await call(server, "GET", "switch/113100900000")).status;
      expect(shared).toBe(404); // not an account resource, as before
      expect(execFileSync("ip", ["route", "show", `${m.network.shared.network}/24`], { encoding: "utf8" })).toContain(`dev ${m.network.outsideLink}`);

      // Ubuntu cannot be built on this machine: a clear 400 before anything is made
      const archives = (await call(server, "GET", "archive")).json.Archives as Array<{ ID: string; Tags: string[] }>;
      const ubuntu = archives.find((a) => a.Tags.includes("ubuntu-24.04-latest"))!;
      const refused = await call(server, "POST", "disk", { Disk: { Name: "u", Plan: { ID: 4 }, SizeMB: 20480, SourceArchive: { ID: ubuntu.ID } } });
      expect(refused.status).toBe(400);
      expect(refused.json.error_msg).toMatch(/cannot build Ubuntu Server 24\.04\.2 LTS 64bit.*host\.archive: debian-12/);
      expect(server.inventory()).toEqual([]);

      const sw = (await call(server, "POST", "switch", { Switch: { Name: "sw" } })).json.Switch;
      const bridge = `sw${String(sw.ID).slice(-6)}`;
      expect(await links(ns)).toContain(bridge);

      // a server with one NIC on the switch and a blank disk network-boots from the switch
      const node = (await call(server, "POST", "server", { Server: { Name: "node", ServerPlan: { CPU: 1, MemoryMB: 1024 }, ConnectedSwitches: [{ ID: sw.ID }] } })).json.Server;
      const disk = (await call(server, "POST", "disk", { Disk: { Name: "node", Plan: { ID: 4 }, SizeMB: 20480, Server: { ID: node.ID } } })).json.Disk;
      await until("the blank disk", async () => (await call(server, "GET", `disk/${disk.ID}`)).json.Disk.Availability === "available");
      const file = m.diskFile(disk.ID)!;
      expect(statSync(file).size).toBe(20 * 2 ** 30);
      expect(statSync(file).blocks).toBe(0); // sparse: nothing written

      // and one on the shared segment, with a packet filter
      const filter = (await call(server, "POST", "packetfilter", { PacketFilter: { Name: "pf", Expression: [
        { Protocol: "tcp", SourceNetwork: "198.51.100.7", DestinationPort: "22", Action: "allow" },
        { Protocol: "udp", SourcePort: "123", Action: "allow" },
        { Protocol: "fragment", Action: "allow" },
        { Protocol: "ip", Action: "deny" },
      ] } })).json.PacketFilter;
      const web = (await call(server, "POST", "server", { Server: { Name: "web", ServerPlan: { CPU: 1, MemoryMB: 1024 }, ConnectedSwitches: [{ Scope: "shared" }] } })).json.Server;
      expect(web.Interfaces[0].IPAddress).toMatch(new RegExp(`^${m.network.shared.network.replace(/0$/, "").replaceAll(".", "\\.")}\\d+$`));
      expect((await call(server, "PUT", `interface/${web.Interfaces[0].ID}/to/packetfilter/${filter.ID}`)).status).toBe(200);

      expect((await call(server, "PUT", `server/${node.ID}/power`)).status).toBe(200);
      expect((await call(server, "PUT", `server/${web.ID}/power`)).status).toBe(200);
      await until("both servers up", async () => (await call(server, "GET", `server/${node.ID}`)).json.Server.Instance.Status === "up" && (await call(server, "GET", `server/${web.ID}`)).json.Server.Instance.Status === "up");
      expect(m.runningPids()).toHaveLength(2);
      const nodeTap = `s${String(node.ID).slice(-6)}n0`;
      const webTap = `s${String(web.ID).slice(-6)}n0`;
      expect(execFileSync("ip", ["-n", ns, "-o", "link", "show", "master", bridge], { encoding: "utf8" })).toContain(nodeTap);
      expect(execFileSync("ip", ["-n", ns, "-o", "link", "show", "master", "shared"], { encoding: "utf8" })).toContain(webTap);
      // the node's firmware runs iPXE from its NIC on the switch
      await until("iPXE on the node's console", () => readFileSync(m.consoleOf(node.ID), "utf8").includes("iPXE"));

      const rules = execFileSync("ip", ["netns", "exec", ns, "nft", "list", "table", "bridge", "sakuracloud"], { encoding: "utf8" });
      expect(rules).toContain(`oifname "${webTap}" jump nic0`);
      expect(rules).not.toContain(nodeTap); // the switch is not filtered
      expect(rules).toMatch(/ip saddr 198\.51\.100\.7 ip protocol tcp tcp dport 22 accept/);
      expect(rules).toMatch(/udp sport 123 accept/);
      expect(rules).toMatch(/ip frag-off & 8191 != 0 accept/);
      expect(rules).toMatch(/ether type ip drop/);

      // a graceful shutdown only presses the button: the node's firmware ignores it and stays up
      expect((await call(server, "DELETE", `server/${node.ID}/power`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1500));
      expect((await call(server, "GET", `server/${node.ID}`)).json.Server.Instance.Status).toBe("up");
      // force-off pulls the plug: QEMU ends, the tap goes, the filter's rules go with the web server's
      for (const s of [node, web]) expect((await call(server, "DELETE", `server/${s.ID}/power`, { Force: true })).status).toBe(200);
      await until("both servers down", async () => (await call(server, "GET", `server/${node.ID}`)).json.Server.Instance.Status === "down" && (await call(server, "GET", `server/${web.ID}`)).json.Server.Instance.Status === "down");
      expect(m.runningPids()).toEqual([]);
      await until("the taps gone", async () => !(await links(ns)).some((l) => /^s\d+n\d+$/.test(l)));
      expect(execFileSync("ip", ["netns", "exec", ns, "nft", "list", "table", "bridge", "sakuracloud"], { encoding: "utf8" })).not.toContain("jump");

      expect((await call(server, "DELETE", `server/${node.ID}`, { WithDisk: [disk.ID] })).status).toBe(200);
      expect(existsSync(file)).toBe(false);
      expect((await call(server, "DELETE", `server/${web.ID}`)).status).toBe(200);
      expect((await call(server, "DELETE", `switch/${sw.ID}`)).status).toBe(200);
      expect(await links(ns)).not.toContain(bridge);
      expect((await call(server, "DELETE", `packetfilter/${filter.ID}`)).status).toBe(200);
      expect(server.inventory()).toEqual([]);
    } finally {
      await server.close();
      closed = true;
    }
    expect(closed).toBe(true);
    expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" })).not.toContain(ns);
    expect(execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" })).not.toContain(m.network.outsideLink);
    expect(execFileSync("ip", ["route", "show", `${m.network.shared.network}/24`], { encoding: "utf8" })).toBe("");
    expect(existsSync(m.workDir)).toBe(false);
  });
});
