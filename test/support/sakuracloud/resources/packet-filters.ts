// Packet filters: up to 30 expressions, each checked as the API does; one attached to a
// NIC cannot be deleted until it is detached.
import { badRequest, disconnectFirst } from "../api-error";
import type { ExpressionRecord, PacketFilterRecord } from "../records";
import { packetFilterView } from "../views";
import { type ApiRequest, type Route, type World, found, listed, single, text, wrapped } from "./common";

const PROTOCOLS = ["tcp", "udp", "icmp", "fragment", "ip"];
const PORTS = /^$|^[0-9]{1,5}(?:-[0-9]{1,5})?$/;
const NETWORK = /^$|^(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?:\/[0-9]{1,2})?$/;

function expressions(v: unknown): ExpressionRecord[] {
  if (!Array.isArray(v) || v.length > 30) throw badRequest("Expression: 30個までのルールを指定してください。");
  return v.map((e: Record<string, unknown>, i) => {
    const rule: ExpressionRecord = {
      Protocol: text(e.Protocol, `Expression[${i}].Protocol`, { required: true }),
      SourceNetwork: text(e.SourceNetwork, `Expression[${i}].SourceNetwork`),
      SourcePort: text(e.SourcePort, `Expression[${i}].SourcePort`),
      DestinationPort: text(e.DestinationPort, `Expression[${i}].DestinationPort`),
      Action: text(e.Action, `Expression[${i}].Action`, { required: true }),
      Description: text(e.Description, `Expression[${i}].Description`),
    };
    if (!PROTOCOLS.includes(rule.Protocol)) throw badRequest(`Expression[${i}].Protocol: ${PROTOCOLS.join(", ")}のいずれかを指定してください。`);
    if (rule.Action !== "allow" && rule.Action !== "deny") throw badRequest(`Expression[${i}].Action: allowかdenyを指定してください。`);
    if (!PORTS.test(rule.SourcePort) || !PORTS.test(rule.DestinationPort)) throw badRequest(`Expression[${i}]: ポートの形式が不正です。`);
    if (!NETWORK.test(rule.SourceNetwork)) throw badRequest(`Expression[${i}].SourceNetwork: 形式が不正です。`);
    return rule;
  });
}

function create(w: World, r: ApiRequest) {
  const body = wrapped(r, "PacketFilter");
  const pf: PacketFilterRecord = {
    kind: "packetfilter",
    id: w.store.newId(),
    zone: r.zone,
    name: text(body.Name, "Name", { required: true, max: 64 }),
    description: text(body.Description, "Description"),
    expression: expressions(body.Expression ?? []),
    createdAt: w.store.timestamp(),
  };
  w.store.put(pf);
  return single("PacketFilter", packetFilterView(w.store, pf), 201);
}

async function update(w: World, r: ApiRequest) {
  const pf = found(w, "packetfilter", r.zone, r.params.id);
  const body = wrapped(r, "PacketFilter");
  if (body.Name !== undefined) pf.name = text(body.Name, "Name", { required: true, max: 64 });
  if (body.Description !== undefined) pf.description = text(body.Description, "Description");
  if (body.Expression !== undefined) pf.expression = expressions(body.Expression);
  await w.machines?.refilter();
  return single("PacketFilter", packetFilterView(w.store, pf));
}

function remove(w: World, r: ApiRequest) {
  const pf = found(w, "packetfilter", r.zone, r.params.id);
  if (w.store.all("interface", r.zone).some((n) => n.packetFilterId === pf.id)) throw disconnectFirst();
  w.store.delete(pf.id);
  return single("PacketFilter", packetFilterView(w.store, pf));
}

/** packetFilterRoutes are the packet filter endpoints. */
export const packetFilterRoutes: Route[] = [
  {
    method: "GET",
    pattern: "packetfilter",
    handler: (w, r) => listed("PacketFilters", w.store.all("packetfilter", r.zone).map((p) => packetFilterView(w.store, p)), r.query, w.store.timestamp()),
  },
  { method: "POST", pattern: "packetfilter", handler: create },
  { method: "GET", pattern: "packetfilter/:id", handler: (w, r) => single("PacketFilter", packetFilterView(w.store, found(w, "packetfilter", r.zone, r.params.id))) },
  { method: "PUT", pattern: "packetfilter/:id", handler: update },
  { method: "DELETE", pattern: "packetfilter/:id", handler: remove },
];
