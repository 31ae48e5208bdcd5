// Destroying an environment's cloud resources: everything recorded in state and
// everything the API lists with the environment's tag (orphans of a crash included),
// in dependency order: servers (stopped, with their disks), loose disks, packet
// filters, switches, SSH keys. A switch pxectl did not create is never deleted.
import type { Clock } from "../core/clock";
import { CloudApiError } from "../core/errors";
import { forEachLimit } from "../core/concurrency";
import type { StateStore } from "../config/state";
import { type ManagedResource, type PowerTiming, type SakuraApi, isNotFound, stopServer } from "../sakuracloud";
import type { Step } from "./journal";

export interface CloudTeardown {
  api: SakuraApi;
  store: StateStore;
  clock: Clock;
  signal: AbortSignal;
  timing?: Omit<PowerTiming, "clock" | "signal">;
  /** How many servers to stop and delete at once (node servers can be many). */
  concurrency?: number;
}

const KIND_BY_ROLE: Record<string, ManagedResource["kind"]> = { switch: "switch", server: "server", disk: "disk", packet_filter: "packetfilter" };

async function ignoreGone(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** inventory joins what state recorded with what the API lists as this environment's. */
export async function inventory(c: Pick<CloudTeardown, "api" | "store">): Promise<ManagedResource[]> {
  const listed = await c.api.listManaged();
  const seen = new Set(listed.map((r) => `${r.kind}/${r.id}`));
  const recorded: ManagedResource[] = [];
  for (const [role, r] of Object.entries(c.store.state.resources)) {
    const kind = KIND_BY_ROLE[role] ?? (r.kind as ManagedResource["kind"]);
    if (r.id && r.owned !== false && !seen.has(`${kind}/${r.id}`)) recorded.push({ kind, id: r.id, name: r.name });
  }
  const external = c.store.state.resources.switch?.owned === false ? c.store.state.resources.switch.id : undefined;
  return [...listed.filter((r) => !(r.kind === "switch" && r.id === external)), ...recorded];
}

async function deleteServer(c: CloudTeardown, id: string, progress: (t: string) => void): Promise<void> {
  let server;
  try {
    server = await c.api.servers.get(id);
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
  if (server.status !== "down" && server.status !== "") {
    progress(`stopping ${server.name}`);
    await stopServer(c.api, id, { force: true }, { ...c.timing, clock: c.clock, signal: c.signal });
  }
  progress(`deleting ${server.name} and its disks`);
  await ignoreGone(() => c.api.servers.delete(id, { withDisks: server.diskIds }));
}

async function deleteKind(c: CloudTeardown, items: readonly ManagedResource[], kind: ManagedResource["kind"], progress: (t: string) => void): Promise<number> {
  const mine = items.filter((r) => r.kind === kind);
  await forEachLimit(
    mine,
    kind === "server" ? (c.concurrency ?? 4) : 1,
    async (r) => {
      if (kind === "server") return deleteServer(c, r.id, progress);
      progress(`deleting ${kind} ${r.name}`);
      const api = { disk: c.api.disks, packetfilter: c.api.packetFilters, switch: c.api.switches, sshkey: c.api.sshKeys }[kind];
      await ignoreGone(() => api.delete(r.id));
    },
    c.signal,
  );
  return mine.length;
}

/** teardownSteps are destroy's cloud steps, in dependency order. */
export function teardownSteps(): Step<CloudTeardown>[] {
  const order: Array<[ManagedResource["kind"], string]> = [
    ["server", "servers (stopped, with their disks)"],
    ["disk", "loose disks"],
    ["packetfilter", "packet filters"],
    ["switch", "switches"],
    ["sshkey", "SSH keys"],
  ];
  return [
    ...order.map(([kind, title]): Step<CloudTeardown> => ({
      id: `delete-${kind}`,
      title: `deleting ${title}`,
      async run(c, progress) {
        const deleted = await deleteKind(c, await inventory(c), kind, progress);
        await c.store.update((s) => {
          for (const [role, r] of Object.entries(s.resources)) if ((KIND_BY_ROLE[role] ?? r.kind) === kind) delete s.resources[role];
        });
        return { changed: deleted > 0, detail: `${deleted} deleted` };
      },
    })),
    {
      id: "verify-empty",
      title: "checking that nothing is left",
      async run(c) {
        const left = await inventory(c);
        if (left.length > 0) {
          throw new CloudApiError(`still in the account: ${left.map((r) => `${r.kind} ${r.name} (${r.id})`).join(", ")}`, {
            hint: "run pxectl destroy again; if it persists, delete them in the control panel",
          });
        }
        return { changed: false, detail: "nothing tagged for this environment remains" };
      },
    },
  ];
}
