// bench/cloud-fleet: create 100 node servers (server + NIC on a switch + blank disk)
// against the SakuraCloud test server at the default 5 requests/s, with 10% of requests
// answered 503 busy. Real time, real backoff. The floor is calls / rate: no client can do
// better without breaking the rate limit. Goal: ratio <= 1.15 and 0 failures.
// Usage: npx tsx bench/cloud-fleet.ts [nodes] [busy-fraction]
import { systemClock } from "../src/core/clock";
import { DEFAULT_RATE_PER_SECOND } from "../src/retry";
import { BOOT_NETWORK_TAG, createSakuraApi } from "../src/sakuracloud";
import { startSakuraTestServer } from "../test/support/sakuracloud";

const nodes = Number(process.argv[2] ?? 100);
const busy = Number(process.argv[3] ?? 0.1);
// Enough nodes in flight that one backing off never leaves the rate limit idle.
const CONCURRENCY = 16;

const server = await startSakuraTestServer({ faults: { busy, seed: 20261122 } });
const api = createSakuraApi({ zone: "is1a", env: "bench", credentials: server.credentials, credentialSource: "test server", rootUrl: server.rootUrl, clock: systemClock });

const started = performance.now();
const failures: string[] = [];
const sw = await api.switches.create({ name: "bench-net" });
let next = 0;
async function worker(): Promise<void> {
  for (let i = next++; i < nodes; i = next++) {
    const name = `bench-node-${String(i + 1).padStart(3, "0")}`;
    try {
      const node = await api.servers.create({ name, plan: { cpu: 2, memoryMB: 4096 }, nics: [{ switchId: sw.id }], tags: [BOOT_NETWORK_TAG] });
      await api.disks.create({ name, plan: "ssd", sizeGB: 20, serverId: node.id });
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const wallS = (performance.now() - started) / 1000;
api.close();

const made = server.inventory();
const count = (kind: string) => made.filter((r) => r.kind === kind).length;
const calls = server.requests.length;
const throttled = server.requests.filter((r) => r.status === 503).length;
const floorS = calls / DEFAULT_RATE_PER_SECOND;
const ratio = wallS / floorS;
const onSwitch = server.store.all("interface", "is1a").filter((n) => n.switchId === sw.id).length;
const complete = count("server") === nodes && count("disk") === nodes && onSwitch === nodes;
await server.close();

console.log(`nodes        ${nodes} (server + NIC on switch + blank 20 GB SSD), ${CONCURRENCY} in flight`);
console.log(`calls made   ${calls} (${throttled} answered 503 busy, ${(100 * busy).toFixed(0)}% injected)`);
console.log(`wall time    ${wallS.toFixed(1)} s`);
console.log(`floor        ${floorS.toFixed(1)} s (calls / ${DEFAULT_RATE_PER_SECOND} req/s)`);
console.log(`ratio        ${ratio.toFixed(3)} (goal <= 1.15)`);
console.log(`failures     ${failures.length}${failures.length ? `: ${failures.slice(0, 3).join("; ")}` : ""}`);
console.log(`made         ${count("server")} servers, ${count("disk")} disks, ${onSwitch} NICs on the switch${complete ? "" : " (INCOMPLETE)"}`);
process.exitCode = ratio <= 1.15 && failures.length === 0 && complete ? 0 : 1;
