// Servers: create (plan, NICs, tags), read, list, delete with disks, and the power calls.
import { type ClientContext, createWith, findCreated, listOf } from "../client-context";
import { toServer, unwrap } from "../convert";
import { managedDescription, managedTags, envTag } from "../tags";
import type { ListQuery, NicSpec, Server, ServerApi, ServerSpec } from "../types";
import type { WireServer } from "../wire";

function connectedSwitch(nic: NicSpec): { Scope: "shared" } | { ID: string } {
  return nic === "shared" ? { Scope: "shared" } : { ID: nic.switchId };
}

/** serverApi implements ServerApi over ctx. */
export function serverApi(ctx: ClientContext): ServerApi {
  const { http, zone } = ctx;
  const list = (query?: ListQuery) =>
    listOf(ctx, { path: "server", plural: "Servers", what: "list servers", convert: toServer }, query);

  const get = async (id: string): Promise<Server> => {
    const what = `read server ${id}`;
    return toServer(unwrap<WireServer>(await http.call({ method: "GET", zone, path: `server/${id}`, what }), "Server", what));
  };

  return {
    get,
    list,

    async create(spec: ServerSpec): Promise<Server> {
      const what = `create server "${spec.name}"`;
      const requestId = ctx.requestId();
      const body = {
        Server: {
          Name: spec.name,
          Description: managedDescription(spec.description, ctx.env, requestId),
          Tags: managedTags(ctx.env, spec.tags),
          // The plan by its spec, as current clients send it (the plan ID changes between generations).
          ServerPlan: {
            CPU: spec.plan.cpu,
            MemoryMB: spec.plan.memoryMB,
            Commitment: spec.plan.commitment ?? "standard",
            ...(spec.plan.generation ? { Generation: spec.plan.generation } : {}),
          },
          ConnectedSwitches: spec.nics.map(connectedSwitch),
          InterfaceDriver: spec.interfaceDriver ?? "virtio",
        },
      };
      return createWith(ctx, {
        what,
        send: async () => toServer(unwrap<WireServer>(await http.call({ method: "POST", zone, path: "server", what, body }), "Server", what)),
        lookup: async () => findCreated(await list({ name: spec.name, tags: [envTag(ctx.env)] }), spec.name, requestId),
      });
    },

    async delete(id, options = {}) {
      const withDisks = options.withDisks ?? [];
      await http.call({
        method: "DELETE",
        zone,
        path: `server/${id}`,
        what: `delete server ${id}`,
        body: withDisks.length > 0 ? { WithDisk: [...withDisks] } : undefined,
        doneIf: (f) => f.status === 404,
      });
    },

    async powerOn(id) {
      // After a lost answer, 409 means the first request was taken and the server is starting.
      await http.call({ method: "PUT", zone, path: `server/${id}/power`, what: `power on server ${id}`, idempotent: true, doneIf: (f) => f.status === 409 });
    },

    async shutdown(id, options = {}) {
      await http.call({
        method: "DELETE",
        zone,
        path: `server/${id}/power`,
        what: `${options.force ? "force off" : "shut down"} server ${id}`,
        body: options.force ? { Force: true } : undefined,
        doneIf: (f) => f.status === 409,
      });
    },

    async powerStatus(id) {
      const what = `read the power status of server ${id}`;
      const answer = await http.call<{ Instance?: { Status?: string | null } | null }>({ method: "GET", zone, path: `server/${id}/power`, what });
      return { status: answer.Instance?.Status ?? "" };
    },
  };
}
