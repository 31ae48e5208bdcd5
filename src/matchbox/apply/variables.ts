// The variables every template sees, from pxectl.yaml: its `variables` at the top level,
// plus matchbox (endpoints and ports), assets (the Flatcar channel and version) and
// nodes (install disk, ...), so profiles need no copy of what the project already says.
import type { ProjectConfig } from "../../config/project";

/** matchboxHttpEndpoint is the URL nodes reach matchbox at: the host's address on the switch. */
export function matchboxHttpEndpoint(config: ProjectConfig): string {
  const address = config.host?.private_address ?? config.network.address.split("/")[0]!;
  return `http://${address}:${config.matchbox.http_port}`;
}

/** templateVariables builds the base context of every template of the project. */
export function templateVariables(config: ProjectConfig): Record<string, unknown> {
  return {
    ...config.variables,
    matchbox: { http_endpoint: matchboxHttpEndpoint(config), http_port: config.matchbox.http_port, grpc_port: config.matchbox.grpc_port, version: config.matchbox.version },
    assets: config.assets,
    nodes: config.nodes,
    env: config.name,
  };
}
