// lab up run again converges: --vms N means N lab VMs exist and run. A lab already up is
// kept, running VMs are kept as they are (same QEMU process), and only the difference is added.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliRun, spawnCli } from "../support/cli";
import { LAB_CACHE, MATCHBOX_TEST_SERVER, skipLab } from "../support/lab";
import { tempDir } from "../support/tempdir";
import { processAlive } from "../../src/core/process";

const skip = skipLab();
const dir = tempDir({}, { keep: true });
const pxectl = (...argv: string[]): Promise<CliRun> => spawnCli(argv, { cwd: dir, env: { PXECTL_LAB_CACHE: LAB_CACHE } });

interface LabState {
  nodes: Record<string, { mac: string }>;
  lab: { vms: Record<string, { process: { pid: number } }> } | null;
}
const state = () => JSON.parse(readFileSync(join(dir, ".pxectl/state.json"), "utf8")) as LabState;
afterAll(async () => {
  if (!skip) await pxectl("lab", "down");
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(skip)("pxectl lab up, run again", () => {
  it("keeps the lab and its running VM, and adds only the VMs --vms still lacks", { timeout: 240_000 }, async () => {
    const first = await pxectl("lab", "up", "--vms", "1", "--matchbox-binary", MATCHBOX_TEST_SERVER);
    expect(first.exitCode, first.stderr).toBe(0);
    const before = state();
    expect(Object.keys(before.nodes)).toEqual(["vm-1"]);
    const vm1 = before.nodes["vm-1"]!.mac;
    const pid = before.lab!.vms[vm1]!.process.pid;

    const second = await pxectl("lab", "up", "--vms", "2", "--matchbox-binary", MATCHBOX_TEST_SERVER);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toContain("the lab is up already");
    expect(second.stdout).toContain("running vm-1");
    expect(second.stdout).toContain("booting vm-2");
    const after = state();
    expect(Object.keys(after.nodes).sort()).toEqual(["vm-1", "vm-2"]);
    expect(after.lab!.vms[vm1]!.process.pid).toBe(pid); // not restarted
    for (const n of Object.values(after.nodes)) expect(processAlive(after.lab!.vms[n.mac]!.process.pid)).toBe(true);

    // the same command again changes nothing
    const third = await pxectl("lab", "up", "--vms", "2", "--matchbox-binary", MATCHBOX_TEST_SERVER);
    expect(third.exitCode, third.stderr).toBe(0);
    expect(Object.keys(state().nodes).sort()).toEqual(["vm-1", "vm-2"]);
  });
});
