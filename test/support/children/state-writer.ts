// A child process for state tests. Modes:
//   increment DIR N   take the lock N times, each time adding 1 to the counter kept in state.env
//   crash DIR         write a new state but SIGKILL itself halfway through the temp file
//   hold DIR MS       take the lock, print "locked", hold it MS milliseconds, release
import * as fsp from "node:fs/promises";
import { systemClock } from "../../../src/core/clock";
import type { FileSystem } from "../../../src/config/files";
import { StateStore } from "../../../src/config/state";

const [mode, dir, arg] = process.argv.slice(2) as [string, string, string];

async function increment(times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const { store, release } = await StateStore.openForWrite(dir, { clock: systemClock, command: "increment", lockTimeoutMs: 60_000 });
    try {
      const current = Number(store.state.env ?? 0);
      await store.update((s) => {
        s.env = String(current + 1);
      });
    } finally {
      await release();
    }
  }
}

// Writes the first half of the data, then dies as a crash or power loss would.
const crashingFs: FileSystem = {
  ...fsp,
  async open(path, flags, mode) {
    const handle = await fsp.open(path, flags, mode);
    if (String(path).endsWith(".tmp") && !String(path).includes(".lock.")) {
      handle.writeFile = async (data: string | Uint8Array) => {
        const bytes = typeof data === "string" ? Buffer.from(data) : Buffer.from(data);
        await handle.write(bytes.subarray(0, bytes.length >> 1));
        await handle.sync();
        process.kill(process.pid, "SIGKILL");
      };
    }
    return handle;
  },
};

async function crash(): Promise<void> {
  const { store } = await StateStore.openForWrite(dir, { clock: systemClock, command: "crash", lockTimeoutMs: 0, fs: crashingFs });
  await store.update((s) => {
    s.env = "after-crash";
    s.nodes["n".repeat(10)] = { mac: "52:54:00:00:00:01" };
  });
}

async function hold(ms: number): Promise<void> {
  const { release } = await StateStore.openForWrite(dir, { clock: systemClock, command: "hold", lockTimeoutMs: 0 });
  process.stdout.write("locked\n");
  await new Promise((r) => setTimeout(r, ms));
  await release();
}

await (mode === "increment" ? increment(Number(arg)) : mode === "crash" ? crash() : hold(Number(arg)));
