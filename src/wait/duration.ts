// Durations as people read them in messages: "45s", "2m30s", "1h5m"; and as they write
// them in flags and pxectl.yaml: "90s", "30m", "2h".

/** parseDurationMs reads "90s", "30m" or "2h"; undefined for anything else. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d+)(s|m|h)$/.exec(text.trim());
  return m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "s" | "m" | "h"] : undefined;
}

/** formatDuration shows ms rounded to seconds (or ms below one second). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h}h${m}m` : `${h}h`;
  if (m > 0) return s > 0 ? `${m}m${s}s` : `${m}m`;
  return `${s}s`;
}
