// ipmitool where pxectl runs it: on the matchbox host over SSH (a real sshd, a sudo user) and
// on this machine, against OpenIPMI's ipmi_sim. While it runs, every process's command line
// is sampled: the BMC password must be on none of them (ps shows them to every user).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { type BmcTarget, type IpmiRunner, hostRunner, localRunner, power, powerStatus } from "../../src/bmc";
import { parseBmcUrl } from "../../src/bmc/address";
import { connectHost } from "../../src/remote";
import { type BmcSim, skipBmcSim, startBmcSim } from "../support/bmc-sim";
import { TestSshd } from "../support/sshd";
import { tempDir } from "../support/tempdir";

const skip = skipBmcSim();
const PASSWORD = `pw-${Math.random().toString(36).slice(2, 12)}`;
let sim: BmcSim;
let sshd: TestSshd;

beforeAll(async () => {
  if (skip) return;
  sim = await startBmcSim(tempDir({}, { keep: true }), { admin: ["admin", PASSWORD] });
  sshd = await TestSshd.start();
}, 30_000);
afterAll(async () => {
  await sim?.stop();
  await sshd?.stop();
});

const target = (password = PASSWORD): BmcTarget => ({ node: "n1", label: sim.url, host: "127.0.0.1", port: sim.port, cipher: 3, user: "admin", password });

/** watchCommandLines samples every process's argv until stopped; it returns those holding needle. */
function watchCommandLines(needle: string): () => string[] {
  const seen = new Set<string>();
  let running = true;
  const sample = () => {
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (argv.includes("ipmitool") || argv.includes(needle)) seen.add(argv.replaceAll("\0", " "));
      } catch {
        // the process ended between readdir and read
      }
    }
    if (running) setTimeout(sample, 2);
  };
  sample();
  return () => {
    running = false;
    return [...seen];
  };
}

async function throughRunner(runner: IpmiRunner): Promise<string[]> {
  const stop = watchCommandLines(PASSWORD);
  expect(await power(runner, target(), "on")).toMatchObject({ state: "on" });
  expect(await powerStatus(runner, target())).toBe("on");
  expect(await power(runner, target(), "off")).toEqual({ state: "off", did: "power off" });
  const seen = stop();
  expect(seen.some((argv) => argv.includes("ipmitool") && argv.includes("chassis power"))).toBe(true); // the sampler saw the runs
  expect(seen.filter((argv) => argv.includes(PASSWORD))).toEqual([]);
  await expect(powerStatus(runner, target("wrong-password"))).rejects.toThrow(`node n1: BMC ${sim.url} refused user admin: wrong user name or password`);
  return seen;
}

describe.skipIf(skip)("ipmitool", () => {
  it("runs on this machine with the password in its environment only", { timeout: 60_000 }, async () => {
    await throughRunner(localRunner());
  });

  it("runs on the matchbox host over SSH as a sudo user, with the password in a 0600 file removed afterwards", { timeout: 90_000 }, async () => {
    const user = sshd.addUser({ sudo: "nopasswd" });
    const log: string[] = [];
    const host = await connectHost({ host: sshd.host, port: sshd.port, user: user.name, credentials: { keyFile: sshd.clientKey }, hostKey: { pinned: sshd.hostKeyFingerprint() }, log: (l) => log.push(l) });
    onTestFinished(() => host.close());
    const seen = await throughRunner(hostRunner(host));
    expect(seen.some((argv) => / -f \/run\/pxectl-bmc\/[0-9a-f]{16} /.test(argv))).toBe(true);
    // each run's file is gone, and the run log (every command and its output) never held the password
    expect(existsSync("/run/pxectl-bmc") ? readdirSync("/run/pxectl-bmc") : []).toEqual([]);
    expect(log.length).toBeGreaterThan(0);
    expect(log.filter((l) => l.includes(PASSWORD))).toEqual([]);
  });
});

describe("BMC addresses", () => {
  it("reads ipmi:// addresses and refuses what is not one", () => {
    expect(parseBmcUrl("ipmi://10.0.0.5")).toEqual({ host: "10.0.0.5", port: 623, cipher: 3 });
    expect(parseBmcUrl("ipmi://bmc-7.example:6230?cipher=17")).toEqual({ host: "bmc-7.example", port: 6230, cipher: 17 });
    expect(parseBmcUrl("ipmi://[fd00::7]")).toEqual({ host: "fd00::7", port: 623, cipher: 3 });
    expect(() => parseBmcUrl("ipmi://10.0.0.5/redfish")).toThrow("names no BMC address");
    expect(() => parseBmcUrl("ipmi://10.0.0.5?cipher=99")).toThrow("cipher must be");
    expect(() => parseBmcUrl("10.0.0.5")).toThrow("is not a URL");
  });
});
