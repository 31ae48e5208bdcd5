// Fault injection: a seeded fraction of requests answered 503 busy or 423 locked, or whose
// connection is dropped before the request is handled (nothing happened) or after (it
// happened, the answer is lost); added latency; and scripted faults for exact tests.

/** FaultKind is what happens instead of a normal answer. */
export type FaultKind =
  | "busy"
  | "locked"
  | "drop-before"
  | "drop-after"
  /** Answer success but do nothing, as the API sometimes does with power requests. */
  | "swallow"
  /** Wait delayMs, then handle and answer normally: for client timeouts. */
  | "slow";

export interface FaultOptions {
  /** Fractions of requests, 0 to 1. */
  busy?: number;
  locked?: number;
  dropBefore?: number;
  dropAfter?: number;
  /** Added to every request, in ms, plus up to latencyJitterMs more. */
  latencyMs?: number;
  latencyJitterMs?: number;
  seed?: number;
}

/** ScriptedFault hits the next `times` requests that match method and path (below api/cloud/1.1). */
export interface ScriptedFault {
  fault: FaultKind;
  /** For "slow": how long to wait before handling. */
  delayMs?: number;
  method?: string;
  path?: RegExp | string;
  times?: number;
}

/** mulberry32 is a small seeded generator: the same seed injects the same faults. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Faults decides, per request, whether and how it fails. */
export class Faults {
  private options: FaultOptions;
  private random: () => number;
  private readonly scripted: Array<ScriptedFault & { left: number }> = [];

  constructor(options: FaultOptions = {}) {
    this.options = options;
    this.random = mulberry32(options.seed ?? 1);
  }

  /** set replaces the random faults (and reseeds when a seed is given). */
  set(options: FaultOptions): void {
    this.options = options;
    if (options.seed !== undefined) this.random = mulberry32(options.seed);
  }

  script(fault: ScriptedFault): void {
    this.scripted.push({ ...fault, left: fault.times ?? 1 });
  }

  /** pick returns the fault for this request, if any, with its delay; scripted faults come first. */
  pick(method: string, path: string): { kind: FaultKind; delayMs: number } | undefined {
    const rule = this.scripted.find(
      (s) => s.left > 0 && (!s.method || s.method === method) && (!s.path || (typeof s.path === "string" ? s.path === path : s.path.test(path))),
    );
    if (rule) {
      rule.left--;
      return { kind: rule.fault, delayMs: rule.delayMs ?? 0 };
    }
    const o = this.options;
    let r = this.random();
    for (const [kind, p] of [["busy", o.busy], ["locked", o.locked], ["drop-before", o.dropBefore], ["drop-after", o.dropAfter]] as const) {
      if (p && r < p) return { kind, delayMs: 0 };
      r -= p ?? 0;
    }
    return undefined;
  }

  latencyMs(): number {
    const { latencyMs = 0, latencyJitterMs = 0 } = this.options;
    return latencyMs + (latencyJitterMs > 0 ? Math.floor(this.random() * latencyJitterMs) : 0);
  }
}

/** parseFaults reads "busy=0.1,locked=0.02,drop-before=0.01,drop-after=0.01,latency=50,jitter=20,seed=7". */
export function parseFaults(text: string): FaultOptions {
  const keys: Record<string, keyof FaultOptions> = {
    busy: "busy", locked: "locked", "drop-before": "dropBefore", "drop-after": "dropAfter", latency: "latencyMs", jitter: "latencyJitterMs", seed: "seed",
  };
  const options: FaultOptions = {};
  for (const part of text.split(",").filter(Boolean)) {
    const [key = "", value = ""] = part.split("=");
    const name = keys[key.trim()];
    const n = Number(value);
    if (!name || value.trim() === "" || !Number.isFinite(n) || n < 0) {
      throw new Error(`bad fault "${part}": use ${Object.keys(keys).join(", ")} with a number, such as busy=0.1`);
    }
    options[name] = n;
  }
  return options;
}
