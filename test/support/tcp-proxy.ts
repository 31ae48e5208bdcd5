// A TCP relay on a loopback port that a test can cut: every connection through it is
// destroyed at once, as a network failure or a rebooting router would.
import { type Socket, createConnection, createServer } from "node:net";

/** TcpProxy forwards 127.0.0.1:port to a target port on loopback. */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((client) => this.relay(client));
  /** How many connections were accepted so far. */
  accepted = 0;
  port = 0;

  private constructor(private readonly targetPort: number) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
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
    const upstream = createConnection({ host: "127.0.0.1", port: this.targetPort });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
      s.on("error", () => undefined); // a cut is the point
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  }
}
