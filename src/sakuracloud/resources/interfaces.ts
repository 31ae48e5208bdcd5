// NICs: add one to a server, connect it to the shared segment or a switch, attach a
// packet filter, read its MAC and addresses.
import { type ClientContext, createWith, listOf } from "../client-context";
import { toNic, toServer, unwrap } from "../convert";
import type { InterfaceApi, Nic } from "../types";
import type { WireInterface, WireServer } from "../wire";

/** interfaceApi implements InterfaceApi over ctx. */
export function interfaceApi(ctx: ClientContext): InterfaceApi {
  const { http, zone } = ctx;
  const get = async (id: string): Promise<Nic> => {
    const what = `read NIC ${id}`;
    return toNic(unwrap<WireInterface>(await http.call({ method: "GET", zone, path: `interface/${id}`, what }), "Interface", what));
  };
  const nicsOf = (serverId: string) =>
    listOf(ctx, { path: "interface", plural: "Interfaces", what: `list the NICs of server ${serverId}`, convert: toNic }, { filter: { "Server.ID": serverId } });
  // A NIC has no name or description to mark, so a lost create is found as the NIC the server did not have before.
  const serverNicIds = async (serverId: string) => {
    const what = `read server ${serverId}`;
    const server = toServer(unwrap<WireServer>(await http.call({ method: "GET", zone, path: `server/${serverId}`, what }), "Server", what));
    return new Set(server.nics.map((n) => n.id));
  };
  const put = (id: string, path: string, what: string) =>
    http.call({ method: "PUT", zone, path: `interface/${id}/${path}`, what, doneIf: (f) => f.status === 409 }).then(() => undefined);
  const del = (id: string, path: string, what: string) =>
    http.call({ method: "DELETE", zone, path: `interface/${id}/${path}`, what, doneIf: (f) => f.status === 409 }).then(() => undefined);

  return {
    get,

    async create(serverId) {
      const what = `add a NIC to server ${serverId}`;
      const before = await serverNicIds(serverId);
      return createWith(ctx, {
        what,
        send: async () =>
          toNic(unwrap<WireInterface>(await http.call({ method: "POST", zone, path: "interface", what, body: { Interface: { Server: { ID: serverId } } } }), "Interface", what)),
        lookup: async () => (await nicsOf(serverId)).items.find((n) => !before.has(n.id)),
      });
    },

    connect: (id, to) =>
      to === "shared"
        ? put(id, "to/switch/shared", `connect NIC ${id} to the shared segment`)
        : put(id, `to/switch/${to.switchId}`, `connect NIC ${id} to switch ${to.switchId}`),
    disconnect: (id) => del(id, "to/switch", `disconnect NIC ${id}`),
    attachPacketFilter: (id, packetFilterId) => put(id, `to/packetfilter/${packetFilterId}`, `attach packet filter ${packetFilterId} to NIC ${id}`),
    detachPacketFilter: (id) => del(id, "to/packetfilter", `detach the packet filter from NIC ${id}`),

    async delete(id) {
      await http.call({ method: "DELETE", zone, path: `interface/${id}`, what: `delete NIC ${id}`, doneIf: (f) => f.status === 404 });
    },
  };
}
