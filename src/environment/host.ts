// The host half of init, for any provider: reach the host over SSH with its key pinned,
// issue the certificates for the addresses clients use, install matchbox and dnsmasq,
// mirror Flatcar, and check the result from the operator's side.
import type { Clock } from "../core/clock";
import { TimeoutError } from "../core/errors";
import type { ProjectConfig } from "../config/project";
import type { StateStore } from "../config/state";
import type { Output } from "../output/output";
import { ensureTls, tlsPaths } from "../pki";
import { mirrorFlatcar } from "./assets";
import { httpSilence, probeMatchboxGrpc, probeMatchboxHttp } from "./matchbox-probes";
import { type RemoteHost, type SecretSink, connectHost, sshCredentials } from "../remote";
import { classifySsh } from "../remote/errors";
import { hostArchive } from "../sakuracloud/host-archives";
import type { FlatcarAssets, HostFacts, HostSettings, MatchboxSource } from "../remote/installer";
import { waitFor } from "../wait";
import { formatDuration } from "../wait/duration";
import type { Step } from "./journal";
import type { OperatorKey } from "./operator-key";

/** HostInit is what the host steps need; earlier steps fill in key, host and facts. */
export interface HostInit {
  store: StateStore;
  out: Output;
  clock: Clock;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  config: ProjectConfig;
  settings: HostSettings;
  tlsDir: string;
  secrets: SecretSink;
  matchbox: MatchboxSource;
  /** Install under this prefix instead of the live system (tests, image building). */
  root?: string;
  /** The Flatcar release the assets step mirrors. */
  flatcar: FlatcarAssets;
  skipAssets: boolean;
  /** How long a fresh host may take to answer SSH. */
  sshWaitMs?: number;
  key?: OperatorKey;
  host?: RemoteHost;
  facts?: HostFacts;
}

/** hostAddress is where the operator reaches the host: host.address, else the cloud's public address. */
export function hostAddress(c: Pick<HostInit, "config" | "store">): string {
  const address = c.config.host?.address ?? (c.store.state.host?.public_address as string | undefined);
  if (!address) throw new Error("internal: the host's address is not known yet");
  return address;
}

function sshUser(config: ProjectConfig): string {
  // on SakuraCloud, the user disk edit gave the operator's key to: ubuntu on Ubuntu, root on Debian
  return config.host?.ssh_user ?? (config.provider === "sakuracloud" ? hostArchive(config.sakuracloud.host.archive).sshUser : "root");
}

/** endpoints are what clients dial: gRPC at the operator's address, HTTP on the switch. */
export function endpoints(c: Pick<HostInit, "config" | "store" | "settings">) {
  return {
    grpc: `${hostAddress(c)}:${c.settings.matchbox.grpcPort}`,
    http: `http://${c.settings.switchAddress}:${c.settings.matchbox.httpPort}`,
  };
}

async function connect(c: HostInit, progress: (t: string) => void): Promise<RemoteHost> {
  const pinned = (c.store.state.host?.ssh_host_key as { fingerprint?: string } | undefined)?.fingerprint;
  const credentials = sshCredentials({ keyFile: c.key?.privateKeyPath, env: c.env }, c.secrets);
  const options = {
    host: hostAddress(c),
    port: c.config.host?.ssh_port ?? 22,
    user: sshUser(c.config),
    credentials,
    log: (line: string) => c.out.logOnly(line),
    clock: c.clock,
    connectAttempts: 1,
    hostKey: pinned
      ? { pinned, mismatchHint: "if the host was rebuilt on purpose, check its key on its console, then remove host.ssh_host_key from .pxectl/state.json" }
      : {
          onFirstUse: async (seen: { fingerprint: string; keyType: string }) => {
            c.out.info(`the host's SSH key is ${seen.keyType} ${seen.fingerprint}; pxectl pins it from now on`);
            await c.store.update((s) => {
              s.host = { ...s.host, ssh_host_key: { fingerprint: seen.fingerprint, key_type: seen.keyType } };
            });
          },
        },
  };
  // a freshly booted host takes a while to start sshd: keep trying, but not on a key mismatch
  const started = c.clock.now();
  const timeoutMs = c.sshWaitMs ?? 5 * 60_000;
  return waitFor(
    async () => {
      try {
        return { state: "success", value: await connectHost(options) };
      } catch (e) {
        // refused or silent: sshd is not up yet; a key mismatch or a refused login is final
        const transient = e instanceof TimeoutError || (e instanceof Error && classifySsh(e.cause, true) === "transient");
        if (!transient) throw e;
        // the time in the text: off a terminal, a changed line is printed every 30 s
        progress(`waiting for SSH on ${options.host}:${options.port} (${formatDuration(c.clock.now() - started)} of ${formatDuration(timeoutMs)}; init --ssh-wait or waits.ssh sets it)`);
        return { state: "retry", seen: e instanceof Error ? e.message : String(e) };
      }
    },
    { what: `SSH on ${options.host}:${options.port}`, minDelayMs: 2000, maxDelayMs: 10_000, timeoutMs, clock: c.clock, signal: c.signal },
  );
}

/** hostFacts discovers (once per run) the host's NICs, routes, CPU and resolvers. */
async function hostFacts(c: HostInit): Promise<HostFacts> {
  if (!c.facts) {
    const { discoverHostFacts } = await import("../remote/installer");
    c.facts = await discoverHostFacts(c.host!, { switchAddress: c.settings.switchAddress, interface: c.settings.interface });
    const facts = c.facts;
    await c.store.update((s) => {
      s.host = { ...s.host, switch_interface: facts.switchInterface, uplink_address: facts.publicAddress ?? null };
    });
  }
  return c.facts;
}

