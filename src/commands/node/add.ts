// pxectl node add: record the node(s) in state, then push: the node's groups are declared
// from state, so the same apply that pushes the profile directory pushes them.
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { ConfigError, StateError, UsageError } from "../../core/errors";
import type { NodeCreation, NodeRecord } from "../../config/state";
import { openCloud } from "../../environment/cloud-client";
import type { MatchboxOverrides } from "../../matchbox/connect";
import { createCloudNodes, powerOnAll } from "../../nodes/cloud";
import { checkMac, checkName, nextNames, parseMeta } from "../../nodes/register";
import { renderTable } from "../../output/table";
import projectSchema from "../../../schemas/pxectl.schema.json";
import { checkPush, push } from "../../project";
import type { SakuraApi } from "../../sakuracloud";

export interface AddOptions extends MatchboxOverrides {
  mac?: string;
  name?: string;
  profile?: string;
  installedProfile?: string;
  meta?: string[];
  create?: boolean;
  count: number;
  namePrefix?: string;
  core?: number;
  memory?: number;
  diskSize?: number;
  powerOn: boolean;
}

export interface AddedNode {
  name: string;
  mac: string;
  cloudId?: string;
}

export interface AddResult {
  nodes: AddedNode[];
  endpoint: string;
  writes: number;
}

/**
 * checkBeforeBilling checks what servers would be pushed as, before any is made: the profile
 * directory renders with the new nodes in it, matchbox answers with our certificates, and the
 * zone has the server plan. Servers that could not be pushed would be billed for nothing.
 */
async function checkBeforeBilling(ctx: Context, o: AddOptions, api: SakuraApi, batch: NodeCreation): Promise<void> {
  // stand-in MACs (locally administered): the real ones are known once the servers exist
  const adding = Object.fromEntries(
    batch.names.map((name, i) => [name, { ...batch.record, mac: `02:00:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, "0")}:${(i & 0xff).toString(16).padStart(2, "0")}` }]),
  );
  try {
    await api.plans.findServerPlan({ cpu: batch.core, memoryMB: batch.memory_gb * 1024 });
    await checkPush({ ...o, prune: false }, ctx, adding);
  } catch (e) {
    ctx.out.warn(`no server was created: the check before creating ${batch.names.length === 1 ? "it" : "them"} failed`);
    throw e;
  }
}

