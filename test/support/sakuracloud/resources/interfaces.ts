// NICs: add to a stopped server, connect to the shared segment or a switch, attach a
// packet filter. Connecting what is connected (or the reverse) is a 409 conflict, as in
// the Go fake; changing the NICs of a running server needs it down.
import { badRequest, conflict, powerMustBeDown } from "../api-error";
import type { InterfaceRecord } from "../records";
import { sharedSegment } from "../seed";
import { interfaceView } from "../views";
import { type ApiRequest, type Route, type World, done, found, listed, refId, single, wrapped } from "./common";
import { isStopped } from "./servers";

function nicOfStoppedServer(w: World, r: ApiRequest): InterfaceRecord {
  const nic = found(w, "interface", r.zone, r.params.id);
  const server = found(w, "server", r.zone, nic.serverId);
  if (!isStopped(server)) throw powerMustBeDown();
  return nic;
}

function create(w: World, r: ApiRequest) {
  const body = wrapped(r, "Interface");
  const server = found(w, "server", r.zone, refId(body.Server, "Server"));
  if (!isStopped(server)) throw powerMustBeDown();
  if (w.store.all("interface", r.zone).filter((n) => n.serverId === server.id).length >= 10) throw badRequest("NICは10個までです。");
  const nic: InterfaceRecord = {
    kind: "interface",
    id: w.store.newId(),
    zone: r.zone,
    mac: w.store.newMac(),
    ipAddress: null,
    userIPAddress: null,
    serverId: server.id,
    switchId: null,
    packetFilterId: null,
    createdAt: w.store.timestamp(),
  };
  w.store.put(nic);
  return single("Interface", interfaceView(w.store, nic), 201);
}

function connect(w: World, r: ApiRequest) {
  const nic = nicOfStoppedServer(w, r);
  if (nic.switchId) throw conflict();
  if (r.params.switchId === "shared") {
    nic.switchId = sharedSegment(w.store, r.zone).id;
    nic.ipAddress = w.store.newSharedAddress(r.zone);
  } else {
    const sw = found(w, "switch", r.zone, r.params.switchId);
    if (sw.scope === "shared") throw badRequest("共有セグメントには to/switch/shared で接続してください。");
    nic.switchId = sw.id;
  }
  return single("Interface", interfaceView(w.store, nic));
}

function disconnect(w: World, r: ApiRequest) {
  const nic = nicOfStoppedServer(w, r);
  if (!nic.switchId) throw conflict();
  nic.switchId = null;
  nic.ipAddress = null;
  nic.userIPAddress = null;
  return done();
}

async function attachFilter(w: World, r: ApiRequest) {
  const nic = found(w, "interface", r.zone, r.params.id);
  const pf = found(w, "packetfilter", r.zone, r.params.packetFilterId);
  if (nic.packetFilterId) throw conflict();
  nic.packetFilterId = pf.id;
  await w.machines?.refilter();
  return done();
}

async function detachFilter(w: World, r: ApiRequest) {
  const nic = found(w, "interface", r.zone, r.params.id);
  if (!nic.packetFilterId) throw conflict();
  nic.packetFilterId = null;
  await w.machines?.refilter();
  return done();
}

function remove(w: World, r: ApiRequest) {
  const nic = nicOfStoppedServer(w, r);
  const view = interfaceView(w.store, nic);
  w.store.delete(nic.id);
  return single("Interface", view);
}

/** interfaceRoutes are the NIC endpoints. */
export const interfaceRoutes: Route[] = [
  { method: "GET", pattern: "interface", handler: (w, r) => listed("Interfaces", w.store.all("interface", r.zone).map((n) => interfaceView(w.store, n)), r.query, w.store.timestamp()) },
  { method: "POST", pattern: "interface", handler: create },
  { method: "GET", pattern: "interface/:id", handler: (w, r) => single("Interface", interfaceView(w.store, found(w, "interface", r.zone, r.params.id))) },
  { method: "DELETE", pattern: "interface/:id", handler: remove },
  { method: "PUT", pattern: "interface/:id/to/switch/:switchId", handler: connect },
  { method: "DELETE", pattern: "interface/:id/to/switch", handler: disconnect },
  { method: "PUT", pattern: "interface/:id/to/packetfilter/:packetFilterId", handler: attachFilter },
  { method: "DELETE", pattern: "interface/:id/to/packetfilter", handler: detachFilter },
];
