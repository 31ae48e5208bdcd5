// The catalogue every account sees: zones, regions with their name servers, server
// plans, public archives (tagged as the real ones are) and each zone's shared segment.
// Tags and name-server addresses follow iaas-api-go's fake data and libsacloud fixtures.
import type { ArchiveRecord, PlanRecord, RegionRecord, SwitchRecord, ZoneRecord } from "./records";
import type { Store } from "./store";

const ZONES: ZoneRecord[] = [
  { id: "31001", name: "is1a", description: "石狩第1ゾーン", isDummy: false, regionId: "310" },
  { id: "31002", name: "is1b", description: "石狩第2ゾーン", isDummy: false, regionId: "310" },
  { id: "31003", name: "is1c", description: "石狩第3ゾーン", isDummy: false, regionId: "310" },
  { id: "21001", name: "tk1a", description: "東京第1ゾーン", isDummy: false, regionId: "210" },
  { id: "21002", name: "tk1b", description: "東京第2ゾーン", isDummy: false, regionId: "210" },
  { id: "29001", name: "tk1v", description: "Sandbox", isDummy: true, regionId: "290" },
];

const REGIONS: RegionRecord[] = [
  { id: "310", name: "石狩", description: "石狩", nameServers: ["133.242.0.3", "133.242.0.4"] },
  { id: "210", name: "東京", description: "東京", nameServers: ["210.188.224.10", "210.188.224.11"] },
  // The sandbox's name servers are not documented; Tokyo's stand in.
  { id: "290", name: "Sandbox", description: "Sandbox", nameServers: ["210.188.224.10", "210.188.224.11"] },
];

interface ArchiveSeed {
  name: string;
  tags: string[];
  displayOrder: number;
  createdAt: string;
  sizeGB?: number;
}

const COMMON = ["@size-extendable", "arch-64bit", "os-linux"];
const ARCHIVES: ArchiveSeed[] = [
  { name: "Ubuntu Server 24.04.2 LTS 64bit", tags: ["current-stable", "distro-ubuntu", "distro-ver-24.04.2", "ubuntu-24.04-latest"], displayOrder: 100442404210, createdAt: "2025-03-04T10:12:31+09:00" },
  { name: "Ubuntu Server 24.04.1 LTS 64bit", tags: ["distro-ubuntu", "distro-ver-24.04.1"], displayOrder: 100442404110, createdAt: "2024-11-19T11:02:10+09:00" },
  { name: "Ubuntu Server 22.04.5 LTS 64bit", tags: ["distro-ubuntu", "distro-ver-22.04.5", "ubuntu-22.04-latest"], displayOrder: 100442204510, createdAt: "2024-09-20T09:40:05+09:00" },
  { name: "AlmaLinux 9.5 64bit", tags: ["alma-9-latest", "current-stable", "distro-alma", "distro-ver-9.5"], displayOrder: 100240905010, createdAt: "2024-11-25T14:20:00+09:00" },
  { name: "Rocky Linux 9.5 64bit", tags: ["current-stable", "distro-rocky", "distro-ver-9.5", "rocky-9-latest"], displayOrder: 100241905010, createdAt: "2024-11-27T13:05:44+09:00" },
  { name: "Debian GNU/Linux 12.9 64bit", tags: ["current-stable", "debian-12-latest", "distro-debian", "distro-ver-12.9"], displayOrder: 100541209010, createdAt: "2025-01-14T16:31:09+09:00" },
  // appended (seeded IDs follow the order): the point release before, which the tag has left
  { name: "Debian GNU/Linux 12.8 64bit", tags: ["distro-debian", "distro-ver-12.8"], displayOrder: 100541208010, createdAt: "2024-11-12T15:02:40+09:00" },
];

const CORES = [1, 2, 3, 4, 6, 8, 12, 16];
const MEMORY_GB = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];

/** planId builds a plan ID as the Go fake does: generation, memory in GB and cores, three digits each. */
export function planId(generation: number, memoryGB: number, cpu: number): string {
  return [generation, memoryGB, cpu].map((n) => String(n).padStart(3, "0")).join("");
}

function plans(): PlanRecord[] {
  const list: PlanRecord[] = [];
  for (const generation of [100, 200]) {
    for (const cpu of CORES) {
      for (const gb of MEMORY_GB.filter((m) => m >= cpu / 2 && m <= cpu * 8)) {
        list.push({
          id: planId(generation, gb, cpu),
          name: `プラン/${cpu}Core-${gb}GB`,
          cpu,
          memoryMB: gb * 1024,
          gpu: 0,
          commitment: "standard",
          generation,
          confidentialVM: false,
          // the first generation is being retired: pxectl must prefer an available plan
          availability: generation === 100 && cpu === 16 ? "discontinued" : "available",
        });
      }
    }
  }
  list.push({ id: "200004002d", name: "コア専有プラン/2Core-4GB", cpu: 2, memoryMB: 4096, gpu: 0, commitment: "dedicatedcpu", generation: 200, confidentialVM: false, availability: "available" });
  return list;
}

/** seed fills a new store with the catalogue of every zone. */
export function seed(store: Store): void {
  store.zones.push(...ZONES);
  store.regions.push(...REGIONS.map((r) => ({ ...r, nameServers: store.nameServers ?? r.nameServers })));
  ZONES.forEach((zone, zi) => {
    store.serverPlans.set(zone.name, plans());
    ARCHIVES.forEach((a, ai) => {
      const archive: ArchiveRecord = {
        kind: "archive",
        id: String(113_100_000_000 + zi * 1000 + ai * 7 + 11),
        zone: zone.name,
        name: a.name,
        description: "",
        tags: [...COMMON, ...a.tags].sort(),
        createdAt: a.createdAt,
        modifiedAt: a.createdAt,
        scope: "shared",
        availability: "available",
        sizeMB: (a.sizeGB ?? 20) * 1024,
        displayOrder: a.displayOrder,
        planId: "2",
      };
      store.put(archive, { seed: true });
    });
    const shared: SwitchRecord = {
      kind: "switch",
      id: String(113_100_900_000 + zi),
      zone: zone.name,
      name: "スイッチ",
      description: "",
      tags: [],
      createdAt: "2012-01-01T00:00:00+09:00",
      modifiedAt: "2012-01-01T00:00:00+09:00",
      scope: "shared",
      subnet: { ...store.sharedSubnet },
    };
    store.put(shared, { seed: true });
  });
}

/** sharedSegment is a zone's shared switch (the internet side of every "shared" NIC). */
export function sharedSegment(store: Store, zone: string): SwitchRecord {
  const s = store.all("switch", zone).find((sw) => sw.scope === "shared");
  if (!s) throw new Error(`no shared segment in ${zone}`);
  return s;
}

/** DISK_PLANS are SSD (4) and HDD (2), as types.DiskPlans. */
export const DISK_PLANS = [
  { id: "4", name: "SSDプラン", storageClass: "iscsi1204" },
  { id: "2", name: "標準プラン", storageClass: "iscsi1204" },
] as const;

/** DISK_SIZES_GB are the sizes disks come in. */
export const DISK_SIZES_GB = [20, 40, 60, 80, 100, 250, 500, 750, 1024];
