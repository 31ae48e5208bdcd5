// In-memory state of the test server: every record by ID, the seed catalogue, and the
// pools new IDs, MAC addresses and shared-segment addresses come from.
import type { AnyRecord, Kind, PlanRecord, RecordOf, RegionRecord, ZoneRecord } from "./records";

/** Store holds records; global ones (SSH keys) live in is1a and are seen from every zone. */
export class Store {
  private readonly records = new Map<string, AnyRecord>();
  /** IDs of seeded records, which the orphan check leaves out. */
  private readonly seeded = new Set<string>();
  private nextId = 113_600_000_001;
  private nextMac = 1;
  private readonly nextSharedHost = new Map<string, number>();
  readonly zones: ZoneRecord[] = [];
  readonly regions: RegionRecord[] = [];
  readonly serverPlans = new Map<string, PlanRecord[]>();

  constructor(
    private readonly now: () => number,
    /** The zones' shared segment (192.0.2.0/24, as the Go fake, unless machines back the server). */
    readonly sharedSubnet: { networkAddress: string; networkMaskLen: number; defaultRoute: string } = { networkAddress: "192.0.2.0", networkMaskLen: 24, defaultRoute: "192.0.2.1" },
    /** Every region's name servers instead of the real ones (machines must not be sent outside). */
    readonly nameServers?: string[],
  ) {}

  /** newId returns a fresh 12-digit ID, as a string like the API sends without X-Sakura-Bigint-As-Int. */
  newId(): string {
    return String(this.nextId++);
  }

  /** newMac returns the next MAC address, upper-case as the API writes them. */
  newMac(): string {
    const n = this.nextMac++;
    const bytes = [0x9c, 0xa3, 0xba, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
    return bytes.map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
  }

  /** newSharedAddress returns the next global address of a zone's shared segment (a /24). */
  newSharedAddress(zone: string): string {
    const host = this.nextSharedHost.get(zone) ?? 3;
    this.nextSharedHost.set(zone, host + 1);
    return this.sharedSubnet.networkAddress.replace(/\.0$/, `.${host}`);
  }

  /** timestamp is now in the API's format: ISO 8601 in Japan time. */
  timestamp(): string {
    const jst = new Date(this.now() + 9 * 3600_000).toISOString().slice(0, 19);
    return `${jst}+09:00`;
  }

  put(record: AnyRecord, { seed = false } = {}): void {
    this.records.set(record.id, record);
    if (seed) this.seeded.add(record.id);
  }

  delete(id: string): void {
    this.records.delete(id);
  }

  /** get finds a record of this kind visible from zone. */
  get<K extends Kind>(kind: K, zone: string, id: string): RecordOf<K> | undefined {
    const r = this.records.get(id);
    return r && r.kind === kind && (r.zone === zone || r.kind === "sshkey") ? (r as RecordOf<K>) : undefined;
  }

  /** all lists the records of this kind visible from zone, oldest first. */
  all<K extends Kind>(kind: K, zone: string): RecordOf<K>[] {
    return [...this.records.values()].filter((r): r is RecordOf<K> => r.kind === kind && (r.zone === zone || r.kind === "sshkey"));
  }

  /** created lists what clients made: every record except the seed. */
  created(): AnyRecord[] {
    return [...this.records.values()].filter((r) => !this.seeded.has(r.id));
  }

  zone(name: string): ZoneRecord | undefined {
    return this.zones.find((z) => z.name === name);
  }
}
