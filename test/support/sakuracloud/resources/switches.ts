// Switches: user L2 segments. The shared segment is not listed among them. A switch
// with NICs still connected cannot be deleted (409 disconnect_b4_delete).
import { disconnectFirst } from "../api-error";
import type { SwitchRecord } from "../records";
import { serverView, switchView } from "../views";
import { type ApiRequest, type Route, type World, found, listed, newTagged, single, updateTagged, wrapped } from "./common";

function userSwitch(w: World, r: ApiRequest): SwitchRecord {
  const sw = found(w, "switch", r.zone, r.params.id);
  // the shared segment has an ID but is not a resource of the account
  if (sw.scope === "shared") return found(w, "switch", r.zone, undefined);
  return sw;
}

async function create(w: World, r: ApiRequest) {
  const body = wrapped(r, "Switch");
  const sw: SwitchRecord = {
    kind: "switch",
    ...newTagged(w, r, body),
    scope: "user",
    subnet: null,
  };
  await w.machines?.switchCreated(sw);
  w.store.put(sw);
  return single("Switch", switchView(w.store, sw), 201);
}

function update(w: World, r: ApiRequest) {
  const sw = userSwitch(w, r);
  updateTagged(w, sw, wrapped(r, "Switch"));
  return single("Switch", switchView(w.store, sw));
}

async function remove(w: World, r: ApiRequest) {
  const sw = userSwitch(w, r);
  if (w.store.all("interface", r.zone).some((n) => n.switchId === sw.id)) throw disconnectFirst();
  const view = switchView(w.store, sw);
  await w.machines?.switchDeleted(sw);
  w.store.delete(sw.id);
  return single("Switch", view);
}

function servers(w: World, r: ApiRequest) {
  const sw = userSwitch(w, r);
  const ids = new Set(w.store.all("interface", r.zone).filter((n) => n.switchId === sw.id).map((n) => n.serverId));
  const views = w.store.all("server", r.zone).filter((s) => ids.has(s.id)).map((s) => serverView(w.store, s));
  return listed("Servers", views, r.query, w.store.timestamp());
}

/** switchRoutes are the switch endpoints. */
export const switchRoutes: Route[] = [
  {
    method: "GET",
    pattern: "switch",
    handler: (w, r) => listed("Switches", w.store.all("switch", r.zone).filter((s) => s.scope === "user").map((s) => switchView(w.store, s)), r.query, w.store.timestamp()),
  },
  { method: "POST", pattern: "switch", handler: create },
  { method: "GET", pattern: "switch/:id", handler: (w, r) => single("Switch", switchView(w.store, userSwitch(w, r))) },
  { method: "PUT", pattern: "switch/:id", handler: update },
  { method: "DELETE", pattern: "switch/:id", handler: remove },
  { method: "GET", pattern: "switch/:id/server", handler: servers },
];
