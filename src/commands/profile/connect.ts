// Where the profile commands get their matchbox connection. The gRPC client (mutual TLS,
// endpoint and certificates from flags, env and state) is not part of this branch yet, so
// there is no connection: plan then validates and compares with an empty server.
import type { Context } from "../../cli/context";
import type { MatchboxApi } from "../../matchbox/types";

/** Connection is an open matchbox API and the endpoint it talks to (ownership is kept per endpoint). */
export interface Connection {
  api: MatchboxApi;
  endpoint: string;
}

/** connect returns a connection, or undefined when this build has no matchbox client. */
export function connect(_ctx: Context): Promise<Connection | undefined> {
  return Promise.resolve(undefined);
}
