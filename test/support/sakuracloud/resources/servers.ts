// Servers: create with a plan and NICs, read, find, update, delete (with disks), power.
// The 409s follow the API: booting a server that is up (or already booting) is a
// conflict, deleting one that is not down needs it down, booting while one of its disks
// is still being copied is still_creating.
import { badRequest, conflict, powerMustBeDown, stillCreating } from "../api-error";
import type { InterfaceRecord, PlanRecord, ServerRecord } from "../records";
import { sharedSegment } from "../seed";
import { serverView } from "../views";
import { type ApiRequest, type Route, type World, done, found, idIn, listed, newTagged, refId, single, updateTagged, wrapped } from "./common";

type Json = Record<string, unknown>;

function resolvePlan(w: World, zone: string, spec: Json): PlanRecord {
  const plans = w.store.serverPlans.get(zone) ?? [];
  if (spec.ID !== undefined && spec.ID !== null) {
    const byId = plans.find((p) => p.id === String(spec.ID) && p.availability === "available");
    if (!byId) throw badRequest("ServerPlan: 指定されたプランは利用できません。");
    return byId;
  }
  const commitment = spec.Commitment ?? "standard";
  const plan = plans
    .filter((p) => p.cpu === spec.CPU && p.memoryMB === spec.MemoryMB && p.commitment === commitment && p.availability === "available")
    .filter((p) => !spec.Generation || p.generation === spec.Generation)
    .sort((a, b) => b.generation - a.generation)[0];
  if (!plan) throw badRequest(`ServerPlan: CPU ${String(spec.CPU)} / MemoryMB ${String(spec.MemoryMB)} のプランは存在しません。`);
  return plan;
}

/** attachedDiskBusy is true while any disk of the server is still being copied. */
function attachedDiskBusy(w: World, s: ServerRecord): boolean {
  return w.store.all("disk", s.zone).some((d) => d.serverId === s.id && d.availability !== "available");
}

/** isStopped tells whether the API lets the server be changed: down, with no power request under way. */
export function isStopped(s: ServerRecord): boolean {
  return s.status === "down" && s.pendingPower === null;
}

function markUp(w: World, s: ServerRecord): void {
  s.status = "up";
  s.beforeStatus = "down";
  s.statusChangedAt = w.store.timestamp();
  s.host = `sac-${s.zone}-sv${String(Number(s.id) % 1000).padStart(3, "0")}`;
  s.pendingPower = null;
}

function markDown(w: World, s: ServerRecord): void {
  s.beforeStatus = s.status;
  s.status = "down";
  s.statusChangedAt = w.store.timestamp();
  s.host = null;
  s.pendingPower = null;
}

/** startBoot begins a power-on: "down" for powerOn ticks (or until QEMU runs), then "up". */
export function startBoot(w: World, s: ServerRecord): void {
  s.pendingPower = "on";
  if (w.machines) {
    // up once QEMU runs; down again whenever it ends (the guest powered off, or was killed)
    w.machines.powerOn(s, () => markDown(w, s)).then(
      () => markUp(w, s),
      (e: unknown) => {
        s.pendingPower = null;
        process.stderr.write(`sakuracloud test server: server ${s.id} did not start: ${e instanceof Error ? e.message : String(e)}\n`);
      },
    );
    return;
  }
  w.timeline.after(w.ticks.powerOn, () => markUp(w, s));
}

function startShutdown(w: World, s: ServerRecord, force: boolean): void {
  if (w.machines) {
    // a graceful shutdown is a press of the ACPI button: the server stays up until its OS
    // powers off, and one that ignores the button stays up (force-off then pulls the plug)
    if (force) {
      s.pendingPower = "off";
      s.beforeStatus = "up";
      s.status = "cleaning";
      s.statusChangedAt = w.store.timestamp();
    }
    w.machines.powerOff(s, force).catch((e: unknown) => process.stderr.write(`sakuracloud test server: server ${s.id} power off: ${String(e)}\n`));
    return;
  }
  s.pendingPower = "off";
  s.beforeStatus = "up";
  s.status = "cleaning";
  s.statusChangedAt = w.store.timestamp();
  w.timeline.after(w.ticks.powerOff, () => markDown(w, s));
}

