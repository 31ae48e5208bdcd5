// Start the SakuraCloud test server by hand, to try pxectl without an account:
//   npm run sakuracloud-test-server -- [--port N] [--faults busy=0.1,drop-after=0.01,latency=50,seed=7] [--tick-ms N]
// or dist/sakuracloud-test-server.cjs (npm run build makes it), whose pid is the server's.
// It prints the variables to export, then one line per request until Ctrl-C or SIGTERM.
import { parseArgs } from "node:util";
import { parseFaults } from "./faults";
import { startSakuraTestServer } from "./server";

const USAGE = "usage: dist/sakuracloud-test-server.cjs [--port N] [--faults busy=0.1,locked=0.02,drop-before=0.01,drop-after=0.01,latency=50,jitter=20,seed=7] [--tick-ms N]";

async function run(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: "string" }, faults: { type: "string" }, "tick-ms": { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port ?? 0);
  const tickMs = values["tick-ms"] === undefined ? undefined : Number(values["tick-ms"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (tickMs !== undefined && !(tickMs > 0))) throw new Error(USAGE);
  const server = await startSakuraTestServer({
    port,
    faults: values.faults ? parseFaults(values.faults) : undefined,
    // By hand, time should pass on its own: a tick every 500 ms unless told otherwise.
    tickMode: { intervalMs: tickMs ?? 500 },
    onRequest: (e) => process.stderr.write(`${new Date(e.at).toISOString()} ${e.method} ${e.zone}/${e.path} ${e.status}${e.fault ? ` (${e.fault})` : ""}\n`),
  });
  process.stdout.write(
    [
      `SakuraCloud test server listening on ${server.rootUrl}`,
      `export SAKURA_API_ROOT_URL=${server.rootUrl}`,
      `export SAKURA_ACCESS_TOKEN=${server.credentials.accessToken}`,
      `export SAKURA_ACCESS_TOKEN_SECRET=${server.credentials.accessTokenSecret}`,
      "",
    ].join("\n"),
  );
  let stopping = false;
  const stop = () => {
    // a second signal while closing stops at once
    if (stopping) process.exit(1);
    stopping = true;
    const made = server.inventory();
    process.stderr.write(`stopping; ${made.length} resources were left: ${made.map((r) => `${r.kind} ${r.id}`).join(", ") || "none"}\n`);
    void server.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

run().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
