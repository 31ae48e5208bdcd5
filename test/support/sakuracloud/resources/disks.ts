// Disks: create (blank or from an archive, optionally attached to a server), find, read,
// delete, disk edit, connect/disconnect. A new disk is "migrating" for diskCopy ticks
// (MigratedMB growing), then "available"; POST /disk answers 202 with Success "Accepted".
import { badRequest, disconnectFirst, powerMustBeDown, stillCreating } from "../api-error";
import type { DiskRecord } from "../records";
import { DISK_PLANS, DISK_SIZES_GB, sharedSegment } from "../seed";
import { diskView } from "../views";
import { type ApiRequest, type Route, type World, done, found, listed, newTagged, refId, single, wrapped } from "./common";
import { isStopped, startBoot } from "./servers";

type Json = Record<string, unknown>;

/** applyEdit does what disk edit does to the server: host name, and NIC 0's address. */
function applyEdit(w: World, d: DiskRecord, edit: Json): void {
  d.lastEdit = edit;
  const server = d.serverId ? w.store.get("server", d.zone, d.serverId) : undefined;
  if (!server) return;
  if (typeof edit.HostName === "string") server.hostName = edit.HostName;
  const nic0 = w.store.all("interface", d.zone).find((n) => n.serverId === server.id);
  if (!nic0) return;
  if (nic0.switchId === sharedSegment(w.store, d.zone).id) nic0.ipAddress ??= w.store.newSharedAddress(d.zone);
  else if (typeof edit.UserIPAddress === "string") nic0.userIPAddress = edit.UserIPAddress;
}

function checkEdit(w: World, edit: Json): void {
  if ("Disk" in edit) throw badRequest("ディスクの修正のパラメータはDiskで包まずに指定してください。");
  const keys = Array.isArray(edit.SSHKeys) ? (edit.SSHKeys as Json[]) : [];
  keys.forEach((k, i) => {
    const id = k.ID === undefined ? undefined : refId(k, `SSHKeys[${i}]`);
    if (id !== undefined) found(w, "sshkey", "is1a", id);
    else if (typeof k.PublicKey !== "string") throw badRequest(`SSHKeys[${i}]: IDかPublicKeyを指定してください。`);
  });
}

function create(w: World, r: ApiRequest) {
  const body = wrapped(r, "Disk");
  const { store } = w;
  const planId = String(refId(body.Plan, "Plan") ?? "");
  if (!DISK_PLANS.some((p) => p.id === planId)) throw badRequest("Plan: 4(SSD)か2(HDD)を指定してください。");
  const sizeMB = body.SizeMB ?? 20480;
  if (typeof sizeMB !== "number" || !DISK_SIZES_GB.includes(sizeMB / 1024)) throw badRequest(`SizeMB: ${DISK_SIZES_GB.map((g) => g * 1024).join(", ")}のいずれかを指定してください。`);
  const archiveId = refId(body.SourceArchive, "SourceArchive");
  const archive = archiveId === undefined ? undefined : store.get("archive", r.zone, archiveId);
  if (archiveId !== undefined && !archive) throw badRequest("SourceArchive: 指定されたアーカイブは存在しません。");
  if (archive && archive.sizeMB > sizeMB) throw badRequest("SizeMB: コピー元より小さいサイズは指定できません。");
  const serverId = refId(body.Server, "Server");
  const server = serverId === undefined ? undefined : found(w, "server", r.zone, serverId);
  if (server && !isStopped(server)) throw powerMustBeDown();
  if (r.body?.Config !== undefined) checkEdit(w, r.body.Config as Json);
  w.machines?.checkArchive(archive);
  const disk: DiskRecord = {
    kind: "disk",
    ...newTagged(w, r, body),
    availability: "migrating",
    sizeMB,
    migratedMB: 0,
    connection: body.Connection === "ide" ? "ide" : "virtio",
    planId,
    sourceArchiveId: archive?.id ?? null,
    serverId: server?.id ?? null,
    lastEdit: null,
  };
  store.put(disk);
  const finish = () => {
    disk.availability = "available";
    disk.migratedMB = disk.sizeMB;
    if (r.body?.Config !== undefined) applyEdit(w, disk, r.body.Config as Json);
    const owner = disk.serverId ? store.get("server", disk.zone, disk.serverId) : undefined;
    if (r.body?.BootAtAvailable === true && owner && isStopped(owner)) startBoot(w, owner);
  };
  const machines = w.machines;
  if (machines) {
    // "migrating" until the image file is really there (and edited, when Config came along)
    machines
      .createDiskFile(disk, archive)
      .then(async () => {
        if (r.body?.Config !== undefined) await machines.editDisk(disk, r.body.Config as Json);
        finish();
      })
      .catch((e: unknown) => {
        disk.availability = "failed";
        process.stderr.write(`sakuracloud test server: disk ${disk.id}: ${e instanceof Error ? e.message : String(e)}\n`);
      });
    return single("Disk", diskView(store, disk), 202, "Accepted");
  }
  const ticks = w.ticks.diskCopy;
  w.timeline.after(ticks, finish, (left) => (disk.migratedMB = Math.floor((disk.sizeMB * (ticks - left)) / ticks)));
  return single("Disk", diskView(store, disk), 202, "Accepted");
}

