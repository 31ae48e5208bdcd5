// Packet filters: stateless allow/deny lists attached to a NIC. They have no tags, so
// ownership is the marker in their description.
import { type ClientContext, createWith, findCreated, listOf } from "../client-context";
import { fromRule, toPacketFilter, unwrap } from "../convert";
import { managedDescription } from "../tags";
import type { ListQuery, PacketFilterApi } from "../types";
import type { WirePacketFilter } from "../wire";

/** packetFilterApi implements PacketFilterApi over ctx. */
export function packetFilterApi(ctx: ClientContext): PacketFilterApi {
  const { http, zone } = ctx;
  const list = (query?: ListQuery) =>
    listOf(ctx, { path: "packetfilter", plural: "PacketFilters", what: "list packet filters", convert: toPacketFilter }, query);

  return {
    list,

    async get(id) {
      const what = `read packet filter ${id}`;
      return toPacketFilter(unwrap<WirePacketFilter>(await http.call({ method: "GET", zone, path: `packetfilter/${id}`, what }), "PacketFilter", what));
    },

    async create(spec) {
      const what = `create packet filter "${spec.name}"`;
      const requestId = ctx.requestId();
      const body = {
        PacketFilter: { Name: spec.name, Description: managedDescription(spec.description, ctx.env, requestId), Expression: spec.rules.map(fromRule) },
      };
      return createWith(ctx, {
        what,
        send: async () => toPacketFilter(unwrap<WirePacketFilter>(await http.call({ method: "POST", zone, path: "packetfilter", what, body }), "PacketFilter", what)),
        lookup: async () => findCreated(await list({ name: spec.name }), spec.name, requestId),
      });
    },

    async delete(id) {
      await http.call({ method: "DELETE", zone, path: `packetfilter/${id}`, what: `delete packet filter ${id}`, doneIf: (f) => f.status === 404 });
    },
  };
}