function create(w: World, r: ApiRequest) {
  const body = wrapped(r, "Server");
  const { store } = w;
  const plan = resolvePlan(w, r.zone, (body.ServerPlan ?? {}) as Json);
  const switches = body.ConnectedSwitches ?? [];
  if (!Array.isArray(switches) || switches.length > 10) throw badRequest("ConnectedSwitches: 10個までのスイッチを指定してください。");
  const targets = switches.map((cs: unknown, i) => {
    if (cs === null) return null;
    const spec = cs as Json;
    if (spec.Scope === "shared") return sharedSegment(store, r.zone).id;
    const id = refId(spec, `ConnectedSwitches[${i}]`);
    // a switch that does not exist is a 404, as the real API answers (terraform-provider-sakuracloud#732)
    return found(w, "switch", r.zone, id).id;
  });
  const server: ServerRecord = {
    kind: "server",
    ...newTagged(w, r, body),
    availability: "available",
    hostName: null,
    interfaceDriver: body.InterfaceDriver === "e1000" ? "e1000" : "virtio",
    plan,
    status: "down",
    beforeStatus: null,
    statusChangedAt: null,
    host: null,
    pendingPower: null,
  };
  store.put(server);
  for (const switchId of targets) {
    const shared = switchId === sharedSegment(store, r.zone).id;
    const nic: InterfaceRecord = {
      kind: "interface",
      id: store.newId(),
      zone: r.zone,
      mac: store.newMac(),
      ipAddress: shared ? store.newSharedAddress(r.zone) : null,
      userIPAddress: null,
      serverId: server.id,
      switchId,
      packetFilterId: null,
      createdAt: server.createdAt,
    };
    store.put(nic);
  }
  return single("Server", serverView(store, server), 201);
}

async function remove(w: World, r: ApiRequest) {
  const s = found(w, "server", r.zone, r.params.id);
  if (!isStopped(s)) throw powerMustBeDown();
  const withDisks = r.body?.WithDisk ?? [];
  if (!Array.isArray(withDisks)) throw badRequest("WithDisk: ディスクIDの配列を指定してください。");
  const disks = withDisks.map((id, i) => {
    const d = found(w, "disk", r.zone, idIn(id, `WithDisk[${i}]`));
    if (d.serverId !== s.id) throw badRequest(`WithDisk: ディスク${d.id}はこのサーバに接続されていません。`);
    return d;
  });
  const view = serverView(w.store, s);
  for (const nic of w.store.all("interface", r.zone).filter((n) => n.serverId === s.id)) w.store.delete(nic.id);
  for (const d of w.store.all("disk", r.zone).filter((d) => d.serverId === s.id)) d.serverId = null;
  for (const d of disks) {
    await w.machines?.diskDeleted(d);
    w.store.delete(d.id);
  }
  await w.machines?.serverDeleted(s);
  w.store.delete(s.id);
  return single("Server", view);
}

function update(w: World, r: ApiRequest) {
  const s = found(w, "server", r.zone, r.params.id);
  updateTagged(w, s, wrapped(r, "Server"));
  return single("Server", serverView(w.store, s));
}

function powerOn(w: World, r: ApiRequest) {
  const s = found(w, "server", r.zone, r.params.id);
  if (s.status !== "down" || s.pendingPower !== null) throw conflict();
  if (attachedDiskBusy(w, s)) throw stillCreating();
  startBoot(w, s);
  return done();
}

function shutdown(w: World, r: ApiRequest) {
  const s = found(w, "server", r.zone, r.params.id);
  if (s.status !== "up" || s.pendingPower !== null) throw conflict();
  startShutdown(w, s, r.body?.Force === true);
  return done();
}

function powerStatus(w: World, r: ApiRequest) {
  const s = found(w, "server", r.zone, r.params.id);
  const instance = serverView(w.store, s).Instance as Json;
  return { status: 200, body: { Instance: { Server: { ID: s.id }, Status: instance.Status, BeforeStatus: instance.BeforeStatus, StatusChangedAt: instance.StatusChangedAt }, Success: true, is_ok: true } };
}

/** serverRoutes are the server endpoints. */
export const serverRoutes: Route[] = [
  { method: "GET", pattern: "server", handler: (w, r) => listed("Servers", w.store.all("server", r.zone).map((s) => serverView(w.store, s)), r.query, w.store.timestamp()) },
  { method: "POST", pattern: "server", handler: create },
  { method: "GET", pattern: "server/:id", handler: (w, r) => single("Server", serverView(w.store, found(w, "server", r.zone, r.params.id))) },
  { method: "PUT", pattern: "server/:id", handler: update },
  { method: "DELETE", pattern: "server/:id", handler: remove },
  { method: "GET", pattern: "server/:id/power", handler: powerStatus },
  { method: "PUT", pattern: "server/:id/power", handler: powerOn },
  { method: "DELETE", pattern: "server/:id/power", handler: shutdown },
];
