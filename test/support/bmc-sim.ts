// A BMC for tests: OpenIPMI's ipmi_sim serving IPMI over LAN on loopback, powering a stand-in
// machine (a sleep process) through the lab's own chassis control program. Whether this
// machine can run it is said in one loud line when it cannot.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import controlScript from "../../templates/lab/bmc-control.sh.tmpl";
import { lanConf } from "../../src/lab/bmc";

/** bmcSimUnavailable says why ipmi_sim cannot run here, or undefined when it can. */
export function bmcSimUnavailable(): string | undefined {
  try {
    execFileSync("sh", ["-c", "command -v ipmi_sim && command -v ipmitool"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "ipmi_sim (Debian package openipmi) or ipmitool is missing (.ci/run installs them)";
  }
}

/** skipBmcSim returns true (after saying so loudly) when the BMC tests cannot run; under CI never. */
export function skipBmcSim(): boolean {
  const why = bmcSimUnavailable();
  if (!why || process.env.CI) return false;
  process.stderr.write(`\n!!! BMC TESTS NOT RUN: ${why}. !!!\n\n`);
  return true;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

export interface BmcSim {
  url: string;
  port: number;
  dir: string;
  /** BOOTDEV of every power-on, in order: "pxe" after chassis bootdev pxe, once. */
  powerOns(): string[];
  /** The stand-in machine's pid while it is on. */
  machinePid(): number | undefined;
  stop(): Promise<void>;
}

/** startBmcSim starts ipmi_sim with an administrator (and a user-privilege account); machineFails: power-on fails. */
export async function startBmcSim(dir: string, o: { admin: [string, string]; viewer?: [string, string]; machineFails?: boolean }): Promise<BmcSim> {
  mkdirSync(join(dir, "state"), { recursive: true });
  const port = await freeUdpPort();
  writeFileSync(join(dir, "control.sh"), controlScript, { mode: 0o755 });
  writeFileSync(
    join(dir, "start.sh"),
    o.machineFails
      ? 'echo "the machine does not start" >&2\nexit 1\n'
      : `echo "$BOOTDEV" >> "${dir}/power-ons"\nsetsid sleep 600 </dev/null >/dev/null 2>&1 &\necho $! > "${dir}/machine.pid"\n`,
    { mode: 0o755 },
  );
  let conf = lanConf({ name: `pxectl-test-${port}`, address: "127.0.0.1", port, vmLinkPort: 0, control: join(dir, "control.sh"), user: o.admin[0], password: o.admin[1] });
  conf = conf.replace(/^ {2}serial .*\n/m, ""); // no VM link: the stand-in machine has no BMC device
  if (o.viewer) conf += `  user 3 true "${o.viewer[0]}" "${o.viewer[1]}" user 10 md5\n`;
  writeFileSync(join(dir, "lan.conf"), conf, { mode: 0o600 });
  writeFileSync(join(dir, "bmc.emu"), "mc_setbmc 0x20\nmc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\nmc_enable 0x20\n");
  const child: ChildProcess = spawn("ipmi_sim", ["-c", join(dir, "lan.conf"), "-f", join(dir, "bmc.emu"), "-s", join(dir, "state"), "-n"], { stdio: "ignore" });
  // ipmi_sim answers once it has bound its port; ipmitool's own status call is the readiness check
  const env = { ...process.env, IPMI_PASSWORD: o.admin[1] };
  for (let i = 0; i < 50; i++) {
    try {
      execFileSync("ipmitool", ["-I", "lanplus", "-C", "3", "-N", "1", "-R", "1", "-H", "127.0.0.1", "-p", String(port), "-U", o.admin[0], "-E", "chassis", "power", "status"], { env, stdio: "ignore" });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const machinePid = () => {
    const file = join(dir, "machine.pid");
    const pid = existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : NaN;
    return Number.isInteger(pid) && existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8")) ? pid : undefined;
  };
  return {
    url: `ipmi://127.0.0.1:${port}`,
    port,
    dir,
    powerOns: () => (existsSync(join(dir, "power-ons")) ? readFileSync(join(dir, "power-ons"), "utf8").split("\n").filter(Boolean) : []),
    machinePid,
    async stop() {
      child.kill("SIGTERM");
      const pid = machinePid();
      if (pid) process.kill(pid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 50));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
