// What state.json records about the boot lab: its namespace, folder, programs and VMs.
// Every path the lab uses is derived from its folder here, in one place.
import { join } from "node:path";
import type { LabProcess } from "./processes";

/** LabVm is a VM the lab started, by MAC. */
export interface LabVm {
  mac: string;
  firmware: "bios" | "uefi" | "uefi-pxe" | "uefi-secure";
  tap: string;
  /** The QEMU process; for a VM with a BMC, its ipmi_sim (QEMU comes and goes with the power). */
  process: LabProcess;
  /** The VM's BMC (lab up --bmc): its UDP port on the bridge address and its folder. */
  bmc?: { port: number; dir: string };
}

/** LabRecord is state.lab. */
export interface LabRecord {
  namespace: string;
  /** The lab's folder (absolute): configs, logs, matchbox's data, disks. */
  dir: string;
  /** The host's address on the lab bridge, e.g. 10.254.0.1. */
  address: string;
  processes: Partial<Record<LabService, LabProcess>>;
  vms: Record<string, LabVm>;
}

/** LAB_SERVICES start in this order and stop in the reverse. */
export const LAB_SERVICES = ["dnsmasq", "matchbox", "relay-inside", "relay-outside"] as const;
export type LabService = (typeof LAB_SERVICES)[number];

/** labPaths are the lab's files, under its folder. */
export function labPaths(dir: string) {
  return {
    dir,
    dnsmasqConfig: join(dir, "dnsmasq.conf"),
    dnsmasqLog: join(dir, "dnsmasq.log"),
    leases: join(dir, "dnsmasq.leases"),
    tftp: join(dir, "tftp"),
    /** dnsmasq's dhcp-hostsdir: the nodes tagged for shim and GRUB. */
    dhcpHosts: join(dir, "dhcp-hosts"),
    matchboxData: join(dir, "matchbox"),
    matchboxAssets: join(dir, "matchbox", "assets"),
    matchboxLog: join(dir, "matchbox.log"),
    grpcSocket: join(dir, "grpc.sock"),
    grpcPort: join(dir, "grpc.port"),
    relayLog: join(dir, "relay.log"),
    vms: join(dir, "vms"),
  };
}

/** vmFiles are one VM's disk, UEFI variables and serial console, named by its MAC. */
export function vmFiles(dir: string, mac: string) {
  const base = join(labPaths(dir).vms, mac.replaceAll(":", ""));
  return { disk: `${base}.img`, vars: `${base}.vars.fd`, console: `${base}.console.log` };
}

/** labOf reads state.lab, if the lab is up. */
export function labOf(state: { lab?: Record<string, unknown> | null }): LabRecord | undefined {
  return (state.lab ?? undefined) as LabRecord | undefined;
}

/** labLogFiles are the logs watch follows: dnsmasq's and matchbox's. */
export function labLogFiles(lab: LabRecord): Array<{ path: string; origin: "dnsmasq" | "matchbox" }> {
  const paths = labPaths(lab.dir);
  return [
    { path: paths.dnsmasqLog, origin: "dnsmasq" },
    { path: paths.matchboxLog, origin: "matchbox" },
  ];
}