/** run registers nodes and pushes their groups; a refused profile name records nothing. */
export async function run(o: AddOptions, ctx: Context): Promise<CommandResult<AddResult>> {
  const { config } = await ctx.project();
  const store = await ctx.writeState();
  const now = new Date(ctx.clock.now()).toISOString();
  const base: Omit<NodeRecord, "mac"> = {
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.installedProfile ? { installed_profile: o.installedProfile } : {}),
    ...(o.meta?.length ? { metadata: parseMeta(o.meta) } : {}),
    stage: "declared",
    created_at: now,
  };
  let added: AddedNode[];
  let cloudIds: string[] = [];
  let api: Awaited<ReturnType<typeof openCloud>> | undefined;
  let powerOn = o.powerOn;
  if (o.create) {
    if (o.mac || o.name) throw new UsageError("--create makes the machines: it takes no --mac or --name", { hint: "use --count and --name-prefix" });
    if (config.provider !== "sakuracloud") throw new UsageError("--create needs provider: sakuracloud", { hint: "register your machines with --mac" });
    const diskSizes = projectSchema.properties.nodes.properties.disk_gb.enum as readonly number[];
    if (o.diskSize !== undefined && !diskSizes.includes(o.diskSize)) {
      throw new UsageError(`--disk-size ${o.diskSize}: SakuraCloud has no disk of that size`, { hint: `use one of ${diskSizes.join(", ")} (GB)` });
    }
    const switchId = store.state.resources.switch?.id;
    if (!switchId) throw new StateError("the environment has no switch yet", { hint: "run pxectl init first" });
    const resumed = store.state.node_creation;
    const names = resumed?.names ?? nextNames(o.namePrefix ?? config.nodes.name_prefix, o.count, store.state.nodes);
    if (!resumed) names.forEach((n) => checkName(n, store.state.nodes));
    const planned = resumed ?? { names, core: o.core ?? config.nodes.core, memory_gb: o.memory ?? config.nodes.memory_gb, disk_gb: o.diskSize ?? config.nodes.disk_gb, record: base, power_on: o.powerOn, started_at: now };
    // node add's --profile is the install profile, not a usacloud profile: credentials come from the environment
    api = await openCloud(ctx, config);
    await checkBeforeBilling(ctx, o, api, planned);
    let batch = resumed;
    if (batch) {
      // the same command run again after a crash or Ctrl-C means "finish it", not "make as many more"
      const done = batch.names.filter((n) => store.state.nodes[n]?.cloud_id);
      ctx.out.warn(`an earlier node add --create was cut short: finishing it (${batch.names.join(", ")}; ${done.length} already made) instead of making new servers; run the command again afterwards to add more`);
    } else {
      batch = planned;
      await store.update((s) => void (s.node_creation = planned));
    }
    const { record } = batch;
    const spec = { core: batch.core, memoryGB: batch.memory_gb, diskGB: batch.disk_gb };
    const made = await ctx.out.step(`creating ${batch.names.length} server${batch.names.length === 1 ? "" : "s"} on the switch`, (h) =>
      createCloudNodes(api!, {
        switchId,
        specs: batch.names.map((name) => ({ name, ...spec })),
        signal: ctx.signal,
        progress: (t) => h.update(t),
        // recorded one by one: a crash later loses none of them
        onCreated: (n) => store.update((s) => void (s.nodes[n.name] = { ...record, ...s.nodes[n.name], mac: n.mac, cloud_id: n.server.id })).then(() => undefined),
      }),
    );
    added = made.map((n) => ({ name: n.name, mac: n.mac, cloudId: n.server.id }));
    cloudIds = made.map((n) => n.server.id);
    powerOn = batch.power_on;
  } else {
    if (!o.mac) throw new UsageError("which machine? pass --mac MAC", { hint: "or --create to make SakuraCloud servers" });
    const mac = checkMac(o.mac, store.state.nodes);
    const reserved = store.state.node_creation?.names ?? [];
    const name = checkName(o.name ?? nextNames(config.nodes.name_prefix, 1, store.state.nodes, reserved)[0]!, store.state.nodes, reserved);
    await store.update((s) => void (s.nodes[name] = { ...base, mac }));
    added = [{ name, mac }];
  }
  let pushed;
  try {
    pushed = await push({ ...o, prune: false }, ctx);
  } catch (e) {
    if (e instanceof ConfigError && !o.create) {
      await store.update((s) => void added.forEach((n) => delete s.nodes[n.name]));
    } else {
      ctx.out.warn(`${added.map((n) => n.name).join(", ")} recorded, but not pushed to matchbox; pxectl profile apply pushes them`);
      // the servers exist and are recorded: what is left is not node add's to finish
      if (e instanceof ConfigError) await store.update((s) => void (s.node_creation = null));
    }
    throw e;
  }
  if (api && cloudIds.length > 0 && powerOn) {
    const cloud = api;
    await ctx.out.step(`powering on ${cloudIds.length} server${cloudIds.length === 1 ? "" : "s"} (network boot first)`, (h) =>
      powerOnAll(cloud, cloudIds, { clock: ctx.clock, signal: ctx.signal, onProgress: (p) => h.update(p.seen) }),
    );
  }
  if (o.create) await store.update((s) => void (s.node_creation = null));
  return {
    value: { nodes: added, endpoint: pushed.endpoint, writes: pushed.writes },
    render: (v, s) =>
      [
        renderTable(v.nodes, [
          { header: "NODE", value: (n) => n.name },
          { header: "MAC", value: (n) => n.mac },
          { header: "CLOUD ID", value: (n) => n.cloudId ?? "-" },
        ], s.bold),
        `${s.green("✓")} registered; matchbox at ${v.endpoint} has their groups (${v.writes} writes). Follow them: pxectl watch`,
      ].join("\n"),
  };
}
