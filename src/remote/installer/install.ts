// The installer: every step checks the host before it changes it and reports whether it
// did, so running it again on an installed host changes nothing. Files are checked before
// they are activated, and services restart only when something they read changed.
import localbootScript from "../../../templates/localboot.ipxe.tmpl";
import { type Clock, systemClock } from "../../core/clock";
import type { RemoteHost } from "../host";
import { ensureSystemAccount } from "./accounts";
import { dnsmasqFiles, matchboxUnitFiles } from "./configs";
import type { HostFacts } from "./facts";
import { FileSet, allOf, pendingPaths } from "./files";
import { ensureFolders } from "./folders";
import { ensureForwarding } from "./forwarding";
import { ensureIpxeFiles } from "./ipxe";
import { type MatchboxSource, ensureMatchboxBinary } from "./matchbox-binary";
import { ensurePackages } from "./packages";
import { ensureSecureBootFiles } from "./secure-boot";
import { HOST_PATHS, MATCHBOX_DATA_FOLDERS, SERVICE_FILES, UNITS, UNIT_FILES } from "./paths";
import { type ServiceChange, settleServices } from "./services";
import type { HostSettings } from "./settings";
import type { StepResult } from "./step";
import { type Action, Target } from "./target";
import { dnsmasqTest, systemdVerify } from "./validators";

