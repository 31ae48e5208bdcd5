// The route table: every endpoint the test server answers, matched by method and path
// segments below api/cloud/1.1.
import { catalogRoutes } from "./resources/catalog";
import type { Route } from "./resources/common";
import { diskRoutes } from "./resources/disks";
import { interfaceRoutes } from "./resources/interfaces";
import { packetFilterRoutes } from "./resources/packet-filters";
import { serverRoutes } from "./resources/servers";
import { sshKeyRoutes } from "./resources/ssh-keys";
import { switchRoutes } from "./resources/switches";

const ROUTES: Route[] = [...serverRoutes, ...diskRoutes, ...switchRoutes, ...interfaceRoutes, ...sshKeyRoutes, ...packetFilterRoutes, ...catalogRoutes];

/** matchRoute finds the route for method and path, with the values of its ":name" segments. */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  const segments = path.split("/").filter(Boolean);
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const pattern = route.pattern.split("/");
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    if (pattern.every((p, i) => (p.startsWith(":") ? ((params[p.slice(1)] = segments[i]!), true) : p === segments[i]))) return { route, params };
  }
  return undefined;
}
