// A byte relay between a TCP address and a Unix socket. pxectl runs outside the lab's network
// namespace and matchbox inside it; a Unix socket's path is shared by both sides, so two
// relays (TCP -> socket outside, socket -> TCP inside) carry gRPC across.
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import { type Server, type Socket, createConnection, createServer } from "node:net";

/** RelayEnd is "tcp:HOST:PORT" or "unix:PATH". */
export type RelayEnd = { kind: "tcp"; host: string; port: number } | { kind: "unix"; path: string };

/** parseRelayEnd reads tcp:HOST:PORT or unix:PATH. */
export function parseRelayEnd(text: string): RelayEnd {
  if (text.startsWith("unix:")) return { kind: "unix", path: text.slice(5) };
  const m = /^tcp:(.+):(\d+)$/.exec(text);
  if (!m) throw new Error(`not a relay end: ${text} (use tcp:HOST:PORT or unix:PATH)`);
  return { kind: "tcp", host: m[1]!, port: Number(m[2]) };
}

function connect(to: RelayEnd): Socket {
  return to.kind === "unix" ? createConnection(to.path) : createConnection(to.port, to.host);
}

/** startRelay listens on `from` and pipes each connection to `to`; it returns the bound TCP port, if any. */
export async function startRelay(from: RelayEnd, to: RelayEnd): Promise<{ server: Server; port: number | undefined }> {
  const server = createServer((client) => {
    const upstream = connect(to);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
  });
  if (from.kind === "unix") server.listen(from.path);
  else server.listen(from.port, from.host);
  await once(server, "listening");
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : undefined };
}

/** runRelay is the hidden `pxectl lab relay`: it serves until killed and writes its port to portFile. */
export async function runRelay(o: { from: string; to: string; portFile?: string }): Promise<void> {
  const { port } = await startRelay(parseRelayEnd(o.from), parseRelayEnd(o.to));
  if (o.portFile && port !== undefined) await writeFile(o.portFile, `${port}\n`);
  await new Promise<never>(() => undefined);
}
