// Read-only catalogue: zones and regions (global), server and disk plans, archives.
import { DISK_PLANS, DISK_SIZES_GB } from "../seed";
import { archiveView, planView, zoneView } from "../views";
import { type Route, found, listed, single } from "./common";
import { notFound } from "../api-error";

const diskPlanView = (p: (typeof DISK_PLANS)[number]) => ({
  ID: p.id,
  Name: p.name,
  StorageClass: p.storageClass,
  Availability: "available",
  Size: DISK_SIZES_GB.map((gb) => ({ SizeMB: gb * 1024, DisplaySize: gb, DisplaySuffix: "GB", Availability: "available", ServiceClass: `cloud/disk/${p.id === "4" ? "ssd" : "hdd"}/${gb}g` })),
});

/** catalogRoutes are the zone, region, product and archive endpoints. */
export const catalogRoutes: Route[] = [
  { method: "GET", pattern: "zone", handler: (w, r) => listed("Zones", w.store.zones.map((z) => zoneView(w.store, z)), r.query, w.store.timestamp()) },
  {
    method: "GET",
    pattern: "zone/:id",
    handler: (w, r) => {
      const z = w.store.zones.find((zone) => zone.id === r.params.id);
      if (!z) throw notFound();
      return single("Zone", zoneView(w.store, z));
    },
  },
  {
    method: "GET",
    pattern: "region",
    handler: (w, r) =>
      listed("Regions", w.store.regions.map((g) => ({ ID: g.id, Name: g.name, Description: g.description, NameServers: g.nameServers })), r.query, w.store.timestamp()),
  },
  { method: "GET", pattern: "product/server", handler: (w, r) => listed("ServerPlans", (w.store.serverPlans.get(r.zone) ?? []).map(planView), r.query, w.store.timestamp()) },
  {
    method: "GET",
    pattern: "product/server/:id",
    handler: (w, r) => {
      const p = (w.store.serverPlans.get(r.zone) ?? []).find((plan) => plan.id === r.params.id);
      if (!p) throw notFound();
      return single("ServerPlan", planView(p));
    },
  },
  { method: "GET", pattern: "product/disk", handler: (w, r) => listed("DiskPlans", DISK_PLANS.map(diskPlanView), r.query, w.store.timestamp()) },
  {
    method: "GET",
    pattern: "product/disk/:id",
    handler: (_w, r) => {
      const p = DISK_PLANS.find((plan) => plan.id === r.params.id);
      if (!p) throw notFound();
      return single("DiskPlan", diskPlanView(p));
    },
  },
  { method: "GET", pattern: "archive", handler: (w, r) => listed("Archives", w.store.all("archive", r.zone).map((a) => archiveView(w.store, a)), r.query, w.store.timestamp()) },
  { method: "GET", pattern: "archive/:id", handler: (w, r) => single("Archive", archiveView(w.store, found(w, "archive", r.zone, r.params.id))) },
];
