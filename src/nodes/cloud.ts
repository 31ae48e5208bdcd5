// Cloud nodes: blank-disk SakuraCloud servers on the environment's switch, tagged
// @boot-network so they boot from the network first. Created under the rate limit with
// bounded concurrency; a server whose create was lost in a crash is found by name and tags.
import type { Clock } from "../core/clock";
import { forEachLimit } from "../core/concurrency";
import { type PowerTiming, type SakuraApi, type Server, BOOT_NETWORK_TAG, bootServer, envTag, stopServer } from "../sakuracloud";

export interface CloudNodeSpec {
  name: string;
  core: number;
  memoryGB: number;
  diskGB: number;
}

export interface CreatedNode {
  name: string;
  server: Server;
  mac: string;
  created: boolean;
}

/** serverName is a node's server name in the account: the environment first, for people browsing it. */
export const serverName = (env: string, node: string) => `${env}-${node}`;

/** createCloudNodes makes (or finds) one server with a blank disk per spec; onCreated records each at once. */
export async function createCloudNodes(
  api: SakuraApi,
  o: { switchId: string; specs: readonly CloudNodeSpec[]; concurrency?: number; signal?: AbortSignal; onCreated: (n: CreatedNode) => Promise<void>; progress?: (t: string) => void },
): Promise<CreatedNode[]> {
  const made: CreatedNode[] = [];
  await forEachLimit(
    o.specs,
    o.concurrency ?? 4,
    async (spec) => {
      const name = serverName(api.env, spec.name);
      const existing = (await api.servers.list({ name, tags: [envTag(api.env)] })).items.find((s) => s.name === name);
      let server = existing;
      if (!server) {
        server = await api.servers.create({
          name,
          description: `pxectl ${api.env}: node ${spec.name}`,
          plan: { cpu: spec.core, memoryMB: spec.memoryGB * 1024 },
          nics: [{ switchId: o.switchId }],
          tags: [BOOT_NETWORK_TAG],
          interfaceDriver: "virtio",
        });
      }
      if (server.diskIds.length === 0) {
        await api.disks.create({ name, plan: "ssd", sizeGB: spec.diskGB, serverId: server.id });
      }
      const mac = server.nics[0]?.mac;
      if (!mac) throw new Error(`internal: server ${server.id} has no NIC`);
      const node = { name: spec.name, server, mac, created: !existing };
      await o.onCreated(node);
      made.push(node);
      o.progress?.(`${made.length}/${o.specs.length} servers`);
    },
    o.signal,
  );
  return made;
}

/** powerOnAll boots servers (bounded concurrency) and waits until they are up. */
export async function powerOnAll(api: SakuraApi, ids: readonly string[], t: PowerTiming & { concurrency?: number }): Promise<void> {
  await forEachLimit(ids, t.concurrency ?? 4, async (id) => void (await bootServer(api, id, t)), t.signal);
}

/** powerCycle forces a server off (if on) and boots it: with @boot-network it network-boots. */
export async function powerCycle(api: SakuraApi, id: string, t: PowerTiming): Promise<void> {
  const server = await api.servers.get(id);
  if (server.status === "up") await stopServer(api, id, { force: true }, t);
  await bootServer(api, id, t);
}

/** deleteCloudNode stops a node's server and deletes it with its disks. */
export async function deleteCloudNode(api: SakuraApi, id: string, t: { clock: Clock; signal?: AbortSignal }): Promise<void> {
  const server = await api.servers.get(id);
  if (server.status === "up") await stopServer(api, id, { force: true }, t);
  await api.servers.delete(id, { withDisks: server.diskIds });
}
