// In a lab project every hint names the lab's command: status, watch and node list after
// lab down (or before lab up) say pxectl lab up, never pxectl init.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/environment/checks";
import { runCli } from "../support/cli";
import { FakeClock } from "../support/clock";
import { tempDir } from "../support/tempdir";

const LAB_PROJECT = readFileSync(fileURLToPath(new URL("../../templates/lab/project/pxectl.yaml.tmpl", import.meta.url)), "utf8").replaceAll("{{name}}", "demo").replaceAll("{{namespace}}", "pxl-demo");
const at = "2026-01-01T00:00:00.000Z";
// what lab down leaves: the nodes, no lab record
const STATE = JSON.stringify({ schema_version: 1, env: "demo", created_at: at, updated_at: at, steps: {}, resources: {}, nodes: { "vm-1": { mac: "52:54:00:70:78:01", stage: "installed", created_at: at } } });

describe("hints in a lab project", () => {
  it("name pxectl lab up, not pxectl init, once the lab is down", async () => {
    const cwd = tempDir({ "pxectl.yaml": LAB_PROJECT, ".pxectl/state.json": STATE });
    const run = (argv: string[]) => runCli(argv, { cwd, clock: new FakeClock() });

    const status = await run(["status", "-o", "json"]);
    const checks = (JSON.parse(status.stdout) as { checks: CheckResult[] }).checks;
    expect(checks.find((c) => c.name === "init")).toMatchObject({ status: "fail", hint: "run pxectl lab up" });
    expect(checks.find((c) => c.name === "lab")).toMatchObject({ status: "fail", detail: "the lab is not up" });
    const human = await run(["status"]);
    expect(human.stdout).not.toContain("pxectl init");

    const watch = await run(["watch", "--timeout", "1m"]);
    expect(watch.exitCode).toBe(9);
    expect(watch.stderr).toBe("error: the lab is not up\nhint: run pxectl lab up first (as root)\n");

    const list = await run(["node", "list"]);
    expect(list.exitCode).toBe(0);
    expect(list.stderr).not.toContain("pxectl init");

    const init = await run(["init", "--yes"]);
    expect(init.exitCode).toBe(2);
    expect(init.stderr).toContain("pxectl lab up");
  });

  it("say to boot VMs with lab up when there is nothing to watch", async () => {
    const cwd = tempDir({ "pxectl.yaml": LAB_PROJECT });
    const watch = await runCli(["watch"], { cwd, clock: new FakeClock() });
    expect(watch.stderr).toBe("error: no nodes to watch\nhint: boot VMs first: pxectl lab up --vms 2\n");
  });
});
