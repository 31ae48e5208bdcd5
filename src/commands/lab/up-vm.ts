// pxectl lab up --host vm: the cloud lab. Starts the machine-backed SakuraCloud test server
// and writes a SakuraCloud project aimed at it (in an empty folder), then says what to run.
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { cloudLabEnv, cloudLabPaths, findServerScript, startCloudLabServer } from "../../lab/cloud-lab";
import { writeCloudLabProject } from "../../lab/cloud-project";
import { checkLabPrerequisites } from "../../lab/prerequisites";
import { selfCommand } from "../../lab/self";

export interface UpVmOptions {
  cloudServer?: string;
  cacheDir?: string;
}

export interface UpVmResult {
  apiRootUrl: string;
  namespace: string;
  operatorAddress: string;
  projectWritten: boolean;
  envFile: string;
  hostImage: { built: boolean; seconds: number };
}

/** The operator's address in the cloud lab is 198.19.<n>.1 for a random n: the project allows the whole range, so it stays valid across labs. */
const OPERATOR_RANGE = "198.19.0.0/16";

export async function runCloudLab(o: UpVmOptions, ctx: Context): Promise<CommandResult<UpVmResult>> {
  await checkLabPrerequisites({ env: ctx.env, uid: process.getuid?.() ?? 0, firmwares: ["bios"] });
  const self = selfCommand();
  const script = await findServerScript(o.cloudServer, self);
  // the single executable cannot run another script: node from PATH runs the bundled server
  const node = self.length === 1 ? "node" : self[0]!;
  await mkdir(ctx.stateDir, { recursive: true });
  const cacheDir = o.cacheDir ?? ctx.env.PXECTL_LAB_CACHE ?? "/var/cache/pxectl/lab";
  const record = await ctx.out.step("starting the machine-backed SakuraCloud API (the Debian 12 host image is built once: minutes)", (h) =>
    startCloudLabServer({ stateDir: ctx.stateDir, node, script, cacheDir, clock: ctx.clock, progress: (t) => h.update(t) }),
  );
  const projectWritten = await writeCloudLabProject(ctx.configPath, { allowFrom: OPERATOR_RANGE, forward: true });
  const envFile = cloudLabPaths(ctx.stateDir).env;
  return {
    value: {
      apiRootUrl: record.rootUrl,
      namespace: record.namespace,
      operatorAddress: record.operatorAddress,
      projectWritten,
      envFile,
      hostImage: { built: record.timings.hostImageBuilt, seconds: Math.round(record.timings.hostImageMs / 100) / 10 },
    },
    render: (v, s) =>
      [
        ...(v.projectWritten ? [`wrote ${ctx.display(ctx.configPath)} (provider: sakuracloud, host.archive: debian-12) and ${ctx.display(join(dirname(ctx.configPath), "profiles"))}/`] : []),
        `${s.green("✓")} cloud lab up: SakuraCloud API ${v.apiRootUrl}, its servers are QEMU VMs in network namespace ${v.namespace}`,
        `  host image ${v.hostImage.built ? "built" : "from the cache"} (${v.hostImage.seconds} s); you reach the shared segment as ${v.operatorAddress}`,
        "next, as on SakuraCloud:",
        `  . ${ctx.display(v.envFile)}        # ${Object.keys(cloudLabEnv(record)).join(", ")}`,
        "  pxectl init --matchbox-binary ./matchbox --skip-assets",
        "  pxectl profile apply && pxectl node add --create --count 2 && pxectl watch",
        "  pxectl destroy && pxectl lab down",
      ].join("\n"),
  };
}
