// HTTP transport: one request out, one response in, as a port so tests and later code
// can swap it. The node:http(s) implementation reports whether a failed request may
// have reached the server, which decides whether a create may be sent again blindly.
import * as http from "node:http";
import * as https from "node:https";

/** HttpRequest is a request with its whole body. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
  /** Give up when the server sends nothing for this long. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** HttpResponse is a response with its whole body. */
export interface HttpResponse {
  status: number;
  body: string;
}

/** HttpTransport sends requests; it throws TransportError when no complete answer came. */
export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** close drops idle connections. */
  close(): void;
}

/** TransportError is a request that got no complete answer. */
export class TransportError extends Error {
  /** A Node error code such as ECONNREFUSED, ECONNRESET or ETIMEDOUT. */
  readonly code: string;
  /**
   * True once a connection was made: the server may have received and applied the request
   * even though its answer was lost. False means it certainly never arrived.
   */
  readonly maybeSent: boolean;

  constructor(code: string, message: string, maybeSent: boolean, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "TransportError";
    this.code = code;
    this.maybeSent = maybeSent;
  }
}

export interface NodeTransportOptions {
  /** Connections kept per host; more requests queue in the agent. */
  maxSockets?: number;
}

/** nodeHttpTransport sends over node:http or node:https with keep-alive connections. */
export function nodeHttpTransport({ maxSockets = 8 }: NodeTransportOptions = {}): HttpTransport {
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets }),
    "https:": new https.Agent({ keepAlive: true, maxSockets }),
  };
  return {
    send: (request) => sendWith(agents, request),
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}

function sendWith(agents: { "http:": http.Agent; "https:": https.Agent }, r: HttpRequest): Promise<HttpResponse> {
  const url = new URL(r.url);
  const protocol = url.protocol === "https:" ? "https:" : "http:";
  const request = protocol === "https:" ? https.request : http.request;
  return new Promise<HttpResponse>((resolve, reject) => {
    let connected = false;
    const fail = (e: unknown) => {
      if (r.signal?.aborted) return reject(r.signal.reason as Error);
      const err = e as NodeJS.ErrnoException;
      if (err instanceof TransportError) return reject(err);
      const code = err.code ?? "ECONNRESET";
      reject(new TransportError(code, `${code}: ${err.message}`, connected, e));
    };
    // Node sends a DELETE body with neither Content-Length nor chunking unless told its length.
    const headers = r.body === undefined ? r.headers : { ...r.headers, "Content-Length": String(Buffer.byteLength(r.body)) };
    const req = request(url, { method: r.method, headers, agent: agents[protocol], signal: r.signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", fail);
      res.on("aborted", () => fail(Object.assign(new Error("the answer was cut off"), { code: "ECONNRESET" })));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("socket", (socket) => {
      // a reused keep-alive socket is already connected; a new one is once "connect" fires
      if (!socket.connecting) connected = true;
      else socket.once("connect", () => (connected = true));
    });
    req.setTimeout(r.timeoutMs, () => {
      req.destroy(new TransportError("ETIMEDOUT", `no answer within ${Math.round(r.timeoutMs / 1000)}s`, connected));
    });
    req.on("error", fail);
    req.end(r.body);
  });
}
