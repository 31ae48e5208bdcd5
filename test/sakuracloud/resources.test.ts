// Every resource and action of the client, against the test server over real HTTP.
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/core/errors";
import { BOOT_NETWORK_TAG, bootServer, hostFilterRules, stopServer, waitDiskAvailable } from "../../src/sakuracloud";
import { connectClient, startTestServer } from "../support/sakuracloud/connect";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx2k9Yt4b0Yb4Qq8bV2bQ6cQqz0JYxkz0yGqS0y5r9v pxectl@test";
const plan = { cpu: 2, memoryMB: 4096 };

describe("the SakuraCloud client", () => {
  it("reads its zone with the region's name servers", async () => {
    const api = connectClient(await startTestServer(), { zone: "tk1b" });
    expect(await api.zones.get()).toEqual({ id: "21002", name: "tk1b", description: "東京第2ゾーン", region: { id: "210", name: "東京", nameServers: ["210.188.224.10", "210.188.224.11"] } });
  });

  it("finds the newest available server plan, and names near sizes when there is none", async () => {
    const api = connectClient(await startTestServer());
    expect(await api.plans.findServerPlan({ cpu: 2, memoryMB: 4096 })).toMatchObject({ id: "200004002", cpu: 2, memoryMB: 4096, generation: 200, commitment: "standard" });
    expect(await api.plans.findServerPlan({ cpu: 16, memoryMB: 32768 })).toMatchObject({ generation: 200 });
    const error = await api.plans.findServerPlan({ cpu: 3, memoryMB: 512 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ message: "zone is1a has no standard server plan with 3 cores and 512 GB" });
    expect((error as NotFoundError).hint).toMatch(/^choose another size, such as 3 cores\/24 GB/);
  });

  it("finds the newest public Ubuntu 24.04 archive by its tags", async () => {
    const api = connectClient(await startTestServer(), { zone: "is1b" });
    expect(await api.archives.findPublicUbuntu("24.04")).toMatchObject({ name: "Ubuntu Server 24.04.2 LTS 64bit", scope: "shared", availability: "available" });
    expect((await api.archives.findPublicUbuntu("22.04")).name).toBe("Ubuntu Server 22.04.5 LTS 64bit");
  });

  it("finds the newest public Debian 12 archive by its tag, and names a missing one", async () => {
    const api = connectClient(await startTestServer(), { zone: "is1b" });
    expect(await api.archives.findPublic("debian-12-latest", "Debian 12")).toMatchObject({ name: "Debian GNU/Linux 12.9 64bit", scope: "shared", availability: "available" });
    await expect(api.archives.findPublic("debian-13-latest", "Debian 13")).rejects.toThrow("zone is1b has no public Debian 13 archive (tag debian-13-latest)");
  });

  it("creates, reads, lists and deletes a switch, tagged for its environment", async () => {
    const server = await startTestServer();
    const api = connectClient(server);
    const sw = await api.switches.create({ name: "demo-net" });
    expect(sw).toMatchObject({ name: "demo-net", tags: ["pxectl", "pxectl-env=demo"], serverCount: 0 });
    expect(sw.description).toMatch(/^managed by pxectl \[pxectl-env=demo request=[0-9a-f]{12}\]$/);
    expect(await api.switches.get(sw.id)).toEqual(sw);
    expect((await api.switches.list({ name: "demo net" })).items.map((s) => s.id)).toEqual([sw.id]);
    await api.switches.delete(sw.id);
    expect(server.inventory()).toEqual([]);
  });

  it("creates a node server on a switch with @boot-network and a blank disk, and finds it with Filter/Sort/Count", async () => {
    const server = await startTestServer();
    const api = connectClient(server);
    const sw = await api.switches.create({ name: "demo-net" });
    const node = await api.servers.create({ name: "demo-node-1", plan, nics: [{ switchId: sw.id }], tags: [BOOT_NETWORK_TAG] });
    expect(node).toMatchObject({ name: "demo-node-1", status: "down", availability: "available", zone: "is1a", plan: { cpu: 2, memoryMB: 4096 } });
    expect(node.tags).toEqual(["@boot-network", "pxectl", "pxectl-env=demo"]);
    expect(node.nics).toEqual([{ id: expect.stringMatching(/^[0-9]{12}$/), mac: expect.stringMatching(/^9c:a3:ba(:[0-9a-f]{2}){3}$/), ipAddress: null, userIPAddress: null, connectedTo: sw.id, packetFilterId: null }]);
    const disk = await api.disks.create({ name: "demo-node-1", plan: "ssd", sizeGB: 20, serverId: node.id });
    expect(disk).toMatchObject({ availability: "migrating", sizeMB: 20480, planId: "4", serverId: node.id, sourceArchiveId: null });
    expect((await waitDiskAvailable(api, disk.id, { clock: api.clock })).availability).toBe("available");
    expect((await api.servers.get(node.id)).diskIds).toEqual([disk.id]);
    expect((await api.switches.get(sw.id)).serverCount).toBe(1);

    await api.servers.create({ name: "demo-node-2", plan, nics: [{ switchId: sw.id }] });
    const page = await api.servers.list({ tags: ["pxectl-env=demo"], sort: ["-Name"], count: 1 });
    expect(page.total).toBe(2);
    expect(page.items.map((s) => s.name)).toEqual(["demo-node-2"]);
    expect((await api.servers.list({ filter: { ID: node.id } })).items.map((s) => s.name)).toEqual(["demo-node-1"]);
  });

  it("builds the matchbox host: archive disk, disk edit, shared + switch NICs, packet filter, boot, stop, delete with disks", async () => {
    const server = await startTestServer();
    const api = connectClient(server);
    const sw = await api.switches.create({ name: "demo-net" });
    const key = await api.sshKeys.create({ name: "demo", publicKey: PUBLIC_KEY });
    expect(key).toMatchObject({ name: "demo", publicKey: PUBLIC_KEY, fingerprint: expect.stringMatching(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/) });
    const filter = await api.packetFilters.create({ name: "demo-host", rules: hostFilterRules(["203.0.113.7/32"], 8081) });
    expect(filter.rules).toHaveLength(8);
    expect(filter.rules[1]).toEqual({ protocol: "tcp", sourceNetwork: "203.0.113.7/32", destinationPort: "8081", action: "allow", description: "pxectl: matchbox gRPC" });

    const host = await api.servers.create({ name: "demo-host", plan, nics: ["shared", { switchId: sw.id }] });
    expect(host.nics.map((n) => n.connectedTo)).toEqual(["shared", sw.id]);
    expect(host.nics[0]!.ipAddress).toMatch(/^192\.0\.2\.\d+$/);
    const archive = await api.archives.findPublicUbuntu("24.04");
    const disk = await api.disks.create({ name: "demo-host", plan: "ssd", sizeGB: 40, sourceArchiveId: archive.id, serverId: host.id });
    expect(disk.sourceArchiveId).toBe(archive.id);
    await waitDiskAvailable(api, disk.id, { clock: api.clock });
    await api.disks.edit(disk.id, { hostName: "demo-host", sshKeyIds: [key.id], disablePasswordAuth: true });
    expect(server.store.get("disk", "is1a", disk.id)!.lastEdit).toEqual({ HostName: "demo-host", SSHKeys: [{ ID: key.id }], DisablePWAuth: true });
    await api.interfaces.attachPacketFilter(host.nics[0]!.id, filter.id);
    expect((await api.interfaces.get(host.nics[0]!.id)).packetFilterId).toBe(filter.id);

    const up = await bootServer(api, host.id, { clock: api.clock });
    expect(up).toMatchObject({ status: "up", hostName: "demo-host" });
    expect(await api.servers.powerStatus(host.id)).toEqual({ status: "up" });
    expect((await stopServer(api, host.id, {}, { clock: api.clock })).status).toBe("down");
    await bootServer(api, host.id, { clock: api.clock });
    expect((await stopServer(api, host.id, { force: true }, { clock: api.clock })).status).toBe("down");
    expect(server.requests.filter((r) => r.method === "DELETE" && r.path.endsWith("/power")).map((r) => r.body)).toEqual([undefined, { Force: true }]);

    await api.interfaces.detachPacketFilter(host.nics[0]!.id);
    await api.servers.delete(host.id, { withDisks: [disk.id] });
    await api.packetFilters.delete(filter.id);
    await api.sshKeys.delete(key.id);
    await api.switches.delete(sw.id);
    expect(server.inventory()).toEqual([]);
  });

  it("adds a NIC, connects it to the shared segment and a switch, and reads its MAC and address", async () => {
    const server = await startTestServer();
    const api = connectClient(server);
    const sw = await api.switches.create({ name: "demo-net" });
    const host = await api.servers.create({ name: "demo-host", plan, nics: [] });
    const nic = await api.interfaces.create(host.id);
    expect(nic).toMatchObject({ connectedTo: null, ipAddress: null });
    await api.interfaces.connect(nic.id, "shared");
    expect((await api.interfaces.get(nic.id)).ipAddress).toMatch(/^192\.0\.2\.\d+$/);
    await api.interfaces.disconnect(nic.id);
    await api.interfaces.connect(nic.id, { switchId: sw.id });
    expect(await api.interfaces.get(nic.id)).toMatchObject({ connectedTo: sw.id, ipAddress: null, mac: nic.mac });
    await api.interfaces.disconnect(nic.id);
    await api.interfaces.delete(nic.id);
    expect((await api.servers.get(host.id)).nics).toEqual([]);
  });

  it("writes the disk edit for a host on a switch: address, prefix, gateway, public keys, password", async () => {
    const server = await startTestServer({ ticks: { diskCopy: 0 } });
    const secrets: string[] = [];
    const api = connectClient(server, { secrets: { add: (s) => void (s && secrets.push(s)) } });
    const sw = await api.switches.create({ name: "net" });
    const s = await api.servers.create({ name: "node", plan, nics: [{ switchId: sw.id }] });
    const disk = await api.disks.create({ name: "node", plan: "hdd", sizeGB: 20, serverId: s.id, sourceArchiveId: (await api.archives.findPublicUbuntu("24.04")).id });
    await api.disks.edit(disk.id, { ipAddress: "192.168.0.1", networkMaskLen: 24, defaultRoute: "192.168.0.254", sshPublicKeys: [PUBLIC_KEY], password: "hunter2-long" });
    expect(server.store.get("disk", "is1a", disk.id)!.lastEdit).toEqual({
      Password: "hunter2-long",
      SSHKeys: [{ PublicKey: PUBLIC_KEY }],
      UserIPAddress: "192.168.0.1",
      UserSubnet: { DefaultRoute: "192.168.0.254", NetworkMaskLen: 24 },
    });
    expect((await api.servers.get(s.id)).nics[0]!.userIPAddress).toBe("192.168.0.1");
    expect(secrets).toContain("hunter2-long");
  });

  it("lists everything its environment owns, and nothing of another", async () => {
    const server = await startTestServer();
    const demo = connectClient(server);
    const other = connectClient(server, { env: "other" });
    const sw = await demo.switches.create({ name: "net" });
    await demo.servers.create({ name: "node", plan, nics: [{ switchId: sw.id }] });
    await demo.sshKeys.create({ name: "key", publicKey: PUBLIC_KEY });
    await demo.packetFilters.create({ name: "pf", rules: [{ protocol: "ip", action: "deny" }] });
    await other.switches.create({ name: "net" });
    expect((await demo.listManaged()).map((r) => `${r.kind} ${r.name}`).sort()).toEqual(["packetfilter pf", "server node", "sshkey key", "switch net"]);
    expect((await other.listManaged()).map((r) => r.kind)).toEqual(["switch"]);
  });
});
