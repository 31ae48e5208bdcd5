import { dirname, join, resolve } from "node:path";
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { UsageError } from "../../core/errors";
import { statePaths } from "../../config/state";
import { ensureInstallerOs } from "../../lab/installer-os";
import { ensureLabTls, labNamespace, startLab, stopLab } from "../../lab/lab";
import { checkLabPrerequisites } from "../../lab/prerequisites";
import { findLabMatchbox } from "../../lab/matchbox";
import { labOf } from "../../lab/state";
import { writeLabProject } from "../../lab/project";
import { builtFile, selfCommand } from "../../lab/self";
import type { Accel, Firmware } from "../../lab/vm";
import { tlsPaths } from "../../pki";
import { hostSettings } from "../../remote/installer";
import { bootAll, push } from "../../project";
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
}

export interface UpResult {
  namespace: string;
  grpcEndpoint: string;
  httpEndpoint: string;
  projectWritten: boolean;
  vms: Array<{ name: string; mac: string }>;
}

/** run starts the lab: on this machine (writing a lab project first in an empty folder, booting --vms VMs), or, with --host vm, the cloud lab. */
export async function run(o: UpOptions, ctx: Context): Promise<CommandResult<UpResult> | CommandResult<UpVmResult>> {
  return o.host === "vm" ? runCloudLab(o, ctx) : runLocal(o, ctx);
}

async function runLocal(o: UpOptions, ctx: Context): Promise<CommandResult<UpResult>> {
  await checkLabPrerequisites({ env: ctx.env, uid: process.getuid?.() ?? 0, firmwares: [o.firmware] });
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
  if (labOf(store.state)) await ctx.out.step("stopping the earlier lab", () => stopLab(store));
  let done = false;
  ctx.defer(async () => {
    // a lab that failed to come up is taken down whole: the next lab up starts clean
    if (!done && labOf(store.state)) await stopLab(store).catch(() => undefined);
  });

  const installerOs = await ctx.out.step("building the lab OS (once)", (h) => ensureInstallerOs(cacheDir, (t) => h.update(t)));
  const tls = tlsPaths(statePaths(ctx.stateDir).tls);
  await ensureLabTls(tls, config, settings, new Date(ctx.clock.now()));
  const endpoint = await ctx.out.step(`starting the lab in network namespace ${labNamespace(config.name)}`, (h) =>
    startLab({ store, config, settings, stateDir: ctx.stateDir, tls, installerOs, matchboxBinary, self: selfCommand(), clock: ctx.clock, progress: (t) => h.update(t) }),
  );
  await push({ prune: false }, ctx);
  const vms = o.vms > 0 ? await bootAll(ctx, store, config, o) : [];
  done = true;
  const lab = labOf(store.state)!;
  return {
    value: { namespace: lab.namespace, grpcEndpoint: endpoint, httpEndpoint: `http://${lab.address}:${settings.matchbox.httpPort}`, projectWritten, vms },
    render: (v, s) =>
      [
        ...(v.projectWritten ? [`wrote ${ctx.display(ctx.configPath)} and ${ctx.display(join(dirname(ctx.configPath), "profiles"))}/ (provider: lab)`] : []),
        `${s.green("✓")} lab up in network namespace ${v.namespace}: matchbox gRPC ${v.grpcEndpoint}, HTTP ${v.httpEndpoint}`,
        ...v.vms.map((vm) => `  booting ${vm.name} (${vm.mac})`),
        v.vms.length > 0 ? "follow them: pxectl watch" : "add machines: pxectl node add --mac 52:54:00:70:78:01 && pxectl lab boot 52:54:00:70:78:01",
      ].join("\n"),
  };
}
