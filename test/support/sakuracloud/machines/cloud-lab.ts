// The cloud lab: the machine-backed SakuraCloud test server set up to replay SakuraCloud on
// this machine. Its Debian 12 archive is the lab's Debian 12 host image, and every copy
// of it also carries the lab's tiny OS under matchbox's assets (where `pxectl assets
// prefetch` would put Flatcar on SakuraCloud), so the nodes `node add --create` makes can
// install it. Used by the end-to-end test, bench/cloud-lab.ts and `pxectl lab up --host vm`.
import { ensureInstallerOs, IMAGE_NAME } from "../../../../src/lab/installer-os";
import { type RequestLogEntry, type SakuraTestServer, startSakuraTestServer } from "../server";
import { debianHostImage } from "./debian-host";

/** LAB_OS_ASSETS is where the lab OS lands in the host image copies: the paths the lab profiles name. */
export const LAB_OS_ASSETS = "/var/lib/matchbox/assets/lab";

export interface CloudLab {
  server: SakuraTestServer;
  /** What pxectl needs to reach the server, as on SakuraCloud. */
  env: { SAKURA_API_ROOT_URL: string; SAKURA_ACCESS_TOKEN: string; SAKURA_ACCESS_TOKEN_SECRET: string };
  /** How long the lab OS and the host image took, and whether they came from the cache. */
  timings: { labOsMs: number; hostImageMs: number; hostImageBuilt: boolean };
  close(): Promise<void>;
}

/** startCloudLab builds (or finds) the lab OS and the host image, then starts the machine-backed server. */
export async function startCloudLab(o: { cacheDir: string; port?: number; log?: (line: string) => void; onRequest?: (entry: RequestLogEntry) => void }): Promise<CloudLab> {
  const log = o.log ?? (() => undefined);
  let started = Date.now();
  const os = await ensureInstallerOs(o.cacheDir, (t) => log(`lab OS: ${t}`));
  const labOsMs = Date.now() - started;
  const hostImage = debianHostImage(o.cacheDir);
  started = Date.now();
  // built now rather than at the first disk copy, so init's timings are init's
  await hostImage.ensure((t) => log(`host image: ${t}`));
  const timings = { labOsMs, hostImageMs: Date.now() - started, hostImageBuilt: hostImage.lastBuild?.built ?? false };
  const server = await startSakuraTestServer({
    port: o.port,
    // time passes on its own (a person may be watching); real machines decide the rest
    tickMode: { intervalMs: 200 },
    onRequest: o.onRequest,
    machines: {
      hostImage,
      hostFiles: [
        { path: `${LAB_OS_ASSETS}/vmlinuz`, source: os.kernel },
        { path: `${LAB_OS_ASSETS}/initrd.img`, source: os.initrd },
        { path: `${LAB_OS_ASSETS}/${IMAGE_NAME}`, source: os.image },
      ],
      log,
    },
  });
  return {
    server,
    env: { SAKURA_API_ROOT_URL: server.rootUrl, SAKURA_ACCESS_TOKEN: server.credentials.accessToken, SAKURA_ACCESS_TOKEN_SECRET: server.credentials.accessTokenSecret },
    timings,
    close: () => server.close(),
  };
}
