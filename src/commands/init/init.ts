// pxectl init, the command: answers -> pxectl.yaml, then the init journal (operator key,
// cloud resources, host install), and a summary of endpoints and files.
import { dirname, join } from "node:path";
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { UsageError, StateError } from "../../core/errors";
import { writeFileAtomic } from "../../config/files";
import { statePaths } from "../../config/state";
import { flatcarAssets } from "../../environment/assets";
import { cloudSteps, type CloudInit } from "../../environment/cloud";
import { type CloudFlags, openCloud } from "../../environment/cloud-client";
import { endpoints, hostAddress, hostSteps, type HostInit } from "../../environment/host";
import { type Step, type StepReport, bindSteps, runJournal } from "../../environment/journal";
import { operatorKey } from "../../environment/operator-key";
import { tlsPaths } from "../../pki";
import { loadDesired } from "../../project";
import { writeStarterProject } from "../../project/starter";
import { renderFields } from "../../output/table";
import { parseDurationMs } from "../../wait/duration";
import { type InitFlags, projectFileFromAnswers, refuseContradictions } from "./answers";

export interface InitOptions extends InitFlags, CloudFlags {
  sshKey?: string;
  /** --ssh-wait and --cloud-wait, in ms; pxectl.yaml's waits otherwise. */
  sshWait?: number;
  cloudWait?: number;
  matchboxBinary?: string;
  skipAssets?: boolean;
  root?: string;
}

export interface InitResult {
  env: string;
  provider: string;
  host: { address: string; ssh: string; hostKey: string | null };
  matchbox: { grpcEndpoint: string; httpEndpoint: string };
  files: { ca: string; clientCert: string; clientKey: string; sshKey: string; state: string };
  steps: StepReport[];
}

/**
 * checkBeforeBilling checks offline what the later steps need, before init creates anything
 * that costs: the profile directory renders (node add pushes it next; on SakuraCloud), and a
 * matchbox program given as a file exists.
 */
async function checkBeforeBilling(ctx: Context, host: HostInit): Promise<void> {
  try {
    if (host.config.provider === "sakuracloud") await loadDesired(ctx, undefined, { warn: false });
    if (host.matchbox.kind === "file") {
      const path = host.matchbox.path;
      const stat = await ctx.fs.stat(path).catch(() => undefined);
      if (!stat?.isFile()) throw new UsageError(`the matchbox program ${ctx.display(path)} is not a file`, { hint: "pass --matchbox-binary FILE (or matchbox.binary in pxectl.yaml) naming matchbox v0.11.0, or leave both out to install the release" });
    }
  } catch (e) {
    if (host.config.provider === "sakuracloud") ctx.out.warn("nothing was created: the checks before creating cloud resources failed");
    throw e;
  }
}

