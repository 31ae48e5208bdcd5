// A TCP relay on a loopback port that a test can cut: every connection through it is
// destroyed at once, as a network failure or a rebooting router would.
import { type Socket, createConnection, createServer } from "node:net";

/** TcpProxy forwards 127.0.0.1:port to a target port (on loopback unless a host is given). */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((client) => this.relay(client));
  /** How many connections were accepted so far. */
  accepted = 0;
  /** Bytes relayed from clients to the target so far. */
  relayed = 0;
  port = 0;
  /** Told about each accepted connection (its number, from 1), e.g. to schedule a cut. */
  onConnection?: (n: number) => void;

  private constructor(
    private readonly targetPort: number,
    private readonly targetHost: string,
  ) {}

  static async start(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort, targetHost);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once("error", reject);
      proxy.server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = proxy.server.address();
    if (typeof address !== "object" || !address) throw new Error("the proxy has no port");
    proxy.port = address.port;
    return proxy;
  }

  /** cut destroys every open connection; new ones are still accepted. */
  cut(): void {
    for (const s of this.sockets) s.destroy();
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    this.accepted++;
    this.onConnection?.(this.accepted);
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
      s.on("error", () => undefined); // a cut is the point
    }
    client.on("data", (chunk: Buffer) => (this.relayed += chunk.length));
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  }
}
