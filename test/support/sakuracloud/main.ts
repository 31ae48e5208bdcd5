// Start the SakuraCloud test server by hand, to try pxectl without an account:
//   npm run sakuracloud-test-server -- [--port N] [--faults busy=0.1,drop-after=0.01,latency=50,seed=7] [--tick-ms N]
// or dist/sakuracloud-test-server.cjs (npm run build makes it), whose pid is the server's.
// Backed by real machines (root; QEMU VMs in a network namespace of its own), as
// `pxectl lab up --host vm` starts it:
//   dist/sakuracloud-test-server.cjs --machines [--cache-dir DIR] [--ready-file FILE]
// It prints the variables to export, then one line per request until Ctrl-C or SIGTERM.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseFaults } from "./faults";
import { type SakuraTestServer, startSakuraTestServer } from "./server";

const USAGE =
  "usage: dist/sakuracloud-test-server.cjs [--port N] [--faults busy=0.1,locked=0.02,drop-before=0.01,drop-after=0.01,latency=50,jitter=20,seed=7] [--tick-ms N] [--machines [--cache-dir DIR] [--ready-file FILE]]";

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      faults: { type: "string" },
      "tick-ms": { type: "string" },
      machines: { type: "boolean" },
      "cache-dir": { type: "string" },
      "ready-file": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port ?? 0);
  const tickMs = values["tick-ms"] === undefined ? undefined : Number(values["tick-ms"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (tickMs !== undefined && !(tickMs > 0))) throw new Error(USAGE);
  const onRequest = (e: { at: number; method: string; zone: string; path: string; status: number | string; fault?: string }) =>
    process.stderr.write(`${new Date(e.at).toISOString()} ${e.method} ${e.zone}/${e.path} ${e.status}${e.fault ? ` (${e.fault})` : ""}\n`);
  let server: SakuraTestServer;
  let extra: string[] = [];
  if (values.machines) {
    const { startCloudLab } = await import("./machines/cloud-lab");
    const cacheDir = values["cache-dir"] ?? process.env.PXECTL_LAB_CACHE ?? "/var/cache/pxectl/lab";
    const lab = await startCloudLab({ cacheDir, port, onRequest, log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`) });
    server = lab.server;
    const net = server.machines!.network;
    extra = [
      `# machine-backed: servers are QEMU VMs in network namespace ${net.namespace}`,
      `# shared segment ${net.shared.network}/${net.shared.maskLen} (gateway ${net.shared.gateway}), routed here over ${net.outsideLink}`,
      `# your address as the cloud sees it (allow_from): ${net.operatorAddress}; the uplink: ${net.uplinkAddress}`,
    ];
    if (values["ready-file"]) {
      const ready = { pid: process.pid, rootUrl: server.rootUrl, namespace: net.namespace, operatorAddress: net.operatorAddress, uplinkAddress: net.uplinkAddress, workDir: server.machines!.workDir, timings: lab.timings };
      writeFileSync(values["ready-file"], `${JSON.stringify(ready)}\n`, { mode: 0o600 });
    }
  } else {
    server = await startSakuraTestServer({
      port,
      faults: values.faults ? parseFaults(values.faults) : undefined,
      // By hand, time should pass on its own: a tick every 500 ms unless told otherwise.
      tickMode: { intervalMs: tickMs ?? 500 },
      onRequest,
    });
  }
  process.stdout.write(
    [
      `SakuraCloud test server listening on ${server.rootUrl}`,
      ...extra,
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
    // the machine-backed server removes its VMs, namespace and files before exiting
    void server.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

run().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
