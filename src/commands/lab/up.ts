import { dirname, join, resolve } from "node:path";
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { UsageError } from "../../core/errors";
import { statePaths } from "../../config/state";
import { ensureInstallerOs } from "../../lab/installer-os";
import { ensureLabTls, labNamespace, labServices, startLab, stopLab } from "../../lab/lab";
import { namespaceExists } from "../../lab/network";
import type { LabRecord } from "../../lab/state";
import { checkLabPrerequisites } from "../../lab/prerequisites";
import { findLabMatchbox } from "../../lab/matchbox";
import { labOf } from "../../lab/state";
import { writeLabProject } from "../../lab/project";
import { builtFile, selfCommand } from "../../lab/self";
import type { Accel, Firmware } from "../../lab/vm";
import { tlsPaths } from "../../pki";
import { hostSettings } from "../../remote/installer";
import { convergeVms, push } from "../../project";
import { type UpVmResult, runCloudLab } from "./up-vm";

export interface UpOptions {
  host?: "local" | "vm";
  cloudServer?: string;
  matchboxBinary?: string;
  vms: number;
  firmware: Firmware;
  accel: Accel;
  memory: number;
  cacheDir?: string;
  /** Each VM gets a BMC (ipmi_sim) and is powered through it. */
  bmc?: boolean;
}

export interface UpResult {
  namespace: string;
  grpcEndpoint: string;
  httpEndpoint: string;
  projectWritten: boolean;
  /** The lab was up already and kept. */
  reused: boolean;
  vms: Array<{ name: string; mac: string }>;
  /** VMs that were running and were kept as they were. */
  kept: string[];
}

/** labIsUp tells a lab whose namespace and programs all still run. */
async function labIsUp(lab: LabRecord): Promise<boolean> {
  if (!(await namespaceExists(lab.namespace).catch(() => false))) return false;
  return (await labServices(lab)).filter((s) => !s.name.startsWith("vm ")).every((s) => s.running);
}

/** run starts the lab: on this machine (writing a lab project first in an empty folder, or keeping the one up, and making --vms VMs run), or, with --host vm, the cloud lab. */
export async function run(o: UpOptions, ctx: Context): Promise<CommandResult<UpResult> | CommandResult<UpVmResult>> {
  return o.host === "vm" ? runCloudLab(o, ctx) : runLocal(o, ctx);
}

async function runLocal(o: UpOptions, ctx: Context): Promise<CommandResult<UpResult>> {
  await checkLabPrerequisites({ env: ctx.env, uid: process.getuid?.() ?? 0, firmwares: [o.firmware], bmc: Boolean(o.bmc) });
  if (o.bmc && o.vms === 0) throw new UsageError("--bmc gives the VMs a BMC: pass --vms N too", { hint: "sudo pxectl lab up --vms 2 --bmc" });
  const projectWritten = await writeLabProject(ctx.configPath, labNamespace);
  const project = await ctx.project();
  const { config } = project;
  if (config.provider !== "lab") {
    throw new UsageError(`${ctx.display(ctx.configPath)} is for provider ${config.provider}; the lab needs provider: lab`, { hint: "run pxectl lab up in an empty folder, or pass --config lab/pxectl.yaml" });
  }
  const settings = hostSettings(config, ctx.display(project.path), project.locate);
  const cacheDir = o.cacheDir ?? ctx.env.PXECTL_LAB_CACHE ?? "/var/cache/pxectl/lab";
  const matchbox = await ctx.out.step("finding matchbox", () =>
    findLabMatchbox({
      given: o.matchboxBinary,
      configured: config.matchbox.binary && resolve(dirname(ctx.configPath), config.matchbox.binary),
      env: ctx.env,
      cacheDir,
      release: { kind: "release", version: config.matchbox.version },
      testServer: builtFile("matchbox-test-server.cjs"),
    }),
  );
  if (matchbox.note) ctx.out.warn(matchbox.note);
  const matchboxBinary = matchbox.path;
  const store = await ctx.writeState();
  // a lab already up is kept, with its running VMs: lab up run again converges, it does not restart
  const earlier = labOf(store.state);
  const reuse = earlier !== undefined && typeof store.state.matchbox?.grpc_endpoint === "string" && (await labIsUp(earlier));
  if (earlier && !reuse) await ctx.out.step("stopping the earlier lab, which is not whole", () => stopLab(store));
  let done = false;
  ctx.defer(async () => {
    // a lab that failed to come up is taken down whole: the next lab up starts clean
    if (!done && !reuse && labOf(store.state)) await stopLab(store).catch(() => undefined);
  });

  let endpoint: string;
  if (reuse) {
    endpoint = store.state.matchbox.grpc_endpoint as string;
    ctx.out.info(`the lab is up already (network namespace ${earlier.namespace}): keeping it and its running VMs`);
  } else {
    const installerOs = await ctx.out.step("building the lab OS (once)", (h) => ensureInstallerOs(cacheDir, (t) => h.update(t), ctx.signal));
    ctx.signal.throwIfAborted();
    const tls = tlsPaths(statePaths(ctx.stateDir).tls);
    await ensureLabTls(tls, config, settings, new Date(ctx.clock.now()));
    endpoint = await ctx.out.step(`starting the lab in network namespace ${labNamespace(config.name)}`, (h) =>
      startLab({ store, config, settings, stateDir: ctx.stateDir, tls, installerOs, matchboxBinary, self: selfCommand(), clock: ctx.clock, progress: (t) => h.update(t), signal: ctx.signal }),
    );
    ctx.signal.throwIfAborted();
  }
  await push({ prune: false }, ctx);
  const vms = await convergeVms(ctx, store, config, o);
  if (vms.extra.length > 0) ctx.out.warn(`${vms.extra.join(", ")} ${vms.extra.length === 1 ? "is a lab node" : "are lab nodes"} beyond --vms ${o.vms}, left without a VM (pxectl lab boot MAC starts one, pxectl node remove NAME forgets it)`);
  done = true;
  const lab = labOf(store.state)!;
  const all = [...vms.kept, ...vms.booted, ...vms.added];
  return {
    value: { namespace: lab.namespace, grpcEndpoint: endpoint, httpEndpoint: `http://${lab.address}:${settings.matchbox.httpPort}`, projectWritten, reused: reuse, vms: all, kept: vms.kept.map((v) => v.name) },
    render: (v, s) =>
      [
        ...(v.projectWritten ? [`wrote ${ctx.display(ctx.configPath)} and ${ctx.display(join(dirname(ctx.configPath), "profiles"))}/ (provider: lab)`] : []),
        `${s.green("✓")} lab up in network namespace ${v.namespace}: matchbox gRPC ${v.grpcEndpoint}, HTTP ${v.httpEndpoint}`,
        ...v.vms.map((vm) => `  ${v.kept.includes(vm.name) ? "running" : "booting"} ${vm.name} (${vm.mac})`),
        v.vms.length > 0 ? "follow them: pxectl watch" : "add machines: pxectl node add --mac 52:54:00:70:78:01 && pxectl lab boot 52:54:00:70:78:01",
      ].join("\n"),
  };
}
