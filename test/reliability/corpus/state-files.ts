// .pxectl/state.json and the lock, edited by hand or damaged.
import { mkdirSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { BadInput } from "./types";

const STATE = ".pxectl/state.json";
const valid = { schema_version: 1, env: "demo", created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z", steps: {}, resources: {}, nodes: {} };
const edited = (change: Record<string, unknown>) => JSON.stringify({ ...valid, ...change }, null, 2);

const state = (name: string, text: string, says?: string | RegExp): BadInput[] => [
  { name: `state: ${name} (read)`, argv: ["node", "list", "--no-leases"], files: { [STATE]: text }, exitCode: 9, says },
  { name: `state: ${name} (write)`, argv: ["node", "add", "--mac", "52:54:00:00:00:09"], files: { [STATE]: text }, exitCode: 9, says },
];

export const stateCases: BadInput[] = [
  ...state("not JSON", "{ this is not json", "state.json"),
  ...state("empty", "", "state.json"),
  ...state("cut off", edited({}).slice(0, 60), "state.json"),
  ...state("from a newer pxectl", edited({ schema_version: 99 }), "newer pxectl"),
  ...state("schema version as text", edited({ schema_version: "1" }), "schema_version"),
  ...state("nodes as a list", edited({ nodes: [] }), "nodes"),
  ...state("a node without a MAC", edited({ nodes: { "node-1": { name: "x" } } }), "mac"),
  ...state("a resource ID as a number", edited({ resources: { switch: { kind: "switch", id: 113600000001, name: "demo-switch" } } }), "id"),
  ...state("a step with an unknown status", edited({ steps: { "init/ssh": { status: "half-done" } } }), "status"),
  ...state("a list at the top", "[]", "state.json"),
  ...state("null", "null", "state.json"),
  {
    name: "state: state.json is a folder",
    argv: ["node", "list", "--no-leases"],
    files: { [STATE]: null },
    setup: (f) => mkdirSync(join(f.cwd, STATE)),
    exitCode: 9,
    says: "state.json",
  },
  { name: "state: a lock file of garbage", argv: ["node", "add", "--mac", "52:54:00:00:00:09"], files: { ".pxectl/lock": "garbage" }, exitCode: 9, says: "lock", spawn: true },
  {
    name: "state: a lock held by a live run",
    argv: ["node", "add", "--mac", "52:54:00:00:00:09"],
    // held by this test process: alive, on this host
    files: { ".pxectl/lock": JSON.stringify({ pid: process.pid, host: hostname(), command: "pxectl profile apply", started_at: new Date().toISOString(), token: "0123456789abcdef" }) },
    exitCode: 8,
    says: "another pxectl run holds the lock",
  },
  {
    name: "state: the tls folder is missing",
    argv: ["profile", "apply"],
    setup: (f) => rmSync(join(f.cwd, ".pxectl/tls"), { recursive: true }),
    exitCode: 11,
    says: "ca.crt",
  },
];
