// A loopback HTTP server for fake release files: fixed bodies by path, 404 for the rest,
// and a log of the paths asked for.
import { createServer } from "node:http";

/** StaticServer serves files from a map that tests may change between requests. */
export class StaticServer {
  readonly files = new Map<string, Buffer>();
  readonly requests: string[] = [];
  url = "";
  private readonly server = createServer((req, res) => {
    const path = req.url ?? "/";
    this.requests.push(path);
    const body = this.files.get(path);
    res.writeHead(body ? 200 : 404, { "content-type": "application/octet-stream" });
    res.end(body ?? "not found\n");
  });

  /** start listens on a free port of address: loopback, or the test's own side of a namespace's veth. */
  static async start(address = "127.0.0.1"): Promise<StaticServer> {
    const s = new StaticServer();
    await new Promise<void>((resolve) => s.server.listen(0, address, resolve));
    const bound = s.server.address();
    if (typeof bound !== "object" || !bound) throw new Error("no port");
    s.url = `http://${bound.address}:${bound.port}`;
    return s;
  }

  /** put serves body at path. */
  put(path: string, body: string | Buffer): void {
    this.files.set(path, typeof body === "string" ? Buffer.from(body) : body);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
