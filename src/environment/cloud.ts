// The cloud half of init on SakuraCloud: a switch, the matchbox host (NIC 0 on the shared
// segment, NIC 1 on the switch; a disk copied from the newest Ubuntu 24.04 or Debian 12, edited with
// its host name and the operator's SSH key, password login off), a packet filter that
// lets only the operator reach SSH and gRPC, then power on. Every step is idempotent.
import type { Clock } from "../core/clock";
import { UsageError } from "../core/errors";
import type { ProjectConfig } from "../config/project";
import type { StateStore } from "../config/state";
import {
  type PacketFilterRule,
  type PowerTiming,
  type SakuraApi,
  type Server,
  bootServer,
  envTag,
  hostArchive,
  hostFilterRules,
  waitDiskAvailable,
} from "../sakuracloud";
import type { Step } from "./journal";
import { ensureResource } from "./resources";

/** CloudInit is what the cloud steps need. */
export interface CloudInit {
  api: SakuraApi;
  store: StateStore;
  config: ProjectConfig;
  clock: Clock;
  signal: AbortSignal;
  /** The operator's public key, OpenSSH format, written into the host by disk edit. */
  sshPublicKey: string;
  allowFrom: readonly string[];
  /** Shorter waits for tests; SakuraCloud's own defaults otherwise. */
  timing?: Omit<PowerTiming, "clock" | "signal">;
}

/** names are derived once, so every run looks for the same resources. */
export function resourceNames(config: ProjectConfig) {
  const host = config.sakuracloud.host.name ?? `${config.name}-matchbox`;
  return { switch: `${config.name}-switch`, server: host, disk: host, packetFilter: `${config.name}-matchbox` };
}

const byName = <T extends { name: string }>(items: readonly T[], name: string) => items.find((i) => i.name === name);

function recordedId(c: CloudInit, role: string): string {
  const id = c.store.state.resources[role]?.id;
  if (!id) throw new Error(`internal: the ${role} step has not run`);
  return id;
}

async function hostServer(c: CloudInit): Promise<Server> {
  return c.api.servers.get(recordedId(c, "server"));
}

function sameRules(a: readonly PacketFilterRule[], b: readonly PacketFilterRule[]): boolean {
  const key = (r: PacketFilterRule) => [r.protocol, r.sourceNetwork ?? "", r.sourcePort ?? "", r.destinationPort ?? "", r.action].join("|");
  return a.length === b.length && a.every((r, i) => key(r) === key(b[i]!));
}