async function edit(w: World, r: ApiRequest) {
  const d = found(w, "disk", r.zone, r.params.id);
  const server = d.serverId ? w.store.get("server", d.zone, d.serverId) : undefined;
  if (server && !isStopped(server)) throw powerMustBeDown();
  if (d.availability !== "available") throw stillCreating();
  const body = r.body ?? {};
  checkEdit(w, body);
  applyEdit(w, d, body);
  // after applyEdit: the shared NIC's address is the one the edit writes
  await w.machines?.editDisk(d, body);
  return done();
}

async function remove(w: World, r: ApiRequest) {
  const d = found(w, "disk", r.zone, r.params.id);
  const server = d.serverId ? w.store.get("server", d.zone, d.serverId) : undefined;
  if (server && !isStopped(server)) throw disconnectFirst();
  if (d.availability === "migrating") throw stillCreating();
  const view = diskView(w.store, d);
  await w.machines?.diskDeleted(d);
  w.store.delete(d.id);
  return single("Disk", view);
}

function connect(w: World, r: ApiRequest) {
  const d = found(w, "disk", r.zone, r.params.id);
  const server = found(w, "server", r.zone, r.params.serverId);
  if (d.serverId) throw badRequest("ディスクは既に接続されています。");
  if (!isStopped(server)) throw powerMustBeDown();
  d.serverId = server.id;
  return done();
}

function disconnect(w: World, r: ApiRequest) {
  const d = found(w, "disk", r.zone, r.params.id);
  if (!d.serverId) throw badRequest("ディスクは接続されていません。");
  const server = w.store.get("server", d.zone, d.serverId);
  if (server && !isStopped(server)) throw powerMustBeDown();
  d.serverId = null;
  return done();
}

/** diskRoutes are the disk endpoints. */
export const diskRoutes: Route[] = [
  { method: "GET", pattern: "disk", handler: (w, r) => listed("Disks", w.store.all("disk", r.zone).map((d) => diskView(w.store, d)), r.query, w.store.timestamp()) },
  { method: "POST", pattern: "disk", handler: create },
  { method: "GET", pattern: "disk/:id", handler: (w, r) => single("Disk", diskView(w.store, found(w, "disk", r.zone, r.params.id))) },
  { method: "DELETE", pattern: "disk/:id", handler: remove },
  { method: "PUT", pattern: "disk/:id/config", handler: edit },
  { method: "PUT", pattern: "disk/:id/to/server/:serverId", handler: connect },
  { method: "DELETE", pattern: "disk/:id/to/server", handler: disconnect },
];