/** TlsFiles are matchbox's gRPC server certificate, its key and the CA for client certificates (PEM). */
export interface TlsFiles {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

/** InstallInputs are everything the installer needs: settings, host facts, TLS files, the binary's source. */
export interface InstallInputs {
  settings: HostSettings;
  facts: HostFacts;
  tls: TlsFiles;
  matchbox: MatchboxSource;
}

/** INSTALL_STEPS are the installer's steps in order; init records them in state by id. */
export const INSTALL_STEPS = [
  { id: "packages", title: "Install packages" },
  { id: "matchbox-binary", title: "Install the matchbox binary" },
  { id: "matchbox-folders", title: "Create matchbox's user and folders" },
  { id: "tls", title: "Install matchbox's TLS files" },
  { id: "matchbox-unit", title: "Configure matchbox.service" },
  { id: "ipxe", title: "Copy the iPXE boot files" },
  { id: "secure-boot", title: "Copy the Secure Boot chain (shim, signed GRUB)" },
  { id: "dnsmasq", title: "Configure dnsmasq" },
  { id: "forwarding", title: "Configure forwarding and NAT" },
  { id: "services", title: "Start the services" },
] as const;

/** InstallStep is one of INSTALL_STEPS. */
export type InstallStep = (typeof INSTALL_STEPS)[number];

/** StepRunner wraps each step, e.g. in Output.step for progress; it must return work's result. */
export type StepRunner = <T extends StepResult>(step: InstallStep, work: () => Promise<T>) => Promise<T>;

/** InstallOptions tune how the installer runs, not what it installs. */
export interface InstallOptions {
  /** Install under this prefix instead of on the live system (--root). */
  root?: string;
  runStep?: StepRunner;
  clock?: Clock;
}

/** StepReport is one step's result. */
export interface StepReport extends StepResult {
  id: InstallStep["id"];
  title: string;
}

/** InstallReport is what the installer did. */
export interface InstallReport {
  root: string;
  steps: StepReport[];
  /** Commands run on the live system, or only recorded under a root prefix. */
  actions: Action[];
  matchboxVersion: string;
  /** Whether ARM64 UEFI machines can boot (an ARM64 iPXE build was found). */
  arm64: boolean;
  changed: boolean;
}

const run: StepRunner = (_step, work) => work();

/** installHost installs and configures matchbox and dnsmasq on host. */
export async function installHost(host: RemoteHost, inputs: InstallInputs, options: InstallOptions = {}): Promise<InstallReport> {
  const target = new Target(host, options.root);
  const { settings, facts } = inputs;
  const steps: StepReport[] = [];
  const step = async <T extends StepResult>(id: InstallStep["id"], work: () => Promise<T>): Promise<T> => {
    const definition = INSTALL_STEPS.find((s) => s.id === id)!;
    const result = await (options.runStep ?? run)(definition, work);
    steps.push({ id, title: definition.title, changed: result.changed, details: result.details });
    return result;
  };

  await step("packages", () => ensurePackages(target));
  const binary = await step("matchbox-binary", () => ensureMatchboxBinary(target, inputs.matchbox, facts.arch));
  let account = { name: "matchbox", uid: 0, gid: 0 };
  await step("matchbox-folders", async () => {
    const user = await ensureSystemAccount(target, "matchbox", HOST_PATHS.matchboxData);
    account = user.account;
    const folders = await ensureFolders(target, [
      { path: HOST_PATHS.matchboxData, mode: 0o755, owner: account },
      ...MATCHBOX_DATA_FOLDERS.map((f) => ({ path: `${HOST_PATHS.matchboxData}/${f}`, mode: 0o755, owner: account })),
      // root's, readable by matchbox's group: the service reads its key, nobody else
      { path: HOST_PATHS.matchboxTls, mode: 0o750, owner: { name: "root:matchbox", uid: 0, gid: account.gid } },
      { path: HOST_PATHS.pxectlConfig, mode: 0o755 },
      { path: HOST_PATHS.pxectlState, mode: 0o755 },
      { path: HOST_PATHS.tftpRoot, mode: 0o755 },
    ]);
    const details = [...(user.changed ? [`created system user matchbox (uid ${account.uid})`] : []), ...folders.details];
    return { changed: user.changed || folders.changed, details: details.length > 0 ? details : ["user matchbox and its folders are in place"] };
  });
  const tls = await step("tls", () =>
    applyFiles(target, [
      { path: HOST_PATHS.caCert, content: inputs.tls.caCert, mode: 0o600, owner: account },
      { path: HOST_PATHS.serverCert, content: inputs.tls.serverCert, mode: 0o600, owner: account },
      { path: HOST_PATHS.serverKey, content: inputs.tls.serverKey, mode: 0o600, owner: account },
    ]),
  );
  const matchboxUnit = await step("matchbox-unit", () => applyFiles(target, matchboxUnitFiles(settings, facts), systemdVerify(target, [UNITS.matchbox])));
  const ipxe = await step("ipxe", async () => {
    const boot = await ensureIpxeFiles(target);
    const local = await applyFiles(target, [{ path: HOST_PATHS.localbootScript, content: localbootScript, mode: 0o644 }]);
    return { ...boot, changed: boot.changed || local.changed, details: [...boot.details, ...(local.changed ? local.details : [])] };
  });
  await step("secure-boot", () => ensureSecureBootFiles(target));
  // the Secure Boot lines are always there: a node with boot_loader grub needs only its own files
  const grub = { forAll: settings.bootLoader === "grub", hostsDir: HOST_PATHS.dhcpHosts };
  const dnsmasq = await step("dnsmasq", () =>
    applyFiles(target, dnsmasqFiles(settings, facts, ipxe.arm64, grub), allOf(dnsmasqTest(target, HOST_PATHS.dnsmasqConfig), systemdVerify(target, [UNITS.dnsmasq]))),
  );
  const forwarding = await step("forwarding", () => ensureForwarding(target, settings, facts));

  // restart what reads a file replaced now, or by an earlier run that stopped before restarting it
  const activated = new Set([binary, tls, matchboxUnit, dnsmasq, forwarding].flatMap((r) => r.activated));
  const units = settings.forward ? [UNITS.matchbox, UNITS.dnsmasq, UNITS.nat] : [UNITS.matchbox, UNITS.dnsmasq];
  const pending = new Set(await pendingPaths(target, units.flatMap((u) => SERVICE_FILES[u])));
  const services: ServiceChange[] = units.map((unit) => ({ unit, changedFiles: SERVICE_FILES[unit].filter((f) => activated.has(f) || pending.has(f)) }));
  const unitFilesChanged = forwarding.unitRemoved || services.some((s) => s.changedFiles.some((f) => UNIT_FILES.includes(f)));
  await step("services", () => settleServices(target, services, unitFilesChanged, options.clock ?? systemClock));

  return { root: target.root, steps, actions: target.actions, matchboxVersion: binary.version, arm64: ipxe.arm64, changed: steps.some((s) => s.changed) };
}

interface FilesResult extends StepResult {
  /** Target paths written. */
  activated: readonly string[];
}

async function applyFiles(target: Target, files: Parameters<typeof FileSet.plan>[1], validate?: Parameters<FileSet["apply"]>[0]): Promise<FilesResult> {
  const set = await FileSet.plan(target, files);
  const { paths: activated } = await set.apply(validate);
  const details = set.changed.length > 0 ? set.changed.map((f) => `wrote ${f.path}`) : [`${files.map((f) => f.path.split("/").pop()).join(", ")} ${files.length > 1 ? "are" : "is"} up to date`];
  return { changed: set.changed.length > 0, details, activated };
}
