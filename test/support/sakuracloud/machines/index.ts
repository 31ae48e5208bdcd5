// The machine-backed mode of the SakuraCloud test server: the same API, with real things
// behind it. A switch is a bridge, a server a QEMU VM whose NICs sit on the shared
// segment's bridge or their switch's, a disk an image file (a copy of the Debian 12 host
// image, or blank), the disk edit writes into that copy, power on/off start QEMU, press
// its ACPI button or kill it, and packet filters are nftables rules on the shared bridge.
// Everything lives in one network namespace this makes and close() removes.
import { mkdir, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { badRequest } from "../api-error";
import type { ArchiveRecord, DiskRecord, InterfaceRecord, ServerRecord, SwitchRecord } from "../records";
import type { Store } from "../store";
import { type CloudNetwork, SHARED_BRIDGE, addBridge, addTap, createCloudNetwork, deleteCloudNetwork, deleteLink } from "./network";
import { type FilteredTap, applyRuleset, nftRuleset } from "./packet-filter";
import { type KernelBoot, type RunningVm, acpiPowerOff, killVm, startVm } from "./vm";

export type { CloudNetwork } from "./network";

/** HostImage is the cached Debian 12 root file system image and the kernel that boots it. */
export interface HostImage {
  /** A raw disk image; disks copied from the Debian 12 archive are copies of it. */
  disk: string;
  boot: KernelBoot;
}

/** DiskEditSettings is what SakuraCloud's disk edit writes into a disk. */
export interface DiskEditSettings {
  hostName?: string;
  sshPublicKeys: string[];
  disablePasswordAuth: boolean;
  /** The shared-segment NIC: its MAC, address with prefix, and gateway. */
  sharedNic?: { mac: string; address: string; gateway: string };
  /** The zone's name servers, as SakuraCloud's disk edit writes them into resolv.conf. */
  nameServers: string[];
}

/** HostImageSource builds the host image (once, cached) and edits copies of it. */
export interface HostImageSource {
  ensure(progress: (text: string) => void): Promise<HostImage>;
  /** Makes a disk from the image (a sparse copy). */
  copy(image: HostImage, dest: string): Promise<void>;
  edit(disk: string, settings: DiskEditSettings): Promise<void>;
  /** Puts files into a copy, e.g. the lab OS matchbox serves to nodes. */
  addFiles?(disk: string, files: ReadonlyArray<{ path: string; source: string }>): Promise<void>;
}

export interface MachineOptions {
  hostImage: HostImageSource;
  /** Files every copy of the host image gets (the lab's OS under matchbox's assets). */
  hostFiles?: ReadonlyArray<{ path: string; source: string }>;
  /** Where disks and consoles live (a new temporary folder by default; removed by close). */
  workDir?: string;
  /** Memory of a VM booting the host image, and of a network-booting one. */
  memoryMB?: { host: number; node: number };
  log?: (line: string) => void;
}

/** The archive the host image stands for: SakuraCloud's public Debian 12. */
const DEBIAN_12_TAG = "debian-12-latest";

interface Vm {
  running: RunningVm;
  taps: string[];
  /** "off" once a shutdown was asked for: the exit is expected. */
  stopping: boolean;
}

/** Machines is the backing the resource handlers call; one per test server. */
export class Machines {
  private readonly vms = new Map<string, Vm>();
  private readonly diskFiles = new Map<string, string>();
  private readonly bridges = new Map<string, string>();
  private hostImage: HostImage | undefined;
  private filterLoads: Promise<void> = Promise.resolve();
  private store!: Store;
  private constructor(
    readonly network: CloudNetwork,
    readonly workDir: string,
    private readonly o: MachineOptions,
  ) {}

  /** start makes the namespace and the work folder. */
  static async start(o: MachineOptions): Promise<Machines> {
    const network = await createCloudNetwork();
    const workDir = o.workDir ?? join(tmpdir(), network.namespace);
    await mkdir(join(workDir, "disks"), { recursive: true });
    await mkdir(join(workDir, "consoles"), { recursive: true });
    return new Machines(network, workDir, o);
  }

  attach(store: Store): void {
    this.store = store;
  }

  private log(line: string): void {
    this.o.log?.(line);
  }

  consoleOf(serverId: string): string {
    return join(this.workDir, "consoles", `${serverId}.log`);
  }

  diskFile(diskId: string): string | undefined {
    return this.diskFiles.get(diskId);
  }

  /** runningPids lists the QEMU processes still running (for leak checks). */
  runningPids(): number[] {
    return [...this.vms.values()].map((v) => v.running.pid);
  }

  // --- switches ---------------------------------------------------------------------

  private bridgeOf(switchId: string): string {
    const shared = this.store.get("switch", this.zoneOfSwitch(switchId), switchId);
    if (shared?.scope === "shared") return SHARED_BRIDGE;
    const bridge = this.bridges.get(switchId);
    if (!bridge) throw new Error(`internal: switch ${switchId} has no bridge`);
    return bridge;
  }

  private zoneOfSwitch(switchId: string): string {
    return this.store.zones.find((z) => this.store.get("switch", z.name, switchId))?.name ?? "";
  }

  async switchCreated(sw: SwitchRecord): Promise<void> {
    const bridge = `sw${sw.id.slice(-6)}`;
    await addBridge(this.network.namespace, bridge);
    this.bridges.set(sw.id, bridge);
  }

  async switchDeleted(sw: SwitchRecord): Promise<void> {
    const bridge = this.bridges.get(sw.id);
    if (bridge) await deleteLink(this.network.namespace, bridge);
    this.bridges.delete(sw.id);
  }

  // --- disks ------------------------------------------------------------------------

  /** checkArchive refuses, before anything is made, an archive this machine cannot build. */
  checkArchive(archive: ArchiveRecord | undefined): void {
    if (archive && !archive.tags.includes(DEBIAN_12_TAG)) {
      throw badRequest(
        `SourceArchive: このテストサーバ(machine-backed)は ${archive.name} を作れません。Debian 12 のみ対応です。 (this machine-backed test server cannot build ${archive.name}: only the Debian 12 archive (tag ${DEBIAN_12_TAG}) is backed by a real image; set host.archive: debian-12 in pxectl.yaml)`,
      );
    }
  }

  /** createDiskFile makes the disk's image: a sparse copy of the host image, or a blank file. */
  async createDiskFile(disk: DiskRecord, archive: ArchiveRecord | undefined): Promise<void> {
    const file = join(this.workDir, "disks", `${disk.id}.img`);
    this.diskFiles.set(disk.id, file);
    if (archive) {
      this.hostImage ??= await this.o.hostImage.ensure((t) => this.log(`host image: ${t}`));
      await this.o.hostImage.copy(this.hostImage, file);
      if (this.o.hostFiles?.length) {
        if (!this.o.hostImage.addFiles) throw new Error("internal: the host image source cannot add files");
        await this.o.hostImage.addFiles(file, this.o.hostFiles);
      }
    } else {
      const handle = await open(file, "w");
      await handle.truncate(disk.sizeMB * 1024 * 1024);
      await handle.close();
    }
    this.log(`disk ${disk.id}: ${archive ? `copy of the host image (${archive.name})` : `blank, ${disk.sizeMB / 1024} GB`} at ${file}`);
  }

  /** editDisk writes the disk edit into a copy of the host image; a blank disk has nothing to edit. */
  async editDisk(disk: DiskRecord, edit: Record<string, unknown>): Promise<void> {
    const file = this.diskFiles.get(disk.id);
    if (!file || disk.sourceArchiveId === null) return;
    const keys = (Array.isArray(edit.SSHKeys) ? (edit.SSHKeys as Array<Record<string, unknown>>) : [])
      .map((k) => (typeof k.PublicKey === "string" ? k.PublicKey : this.store.get("sshkey", "is1a", String(k.ID))?.publicKey))
      .filter((k): k is string => typeof k === "string");
    const nic0 = disk.serverId ? this.nicsOf(disk.zone, disk.serverId)[0] : undefined;
    const segment = this.network.shared;
    await this.o.hostImage.edit(file, {
      hostName: typeof edit.HostName === "string" ? edit.HostName : undefined,
      sshPublicKeys: keys,
      disablePasswordAuth: edit.DisablePWAuth === true,
      sharedNic: nic0?.ipAddress ? { mac: nic0.mac.toLowerCase(), address: `${nic0.ipAddress}/${segment.maskLen}`, gateway: segment.gateway } : undefined,
      nameServers: this.store.nameServers ?? [],
    });
    this.log(`disk ${disk.id}: edited (host name ${typeof edit.HostName === "string" ? edit.HostName : "-"}, ${keys.length} SSH keys)`);
  }

  async diskDeleted(disk: DiskRecord): Promise<void> {
    const file = this.diskFiles.get(disk.id);
    if (file) await rm(file, { force: true });
    this.diskFiles.delete(disk.id);
  }

  // --- servers ----------------------------------------------------------------------

  private nicsOf(zone: string, serverId: string): InterfaceRecord[] {
    return this.store.all("interface", zone).filter((n) => n.serverId === serverId);
  }

  /** powerOn starts the VM; onExit runs when it stops, whoever stopped it. */
  async powerOn(server: ServerRecord, onExit: () => void): Promise<void> {
    const disks = this.store.all("disk", server.zone).filter((d) => d.serverId === server.id);
    const files = disks.map((d) => this.diskFiles.get(d.id)).filter((f): f is string => f !== undefined);
    const fromImage = disks[0]?.sourceArchiveId !== null && disks[0] !== undefined;
    if (fromImage) this.hostImage ??= await this.o.hostImage.ensure((t) => this.log(`host image: ${t}`));
    const nics = this.nicsOf(server.zone, server.id).filter((n) => n.switchId !== null);
    const taps: string[] = [];
    try {
      const vmNics = [];
      for (const [i, nic] of nics.entries()) {
        const tap = `s${server.id.slice(-6)}n${i}`;
        await addTap(this.network.namespace, tap, this.bridgeOf(nic.switchId!));
        taps.push(tap);
        // a server without an OS disk boots from its first switch (SakuraCloud's "boot from network")
        vmNics.push({ mac: nic.mac, tap, netboot: !fromImage && i === 0 });
      }
      const memory = this.o.memoryMB ?? { host: 1024, node: 512 };
      const console = this.consoleOf(server.id);
      await writeFile(console, "", { flag: "a" });
      const running = await startVm(
        this.network.namespace,
        {
          name: server.name,
          memoryMB: Math.min(server.plan.memoryMB, fromImage ? memory.host : memory.node),
          nics: vmNics,
          disks: files,
          kernelBoot: fromImage ? this.hostImage!.boot : undefined,
          console,
          monitor: join(tmpdir(), `${this.network.namespace}-${server.id}.mon`),
        },
        `${console}.qemu`,
      );
      const vm: Vm = { running, taps, stopping: false };
      this.vms.set(server.id, vm);
      this.log(`server ${server.id} (${server.name}): QEMU ${running.pid} started, ${fromImage ? "booting the host image" : "network-booting"}`);
      void running.exited.then(async () => {
        this.vms.delete(server.id);
        for (const tap of vm.taps) await deleteLink(this.network.namespace, tap);
        await rm(join(tmpdir(), `${this.network.namespace}-${server.id}.mon`), { force: true });
        this.log(`server ${server.id} (${server.name}): QEMU ${running.pid} exited${vm.stopping ? "" : " by itself"}`);
        await this.refilter().catch((e: unknown) => this.log(`packet filter: ${String(e)}`));
        onExit();
      });
      await this.refilter();
    } catch (e) {
      for (const tap of taps) await deleteLink(this.network.namespace, tap);
      throw e;
    }
  }

  /** powerOff presses the ACPI power button, or pulls the plug when forced. */
  async powerOff(server: ServerRecord, force: boolean): Promise<void> {
    const vm = this.vms.get(server.id);
    if (!vm) return;
    vm.stopping = true;
    if (force) await killVm(vm.running);
    else await acpiPowerOff(join(tmpdir(), `${this.network.namespace}-${server.id}.mon`)).catch(() => killVm(vm.running));
  }

  /** serverDeleted removes the server's console files (its VM is already off). */
  async serverDeleted(server: ServerRecord): Promise<void> {
    const vm = this.vms.get(server.id);
    if (vm) await killVm(vm.running);
    await rm(this.consoleOf(server.id), { force: true });
    await rm(`${this.consoleOf(server.id)}.qemu`, { force: true });
  }

  // --- packet filters -----------------------------------------------------------------

  /**
   * refilter loads the packet filters of every running NIC on the shared segment. Loads run
   * one at a time and each reads the state when its turn comes: two servers powered on at
   * once would otherwise race, and the older ruleset could land last.
   */
  refilter(): Promise<void> {
    const load = this.filterLoads.then(() => this.loadFilters());
    this.filterLoads = load.catch(() => undefined);
    return load;
  }

  private async loadFilters(): Promise<void> {
    const taps: FilteredTap[] = [];
    for (const [serverId, vm] of this.vms) {
      const server = this.store.zones.map((z) => this.store.get("server", z.name, serverId)).find(Boolean);
      if (!server) continue;
      const nics = this.nicsOf(server.zone, serverId).filter((n) => n.switchId !== null);
      nics.forEach((nic, i) => {
        if (!nic.packetFilterId || this.bridgeOf(nic.switchId!) !== SHARED_BRIDGE) return;
        const pf = this.store.get("packetfilter", server.zone, nic.packetFilterId);
        if (pf && vm.taps[i]) taps.push({ tap: vm.taps[i], expressions: pf.expression });
      });
    }
    await applyRuleset(this.network.namespace, nftRuleset(taps));
  }

  /** close kills every VM and removes the namespace and the work folder. */
  async close(o: { keepFiles?: boolean } = {}): Promise<void> {
    for (const vm of this.vms.values()) {
      vm.stopping = true;
      await killVm(vm.running);
    }
    await deleteCloudNetwork(this.network);
    if (!o.keepFiles) await rm(this.workDir, { recursive: true, force: true });
  }
}
