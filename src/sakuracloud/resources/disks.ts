// Disks: create from an archive or blank (SSD/HDD), read, list, delete, and disk edit.
import { type ClientContext, createWith, findCreated, listOf } from "../client-context";
import { toDisk, unwrap } from "../convert";
import { envTag, managedDescription, managedTags } from "../tags";
import type { Disk, DiskApi, DiskEdit, DiskSpec, ListQuery } from "../types";
import type { WireDisk } from "../wire";

/** DISK_PLAN_IDS are the API's plan IDs (types.DiskPlans in the Go clients). */
export const DISK_PLAN_IDS = { ssd: "4", hdd: "2" } as const;

/** diskEditBody writes a DiskEdit as PUT /disk/:id/config takes it: flat, no envelope. */
export function diskEditBody(e: DiskEdit): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (e.hostName !== undefined) body.HostName = e.hostName;
  if (e.password !== undefined) body.Password = e.password;
  const keys = [...(e.sshKeyIds ?? []).map((ID) => ({ ID })), ...(e.sshPublicKeys ?? []).map((PublicKey) => ({ PublicKey }))];
  if (keys.length > 0) body.SSHKeys = keys;
  if (e.disablePasswordAuth !== undefined) body.DisablePWAuth = e.disablePasswordAuth;
  if (e.ipAddress !== undefined) body.UserIPAddress = e.ipAddress;
  if (e.networkMaskLen !== undefined || e.defaultRoute !== undefined) {
    body.UserSubnet = { DefaultRoute: e.defaultRoute ?? "", NetworkMaskLen: e.networkMaskLen ?? 0 };
  }
  if (e.noteIds && e.noteIds.length > 0) body.Notes = e.noteIds.map((ID) => ({ ID }));
  return body;
}

/** diskApi implements DiskApi over ctx. */
export function diskApi(ctx: ClientContext): DiskApi {
  const { http, zone } = ctx;
  const list = (query?: ListQuery) => listOf(ctx, { path: "disk", plural: "Disks", what: "list disks", convert: toDisk }, query);

  return {
    list,

    async get(id: string): Promise<Disk> {
      const what = `read disk ${id}`;
      return toDisk(unwrap<WireDisk>(await http.call({ method: "GET", zone, path: `disk/${id}`, what }), "Disk", what));
    },

    async create(spec: DiskSpec): Promise<Disk> {
      const what = `create disk "${spec.name}"`;
      const requestId = ctx.requestId();
      const body = {
        Disk: {
          Name: spec.name,
          Description: managedDescription(spec.description, ctx.env, requestId),
          Tags: managedTags(ctx.env, spec.tags),
          Plan: { ID: DISK_PLAN_IDS[spec.plan] },
          Connection: "virtio",
          SizeMB: spec.sizeGB * 1024,
          ...(spec.sourceArchiveId ? { SourceArchive: { ID: spec.sourceArchiveId } } : {}),
          ...(spec.serverId ? { Server: { ID: spec.serverId } } : {}),
        },
      };
      return createWith(ctx, {
        what,
        send: async () => toDisk(unwrap<WireDisk>(await http.call({ method: "POST", zone, path: "disk", what, body }), "Disk", what)),
        lookup: async () => findCreated(await list({ name: spec.name, tags: [envTag(ctx.env)] }), spec.name, requestId),
      });
    },

    async delete(id) {
      await http.call({ method: "DELETE", zone, path: `disk/${id}`, what: `delete disk ${id}`, doneIf: (f) => f.status === 404 });
    },

    async edit(id, edit) {
      ctx.secrets?.add(edit.password);
      await http.call({ method: "PUT", zone, path: `disk/${id}/config`, what: `edit disk ${id}`, body: diskEditBody(edit) });
    },
  };
}
