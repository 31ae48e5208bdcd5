// The SakuraCloud checks: the API key works (one authenticated read), every resource
// state recorded still exists, nothing tagged for the environment is unknown to state,
// and the host server is up.
import type { Context } from "../../cli/context";
import { FailedError } from "../../core/errors";
import type { Check, CheckOutcome } from "../../environment/checks";
import { type CloudFlags, openCloud } from "../../environment/cloud-client";
import { type ManagedResource, type SakuraApi, isNotFound } from "../../sakuracloud";
import type { Found } from "./local-checks";

/** CloudFound adds the API client the credentials check opened. */
export interface CloudFound extends Found {
  api?: SakuraApi;
}

const describe = (r: { kind: string; name: string; id: string | null }) => `${r.kind} ${r.name} (${r.id})`;

function getter(api: SakuraApi, kind: string): ((id: string) => Promise<{ id: string; diskIds?: string[] }>) | undefined {
  const apis: Record<string, { get(id: string): Promise<{ id: string }> }> = { switch: api.switches, server: api.servers, disk: api.disks, packetfilter: api.packetFilters, sshkey: api.sshKeys };
  return apis[kind] && ((id) => apis[kind]!.get(id));
}

/** orphansOf lists tagged resources state does not know; a disk of a known server (a node's) is known. */
async function orphansOf(api: SakuraApi, known: ReadonlySet<string>): Promise<ManagedResource[]> {
  const unknown = (await api.listManaged()).filter((r) => !known.has(r.id));
  const attached = await Promise.all(unknown.map(async (r) => r.kind === "disk" && known.has((await api.disks.get(r.id)).serverId ?? "")));
  return unknown.filter((_, i) => !attached[i]);
}

/** cloudChecks are credentials, resources and power (provider sakuracloud only). */
export function cloudChecks(ctx: Context, found: CloudFound, flags: CloudFlags): Check[] {
  return [
    {
      name: "credentials",
      needs: ["config"],
      async run() {
        found.api = await openCloud(ctx, found.project!.config, flags);
        const zone = await found.api.zones.get();
        return { status: "pass", detail: `the API key reads zone ${zone.name} (${zone.description})` };
      },
    },
    {
      name: "resources",
      needs: ["credentials", "init"],
      async run(): Promise<CheckOutcome> {
        const api = found.api!;
        const state = found.state!;
        const recorded = Object.values(state.resources).filter((r): r is typeof r & { id: string } => Boolean(r.id));
        const gone: string[] = [];
        await Promise.all(
          recorded.map(async (r) => {
            try {
              await getter(api, r.kind)?.(r.id);
            } catch (e) {
              if (!isNotFound(e)) throw e;
              gone.push(describe(r));
            }
          }),
        );
        if (gone.length > 0) throw new FailedError(`recorded in state but gone from the cloud: ${gone.join(", ")}`, { hint: "run pxectl init to make them again (or pxectl destroy to remove the rest)" });
        const known = new Set([...recorded.map((r) => r.id), ...Object.values(state.nodes).flatMap((n) => (typeof n.cloud_id === "string" ? [n.cloud_id] : []))]);
        const orphans = await orphansOf(api, known);
        const summary = `${recorded.map((r) => r.kind).join(", ")} present`;
        if (orphans.length > 0) {
          return { status: "warn", detail: `${summary}; tagged for this environment but not in state: ${orphans.map(describe).join(", ")}`, hint: "left by an interrupted run: pxectl destroy deletes them with the environment, or delete them in the control panel" };
        }
        return { status: "pass", detail: summary };
      },
    },
    {
      name: "power",
      needs: ["resources"],
      async run() {
        const id = found.state!.resources.server?.id;
        if (!id) throw new FailedError("no host server is recorded", { hint: "run pxectl init" });
        const server = await found.api!.servers.get(id);
        if (server.status !== "up") throw new FailedError(`the host ${server.name} is ${server.status || "down"}`, { hint: "run pxectl init: it starts the host" });
        return { status: "pass", detail: `${server.name} is up` };
      },
    },
  ];
}
