// Signals for watch that no log carries: the cloud's power state of cloud nodes, and
// whether an installed node answers SSH (checked from the host, which sits on the switch).
import type { Clock } from "../core/clock";
import type { RemoteHost } from "../remote";
import type { SakuraApi } from "../sakuracloud";
import type { NodeSignal } from "../watch";

/** pollPower yields a power signal whenever a cloud node's state changes (checked every intervalMs). */
export async function* pollPower(api: SakuraApi, nodes: ReadonlyArray<{ name: string; cloudId: string }>, o: { clock: Clock; signal: AbortSignal; intervalMs?: number }): AsyncGenerator<NodeSignal> {
  const last = new Map<string, string>();
  while (!o.signal.aborted) {
    for (const n of nodes) {
      try {
        const { status } = await api.servers.powerStatus(n.cloudId);
        const state = status === "up" ? "on" : "off";
        if (last.get(n.name) !== state) {
          last.set(n.name, state);
          yield { kind: "power", node: n.name, state, at: o.clock.now() };
        }
      } catch {
        // a missed poll is not worth stopping the watch: the next one tries again
      }
    }
    await o.clock.sleep(o.intervalMs ?? 10_000, o.signal).catch(() => undefined);
  }
}

/** ReadinessProber checks, through the host, that installed nodes answer on port 22. */
export class ReadinessProber {
  private readonly pending = new Set<string>();
  private wake: (() => void) | undefined;

  constructor(
    private readonly host: RemoteHost,
    /** ipOf tells a node's current address (from its DHCP lease), when known. */
    private readonly ipOf: (node: string) => string | undefined,
    private readonly o: { clock: Clock; signal: AbortSignal; intervalMs?: number },
  ) {}

  /** probe starts checking a node (call it when the node is seen installed). */
  probe(node: string): void {
    this.pending.add(node);
    this.wake?.();
  }

  async *signals(): AsyncGenerator<NodeSignal> {
    while (!this.o.signal.aborted) {
      if (this.pending.size === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.o.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        continue;
      }
      for (const node of [...this.pending]) {
        const ip = this.ipOf(node);
        if (!ip || !/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) continue;
        const r = await this.host
          .exec(`timeout 3 bash -c ': < /dev/tcp/${ip}/22'`, { okExitCodes: [0, 1, 124], label: `is ${node} (${ip}) answering SSH?`, idempotent: true, logOutput: false })
          .catch(() => undefined);
        if (r?.exitCode === 0) {
          this.pending.delete(node);
          yield { kind: "ready", node, at: this.o.clock.now() };
        }
      }
      await this.o.clock.sleep(this.o.intervalMs ?? 5000, this.o.signal).catch(() => undefined);
    }
  }
}
