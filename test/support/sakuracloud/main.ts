// Start the SakuraCloud test server by hand, to try pxectl without an account:
//   npx tsx test/support/sakuracloud/main.ts [--port N] [--faults busy=0.1,drop-after=0.01,latency=50,seed=7] [--tick-ms N]
// It prints the variables to export, then one line per request until Ctrl-C.
import { parseArgs } from "node:util";
import { parseFaults } from "./faults";
import { startSakuraTestServer } from "./server";

const USAGE = "usage: npx tsx test/support/sakuracloud/main.ts [--port N] [--faults busy=0.1,locked=0.02,drop-before=0.01,drop-after=0.01,latency=50,jitter=20,seed=7] [--tick-ms N]";

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
  const stop = () => {
    const made = server.inventory();
    process.stderr.write(`stopping; ${made.length} resources were left: ${made.map((r) => `${r.kind} ${r.id}`).join(", ") || "none"}\n`);
    void server.close();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

run().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