/** cloudSteps are init's SakuraCloud steps, in order. */
export function cloudSteps(): Step<CloudInit>[] {
  const timing = (c: CloudInit, progress: (t: string) => void): PowerTiming => ({
    ...c.timing,
    clock: c.clock,
    signal: c.signal,
    onProgress: (p) => progress(`${p.seen} (${Math.round(p.elapsedMs / 1000)}s)`),
  });
  return [
    {
      id: "cloud-account",
      title: "checking the SakuraCloud account and zone",
      async run(c) {
        const zone = await c.api.zones.get();
        await c.store.update((s) => {
          s.env = c.config.name;
          s.host = { ...s.host, zone: zone.name, zone_name_servers: zone.region.nameServers };
        });
        return { changed: false, detail: `${zone.name} (${zone.description})` };
      },
    },
    {
      id: "switch",
      title: "switch",
      async run(c) {
        const existing = c.config.sakuracloud.switch_id;
        if (existing) {
          const sw = await c.api.switches.get(existing);
          await c.store.update((s) => {
            s.resources.switch = { kind: "switch", id: sw.id, name: sw.name, zone: c.api.zone, status: "created", owned: false };
          });
          return { changed: false, detail: `using ${sw.name} (${sw.id})` };
        }
        const name = resourceNames(c.config).switch;
        const r = await ensureResource(c.store, {
          role: "switch",
          kind: "switch",
          name,
          zone: c.api.zone,
          get: (id) => c.api.switches.get(id),
          find: async () => byName((await c.api.switches.list({ name, tags: [envTag(c.config.name)] })).items, name),
          create: () => c.api.switches.create({ name, description: `pxectl ${c.config.name}: the provisioning network` }),
        });
        return { changed: r.changed, detail: `${r.resource.name} (${r.resource.id})` };
      },
    },
    {
      id: "server",
      title: "matchbox host",
      async run(c) {
        const name = resourceNames(c.config).server;
        const { core, memory_gb } = c.config.sakuracloud.host;
        const switchId = recordedId(c, "switch");
        const r = await ensureResource(c.store, {
          role: "server",
          kind: "server",
          name,
          zone: c.api.zone,
          get: (id) => c.api.servers.get(id),
          find: async () => byName((await c.api.servers.list({ name, tags: [envTag(c.config.name)] })).items, name),
          create: () =>
            c.api.servers.create({
              name,
              description: `pxectl ${c.config.name}: matchbox + dnsmasq`,
              plan: { cpu: core, memoryMB: memory_gb * 1024 },
              nics: ["shared", { switchId }],
              interfaceDriver: "virtio",
            }),
        });
        return { changed: r.changed, detail: `${r.resource.name} (${r.resource.id})` };
      },
    },
    {
      id: "disk",
      title: "host disk",
      async run(c, progress) {
        const name = resourceNames(c.config).disk;
        const { disk_gb, disk_plan } = c.config.sakuracloud.host;
        const serverId = recordedId(c, "server");
        const r = await ensureResource(c.store, {
          role: "disk",
          kind: "disk",
          name,
          zone: c.api.zone,
          get: (id) => c.api.disks.get(id),
          find: async () => byName((await c.api.disks.list({ name, tags: [envTag(c.config.name)] })).items, name),
          create: async () => {
            const os = hostArchive(c.config.sakuracloud.host.archive);
            const archive = await c.api.archives.findPublic(os.tag, os.title);
            progress(`copying ${archive.name}`);
            return c.api.disks.create({ name, plan: disk_plan, sizeGB: disk_gb, sourceArchiveId: archive.id, serverId });
          },
        });
        const disk = await waitDiskAvailable(c.api, r.resource.id, timing(c, progress));
        return { changed: r.changed, detail: `${disk.sizeMB / 1024} GB ${disk_plan}` };
      },
    },
    {
      id: "disk-edit",
      title: "host name and SSH key on the disk",
      async run(c) {
        const server = await hostServer(c);
        // the API edits a disk only while its server is off; once booted, this ran before
        if (server.status === "up") return { changed: false, detail: "the host is running" };
        await c.api.disks.edit(recordedId(c, "disk"), { hostName: resourceNames(c.config).server, sshPublicKeys: [c.sshPublicKey], disablePasswordAuth: true });
        return { changed: true };
      },
    },
    {
      id: "packet-filter",
      title: "packet filter (SSH and gRPC from your address only)",
      async run(c) {
        const name = resourceNames(c.config).packetFilter;
        const rules = hostFilterRules(c.allowFrom, c.config.matchbox.grpc_port);
        const ensure = () =>
          ensureResource(c.store, {
            role: "packet_filter",
            kind: "packetfilter",
            name,
            zone: c.api.zone,
            get: (id) => c.api.packetFilters.get(id),
            find: async () => byName((await c.api.packetFilters.list({ name })).items, name),
            create: () => c.api.packetFilters.create({ name, rules, description: `pxectl ${c.config.name}: the matchbox host` }),
          });
        let r = await ensure();
        const nic0 = (await hostServer(c)).nics[0];
        if (!nic0) throw new Error("internal: the host has no NIC 0");
        let changed = r.changed;
        if (!sameRules(r.resource.rules, rules)) {
          // allow_from changed: filters cannot be edited through this API, so replace it
          if (nic0.packetFilterId === r.resource.id) await c.api.interfaces.detachPacketFilter(nic0.id);
          await c.api.packetFilters.delete(r.resource.id);
          await c.store.update((s) => void delete s.resources.packet_filter);
          r = await ensure();
          changed = true;
        }
        if (nic0.packetFilterId !== r.resource.id) {
          await c.api.interfaces.attachPacketFilter(nic0.id, r.resource.id);
          changed = true;
        }
        return { changed, detail: `allows ${c.allowFrom.join(", ")}` };
      },
    },
    {
      id: "power-on",
      title: "starting the host",
      async run(c, progress) {
        const id = recordedId(c, "server");
        const before = await c.api.servers.get(id);
        const server = before.status === "up" ? before : await bootServer(c.api, id, timing(c, progress));
        const publicAddress = server.nics[0]?.ipAddress;
        if (!publicAddress) throw new UsageError(`the host ${server.name} has no address on the shared segment`, { hint: "check its NIC 0 in the control panel" });
        await c.store.update((s) => {
          s.host = { ...s.host, server_id: server.id, public_address: publicAddress, nics: server.nics.map((n) => ({ id: n.id, mac: n.mac, connected_to: n.connectedTo })) };
        });
        return { changed: before.status !== "up", detail: `${publicAddress}` };
      },
    },
  ];
}
