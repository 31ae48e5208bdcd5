// pxectl watch over a real SSH connection: the test sshd puts a stand-in journalctl first on
// PATH, which prints a file the test appends journal records to as a booting node would. The
// machine's requests really go to matchbox (the real v0.11.0 when PXECTL_TEST_MATCHBOX names
// it), and the lines it logged for them are what watch reads. The install-loop guard then
// really switches the node's group on that matchbox.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli";
import { type Machine, installSteps, machine, renderSteps } from "../support/boot-lines";
import { type TestMatchbox, exampleProject, startMatchbox } from "../support/matchbox-harness";
import { TestSshd } from "../support/sshd";
import { tempDir } from "../support/tempdir";

let sshd: TestSshd;
let bin: string;

beforeAll(async () => {
  bin = tempDir({}, { keep: true });
  // the stand-in prints the journal file and follows it, as journalctl --follow does
  // (an SSH session does not inherit the test's environment: the file names where to read)
  writeFileSync(join(bin, "journalctl"), `#!/bin/sh\nJOURNAL=$(cat ${bin}/journal-path)\necho "$@" > "$JOURNAL.args"\nexec tail -n +1 -f "$JOURNAL"\n`, { mode: 0o755 });
  sshd = await TestSshd.start({ extraConfig: [`SetEnv PATH=${bin}:/usr/sbin:/usr/bin:/sbin:/bin`] });
}, 30_000);
afterAll(async () => {
  await sshd?.stop();
  rmSync(bin, { recursive: true, force: true });
});

async function project(journal: string) {
  const mb = await startMatchbox();
  const p = exampleProject(mb);
  const examples = readFileSync(fileURLToPath(new URL("../../examples/pxectl.yaml", import.meta.url)), "utf8");
  writeFileSync(
    join(p.cwd, "pxectl.yaml"),
    examples.replace("provider: sakuracloud\nsakuracloud:\n  zone: is1a\n", `provider: existing\nhost:\n  address: 127.0.0.1\n  ssh_port: ${sshd.port}\n  ssh_user: root\n  ssh_key: ${sshd.clientKey}\n`),
  );
  // what pxectl init records about the host: its address and pinned key
  const state = { schema_version: 1, env: "demo", created_at: "x", updated_at: "x", steps: {}, resources: {}, nodes: {}, host: { address: "127.0.0.1", ssh_port: sshd.port, ssh_user: "root", ssh_host_key: { fingerprint: sshd.hostKeyFingerprint(), key_type: "ssh-ed25519" } } };
  writeFileSync(join(p.cwd, ".pxectl/state.json"), JSON.stringify(state));
  writeFileSync(journal, "");
  writeFileSync(join(bin, "journal-path"), journal);
  return { mb, ...p };
}

/**
 * servedLine sends a machine's request to matchbox and returns the line matchbox logged for
 * it: with the real matchbox, watch then parses what matchbox v0.11.0 really writes.
 */
async function servedLine(mb: TestMatchbox, path: string): Promise<string> {
  const before = mb.logs.length;
  await (await fetch(mb.httpUrl + path)).arrayBuffer();
  for (let i = 0; i < 200; i++) {
    const line = mb.logs.slice(before).find((l) => l.includes(' msg="HTTP GET /'));
    if (line) return line;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`matchbox logged no request line for ${path}`);
}

/** boot appends a machine's lines to the journal file, stepMs apart, as they would be logged; matchbox's lines are the server's own. */
async function boot(journal: string, m: Machine, o: { steps?: number; stepMs?: number; mb?: TestMatchbox } = {}): Promise<void> {
  const steps = installSteps(m).slice(0, o.steps);
  const lines = renderSteps(m, steps, Date.now(), 50, "journal-json");
  for (const [i, l] of lines.entries()) {
    const record = JSON.parse(l.line.text) as { MESSAGE: string; SYSLOG_IDENTIFIER: string };
    const path = /msg="HTTP GET ([^"]*)"/.exec(record.MESSAGE)?.[1];
    if (o.mb && record.SYSLOG_IDENTIFIER === "matchbox" && path) record.MESSAGE = await servedLine(o.mb, path);
    appendFileSync(journal, JSON.stringify(record) + "\n");
    if (i % 20 === 19) await new Promise((r) => setTimeout(r, o.stepMs ?? 20));
  }
}

describe("pxectl watch", () => {
  it("follows a node from DHCP to installed over SSH, exits 0, and switches it to boot its disk", async () => {
    const journal = join(tempDir(), "journal");
    const p = await project(journal);
    const node = machine(7);
    expect((await runCli(["node", "add", "--mac", node.mac, "--name", "web1"], p)).exitCode).toBe(0);
    const watching = runCli(["watch", "--timeout", "40s", "-o", "json"], p);
    setTimeout(() => void boot(journal, node, { mb: p.mb }), 500);
    const r = await watching;
    expect(r.stderr).not.toMatch(/error/);
    expect(r.exitCode).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; node?: string; stage?: string });
    const stages = events.filter((e) => e.type === "stage").map((e) => e.stage);
    expect(stages).toEqual(["dhcp", "boot-file", "ipxe", "kernel", "initrd", "install-config", "installing", "installed-config", "rebooting", "installed"]);
    expect(readFileSync(journal + ".args", "utf8")).toContain("--output=json --output-fields=MESSAGE,SYSLOG_IDENTIFIER,_PID --unit=pxectl-dnsmasq.service --unit=matchbox.service");
    const state = JSON.parse(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8")) as { nodes: Record<string, { stage: string }> };
    expect(state.nodes.web1!.stage).toBe("installed");
    expect((await (await p.mb.api()).groupGet("pxectl-node-web1")).profile).toBe("pxectl-localboot");
    // the matchbox lines watch followed are the ones the server (the real one under CI) wrote
    const journalled = readFileSync(journal, "utf8").split("\n").filter((l) => l.includes('"SYSLOG_IDENTIFIER":"matchbox"'));
    expect(journalled.length).toBeGreaterThan(5);
    for (const l of journalled) expect(p.mb.logs).toContain((JSON.parse(l) as { MESSAGE: string }).MESSAGE);
  }, 60_000);

  it("reports a node stuck on a missing boot file with its cause, and exits 1", async () => {
    const journal = join(tempDir(), "journal");
    const p = await project(journal);
    const node = machine(8);
    expect((await runCli(["node", "add", "--mac", node.mac, "--name", "web2"], p)).exitCode).toBe(0);
    const watching = runCli(["watch", "--timeout", "40s", "--fail-after", "1s", "-o", "json"], p);
    setTimeout(() => {
      void boot(journal, node, { steps: 1 }).then(() =>
        appendFileSync(journal, JSON.stringify({ __CURSOR: "s=1;i=ff", __REALTIME_TIMESTAMP: String(Date.now() * 1000), _PID: "5174", MESSAGE: `file /var/lib/tftpboot/undionly.kpxe not found for ${node.ip}`, SYSLOG_IDENTIFIER: "dnsmasq-tftp" }) + "\n"),
      );
    }, 500);
    const r = await watching;
    expect(r.exitCode).toBe(1);
    const error = JSON.parse(r.stderr.split("\n").find((l) => l.startsWith('{"error"'))!) as { error: { code: string; message: string } };
    expect(error.error.code).toBe("failed");
    expect(error.error.message).toContain("web2");
    expect(r.stdout).toContain('"type":"stuck"');
  }, 60_000);
});