/** hostSteps are init's steps on the host, in order. */
export function hostSteps(): Step<HostInit>[] {
  return [
    {
      id: "ssh",
      title: "connecting to the host over SSH",
      async run(c, progress) {
        c.host = await connect(c, progress);
        await c.store.update((s) => {
          s.host = { ...s.host, address: hostAddress(c), ssh_user: c.host!.user, ssh_port: c.config.host?.ssh_port ?? 22 };
        });
        return { changed: false, detail: c.host.label };
      },
    },
    {
      id: "switch-nic",
      title: "the host's address on the switch",
      skip: (c) => (c.config.provider === "sakuracloud" ? undefined : "your host's network is yours to configure"),
      async run(c) {
        const nic = (c.store.state.host?.nics as Array<{ mac: string }> | undefined)?.[1];
        if (!nic) throw new Error("internal: the host's NIC 1 was not recorded");
        const { configureSwitchNic, switchUla } = await import("../remote/installer");
        const method = hostArchive(c.config.sakuracloud.host.archive).switchNic;
        // full DHCP owns the switch, so it may advertise IPv6 there too (see switchUla)
        const ula = c.settings.dhcp === "full" ? switchUla(nic.mac) : undefined;
        const r = await configureSwitchNic(c.host!, { mac: nic.mac, address: `${c.settings.switchAddress}/${c.settings.network.prefix}`, ula, method, root: c.root });
        return { changed: r.changed, detail: r.details.join("; ") };
      },
    },
    {
      id: "certificates",
      title: "certificates for matchbox's gRPC API",
      async run(c) {
        const facts = await hostFacts(c);
        const sans = [hostAddress(c), facts.publicAddress, c.settings.switchAddress, ...(c.config.tls.extra_sans ?? [])].filter((s): s is string => Boolean(s));
        const written = await ensureTls(tlsPaths(c.tlsDir), { env: c.config.name, serverSans: [...new Set(sans)], validityDays: c.config.tls.validity_days, now: new Date(c.clock.now()) });
        return { changed: written.length > 0, detail: written.length > 0 ? `issued ${written.join(", ")}` : "up to date" };
      },
    },
    {
      id: "install",
      title: "installing matchbox and dnsmasq",
      async run(c, progress) {
        const { installHost } = await import("../remote/installer");
        const { readFile } = await import("node:fs/promises");
        const paths = tlsPaths(c.tlsDir);
        const tls = { caCert: await readFile(paths.ca.cert, "utf8"), serverCert: await readFile(paths.server.cert, "utf8"), serverKey: await readFile(paths.server.key, "utf8") };
        const report = await installHost(
          c.host!,
          { settings: c.settings, facts: await hostFacts(c), tls, matchbox: c.matchbox },
          { root: c.root, clock: c.clock, runStep: (step, work) => (progress(step.title.toLowerCase()), work()) },
        );
        await c.store.update((s) => {
          s.tls = { ...s.tls, server_deploy_pending: false };
          // grub_nodes: the GRUB nodes' files a push wrote; a rebuilt host has none, so the next push writes them
          s.host = { ...s.host, matchbox_version: report.matchboxVersion, arm64: report.arm64, installed_under: c.root ?? "/", grub_nodes: undefined };
        });
        const changed = report.steps.filter((s) => s.changed).map((s) => s.id);
        return { changed: report.changed, detail: changed.length > 0 ? `changed: ${changed.join(", ")}` : "everything was in place" };
      },
    },
    {
      id: "assets",
      title: "mirroring Flatcar into matchbox's assets",
      skip: (c) => (c.skipAssets ? "--skip-assets" : undefined),
      async run(c) {
        const r = await mirrorFlatcar(c.host!, c.store, c.flatcar, c.root);
        return { changed: r.changed, detail: `Flatcar ${r.version} at ${r.assetPath}` };
      },
    },
    {
      id: "verify",
      title: "checking matchbox from your side",
      async run(c) {
        const e = endpoints(c);
        const http = await probeMatchboxHttp(c.host!, e.http);
        // under a root prefix nothing was started: there is something to check only if another process serves matchbox there
        if (!http.answered && c.root) return { changed: false, detail: `installed under ${c.root}: nothing answers at ${e.http} (${http.reason})` };
        if (!http.answered) throw httpSilence(e.http, http.reason);
        const tls = tlsPaths(c.tlsDir);
        const groups = await probeMatchboxGrpc({ endpoint: e.grpc, caFile: tls.ca.cert, certFile: tls.client.cert, keyFile: tls.client.key }, { now: new Date(c.clock.now()), signal: c.signal });
        return { changed: false, detail: `HTTP ${e.http} and gRPC ${e.grpc} answer (${groups} groups)` };
      },
    },
    {
      id: "record",
      title: "recording the endpoints",
      async run(c) {
        const e = endpoints(c);
        const before = JSON.stringify(c.store.state.matchbox ?? null);
        await c.store.update((s) => {
          s.matchbox = { grpc_endpoint: e.grpc, http_endpoint: e.http };
        });
        return { changed: before !== JSON.stringify(c.store.state.matchbox), detail: `gRPC ${e.grpc}` };
      },
    },
  ];
}