/** run builds (or resumes, or checks) the environment described by pxectl.yaml. */
export async function run(options: InitOptions, ctx: Context): Promise<CommandResult<InitResult>> {
  const { parseProjectConfig, readProjectText } = await import("../../config/project");
  const shown = ctx.display(ctx.configPath);
  if ((await readProjectText(ctx.configPath, { fs: ctx.fs, display: shown })) === undefined) {
    const text = await projectFileFromAnswers(options, ctx.prompt, ctx.cwd);
    await writeFileAtomic(ctx.configPath, text, { mode: 0o644, fs: ctx.fs });
    ctx.out.info(`wrote ${shown}`);
  }
  const text = (await readProjectText(ctx.configPath, { fs: ctx.fs, display: shown }))!;
  const written = parseProjectConfig(text, shown);
  refuseContradictions(options, written, shown);
  if (written.provider === "lab") throw new UsageError("a project with provider: lab is built by pxectl lab up, not init", { hint: "run pxectl lab up (as root)" });
  const store = await ctx.writeState();
  if (store.state.env && store.state.env !== written.name) {
    throw new StateError(`${ctx.display(ctx.stateDir)} belongs to environment "${store.state.env}", but pxectl.yaml says "${written.name}"`, {
      hint: `run pxectl destroy with the old name first, or use another folder`,
    });
  }
  const paths = statePaths(ctx.stateDir);
  // the operator's key first: the starter profiles let it log in to the nodes too
  const key = await operatorKey({ configured: options.sshKey ?? written.host?.ssh_key, baseDir: dirname(ctx.configPath), sshDir: paths.ssh, comment: `pxectl-${written.name}`, fs: ctx.fs });
  const starter = await writeStarterProject({ configPath: ctx.configPath, configText: text, config: written, publicKey: key.publicKey, fs: ctx.fs });
  if (starter.dir) {
    ctx.out.info(`wrote ${ctx.display(starter.dir)}/: Flatcar installed to disk, user core with ${starter.keyAdded ? `the key ${ctx.display(key.privateKeyPath)} (variables.ssh_authorized_key in ${shown})` : "variables.ssh_authorized_key"}`);
  }
  const project = await ctx.project();
  const { config } = project;
  const { hostSettings, matchboxSource } = await import("../../remote/installer");
  const settings = hostSettings(config, ctx.display(project.path), project.locate);
  const host: HostInit = {
    store,
    out: ctx.out,
    clock: ctx.clock,
    signal: ctx.signal,
    env: ctx.env,
    config,
    settings,
    tlsDir: paths.tls,
    secrets: ctx.out.redactor,
    matchbox: matchboxSource(settings, { flag: options.matchboxBinary, cwd: ctx.cwd, projectDir: project.dir }),
    root: options.root,
    flatcar: await flatcarAssets(project, ctx.display(project.path)),
    skipAssets: Boolean(options.skipAssets),
    sshWaitMs: options.sshWait ?? parseDurationMs(config.waits.ssh),
  };
  await checkBeforeBilling(ctx, host);
  ctx.defer(() => host.host?.close());
  let publicKey = "";
  const steps: Step<void>[] = [
    {
      id: "operator-key",
      title: "your SSH key for the host",
      run() {
        host.key = key;
        publicKey = key.publicKey;
        return Promise.resolve({ changed: key.generated, detail: ctx.display(key.privateKeyPath) });
      },
    },
  ];
  if (config.provider === "sakuracloud") {
    const allowFrom = config.sakuracloud.allow_from ?? [];
    if (allowFrom.length === 0) {
      throw new UsageError("sakuracloud.allow_from is empty: nobody could reach the host's SSH and gRPC", { hint: "add your public address to sakuracloud.allow_from in pxectl.yaml" });
    }
    const api = await openCloud(ctx, config, options);
    const { core, memory_gb } = config.sakuracloud.host;
    await api.plans.findServerPlan({ cpu: core, memoryMB: memory_gb * 1024 }).catch((e: unknown) => {
      ctx.out.warn("nothing was created: the host's size was checked first");
      throw e;
    });
    const cloud: CloudInit = {
      api,
      store,
      config,
      clock: ctx.clock,
      signal: ctx.signal,
      allowFrom,
      timing: { timeoutMs: options.cloudWait ?? parseDurationMs(config.waits.cloud) },
      get sshPublicKey() {
        return publicKey; // set by the operator-key step, which runs first
      },
    };
    steps.push(...bindSteps(cloudSteps(), cloud));
  }
  steps.push(...bindSteps(hostSteps(), host));
  const reports = await runJournal("init", steps, undefined, { store, out: ctx.out, clock: ctx.clock, signal: ctx.signal });

  const tls = tlsPaths(paths.tls);
  const e = endpoints(host);
  const hostKey = (store.state.host?.ssh_host_key as { fingerprint?: string } | undefined)?.fingerprint ?? null;
  const value: InitResult = {
    env: config.name,
    provider: config.provider,
    host: { address: hostAddress(host), ssh: `${String(store.state.host?.ssh_user)}@${hostAddress(host)}:${String(store.state.host?.ssh_port)}`, hostKey },
    matchbox: { grpcEndpoint: e.grpc, httpEndpoint: e.http },
    files: { ca: ctx.display(tls.ca.cert), clientCert: ctx.display(tls.client.cert), clientKey: ctx.display(tls.client.key), sshKey: ctx.display(host.key!.privateKeyPath), state: ctx.display(join(ctx.stateDir, "state.json")) },
    steps: reports,
  };
  return {
    value,
    render: (v, s) =>
      [
        `${s.green("✓")} environment ${s.bold(v.env)} is ready`,
        renderFields(
          [
            ["host", `${v.host.ssh}  (key ${v.host.hostKey ?? "?"})`],
            ["matchbox gRPC", v.matchbox.grpcEndpoint],
            ["matchbox HTTP", `${v.matchbox.httpEndpoint}  (on the switch)`],
            ["client cert", `${v.files.clientCert}, ${v.files.clientKey}, CA ${v.files.ca}`],
            ["ssh key", v.files.sshKey],
          ],
          s.dim,
        ),
        `next: pxectl profile apply, then pxectl node add --mac MAC`,
      ].join("\n"),
  };
}
