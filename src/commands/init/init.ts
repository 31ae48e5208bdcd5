// pxectl init, the command: answers -> pxectl.yaml, then the init journal (operator key,
// cloud resources, host install), and a summary of endpoints and files.
import { join } from "node:path";
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
import { renderFields } from "../../output/table";
import { type InitFlags, projectFileFromAnswers, refuseContradictions } from "./answers";

export interface InitOptions extends InitFlags, CloudFlags {
  sshKey?: string;
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

/** run builds (or resumes, or checks) the environment described by pxectl.yaml. */
export async function run(options: InitOptions, ctx: Context): Promise<CommandResult<InitResult>> {
  const { readProjectText } = await import("../../config/project");
  if ((await readProjectText(ctx.configPath, { fs: ctx.fs, display: ctx.display(ctx.configPath) })) === undefined) {
    const text = await projectFileFromAnswers(options, ctx.prompt, ctx.cwd);
    await writeFileAtomic(ctx.configPath, text, { mode: 0o644, fs: ctx.fs });
    ctx.out.info(`wrote ${ctx.display(ctx.configPath)}`);
  }
  const project = await ctx.project();
  const { config } = project;
  refuseContradictions(options, config, ctx.display(project.path));
  if (config.provider === "lab") throw new UsageError("a project with provider: lab is built by pxectl lab up, not init", { hint: "sudo pxectl lab up" });
  const store = await ctx.writeState();
  if (store.state.env && store.state.env !== config.name) {
    throw new StateError(`${ctx.display(ctx.stateDir)} belongs to environment "${store.state.env}", but pxectl.yaml says "${config.name}"`, {
      hint: `run pxectl destroy with the old name first, or use another folder`,
    });
  }
  const paths = statePaths(ctx.stateDir);
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
  };
  ctx.defer(() => host.host?.close());
  let publicKey = "";
  const steps: Step<void>[] = [
    {
      id: "operator-key",
      title: "your SSH key for the host",
      async run() {
        host.key = await operatorKey({ configured: options.sshKey ?? config.host?.ssh_key, baseDir: project.dir, sshDir: paths.ssh, comment: `pxectl-${config.name}`, fs: ctx.fs });
        publicKey = host.key.publicKey;
        return { changed: host.key.generated, detail: ctx.display(host.key.privateKeyPath) };
      },
    },
  ];
  if (config.provider === "sakuracloud") {
    const allowFrom = config.sakuracloud.allow_from ?? [];
    if (allowFrom.length === 0) {
      throw new UsageError("sakuracloud.allow_from is empty: nobody could reach the host's SSH and gRPC", { hint: "add your public address to sakuracloud.allow_from in pxectl.yaml" });
    }
    const api = await openCloud(ctx, config, options);
    const cloud: CloudInit = {
      api,
      store,
      config,
      clock: ctx.clock,
      signal: ctx.signal,
      allowFrom,
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
