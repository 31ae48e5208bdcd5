// The SakuraCloud checks: the API key works (one authenticated read), every resource
// state recorded still exists, nothing tagged for the environment is unknown to state,
// and the host server is up. They run whenever state records resources, even after an
// init that failed: what was billed is shown.
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
      // not after init: an init that failed half way may have made (and billed) some of them
      needs: ["credentials"],
      async run(): Promise<CheckOutcome> {
        const api = found.api!;
        const state = (await ctx.readState()).state;
        if (state.env && state.env !== found.project!.config.name) return { status: "skip", detail: `the state folder belongs to environment "${state.env}"` };
        const recorded = Object.values(state.resources).filter((r): r is typeof r & { id: string } => Boolean(r.id));
        if (recorded.length === 0) {
          const tagged = await orphansOf(api, new Set());
          if (tagged.length === 0) return { status: "skip", detail: "none recorded yet (pxectl init makes them)" };
          return { status: "warn", detail: `none recorded in state, but tagged for this environment: ${tagged.map(describe).join(", ")}`, hint: "left by an interrupted run: pxectl init adopts them, pxectl destroy deletes them" };
        }
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
        const id = (await ctx.readState()).state.resources.server?.id;
        if (!id) return { status: "skip", detail: "no host server is recorded yet" };
        const server = await found.api!.servers.get(id);
        if (server.status !== "up") throw new FailedError(`the host ${server.name} is ${server.status || "down"}`, { hint: "run pxectl init: it starts the host" });
        return { status: "pass", detail: `${server.name} is up` };
      },
    },
  ];
}
