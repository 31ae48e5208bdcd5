// The checks on the host, over one SSH connection with the pinned key: the services, the
// HTTP API on the switch, and the mirrored Flatcar release. Under a root prefix (init
// --root) nothing runs, so the services are checked as installed and enabled instead.
import type { Context } from "../../cli/context";
import { FailedError } from "../../core/errors";
import type { Check, CheckOutcome } from "../../environment/checks";
import { httpSilence, probeMatchboxHttp } from "../../environment/matchbox-probes";
import { connectRecordedHost } from "../../environment/reach";
import { type RemoteHost, quoteAll } from "../../remote";
import { FLATCAR_FILES, HOST_PATHS, UNITS } from "../../remote/installer";
import { Target } from "../../remote/installer/target";
import type { Found } from "./local-checks";

/** HostFound adds the SSH connection the ssh check opened. */
export interface HostFound extends Found {
  host?: RemoteHost;
}

const pass = (detail: string): CheckOutcome => ({ status: "pass", detail });

function target(found: HostFound): Target {
  return new Target(found.host!, (found.state!.host?.installed_under as string | undefined) ?? "/");
}

/** unitStates asks systemctl about each unit: is-active on the host, is-enabled under a root prefix. */
async function unitStates(t: Target, units: readonly string[]): Promise<Map<string, string>> {
  const ask = t.systemctl(t.live ? "is-active" : "is-enabled");
  const script = `for u in ${quoteAll(units)}; do echo "$u $(${ask} "$u" 2>/dev/null)"; done`;
  const { stdout } = await t.run(script, { label: `systemctl ${t.live ? "is-active" : "is-enabled"} ${units.join(" ")}` });
  return new Map(stdout.trim().split("\n").map((line) => [line.split(" ")[0]!, line.split(" ")[1] || "missing"]));
}

/** checkServices passes when every unit is active (enabled, under a root prefix, where nothing runs). */
export async function checkServices(t: Target, units: readonly string[]): Promise<CheckOutcome> {
  const want = t.live ? "active" : "enabled";
  const states = await unitStates(t, units);
  const bad = units.filter((u) => states.get(u) !== want);
  if (bad.length > 0) {
    throw new FailedError(`${bad.map((u) => `${u} is ${states.get(u) ?? "missing"}`).join(", ")}${t.live ? "" : ` under ${t.root}`}`, {
      hint: `pxectl init installs and starts them again${t.live ? `; see journalctl -u ${bad[0]} on the host for why it stopped` : ""}`,
    });
  }
  return pass(t.live ? `${units.join(", ")} active` : `${units.join(", ")} enabled under ${t.root} (installed with --root: nothing runs there)`);
}

/** hostChecks are ssh, services, http and assets; ssh waits for power on SakuraCloud. */
export function hostChecks(ctx: Context, found: HostFound, o: { afterPower: boolean }): Check[] {
  return [
    {
      name: "ssh",
      needs: ["init", ...(o.afterPower ? ["power"] : [])],
      async run() {
        found.host = await connectRecordedHost(ctx, { connectAttempts: 1 });
        const key = found.state!.host?.ssh_host_key as { fingerprint?: string } | undefined;
        return pass(`${found.host.label}, host key ${key?.fingerprint ?? "?"} as pinned`);
      },
    },
    {
      name: "services",
      needs: ["ssh"],
      run: () => checkServices(target(found), [UNITS.matchbox, UNITS.dnsmasq, ...(found.project!.config.network.forward ? [UNITS.nat] : [])]),
    },
    {
      name: "http",
      needs: ["services"],
      async run() {
        const url = String(found.state!.matchbox!.http_endpoint);
        const probe = await probeMatchboxHttp(found.host!, url);
        if (!probe.answered) throw httpSilence(url, probe.reason);
        return pass(`${url} answers on the switch (asked from the host)`);
      },
    },
    {
      name: "assets",
      needs: ["ssh"],
      async run(): Promise<CheckOutcome> {
        const version = found.state!.host?.flatcar_version as string | undefined;
        if (!version) return { status: "skip", detail: "Flatcar is not mirrored on the host (init --skip-assets)", hint: "pxectl assets prefetch mirrors it" };
        const t = target(found);
        const folder = `${HOST_PATHS.matchboxAssets}/flatcar/${version}`;
        const files = FLATCAR_FILES.map((f) => t.path(`${folder}/${f.name}`));
        const { stdout } = await t.run(`for f in ${quoteAll(files)}; do [ -s "$f" ] || echo "$f"; done`, { label: `look for ${folder}` });
        const missing = stdout.split("\n").filter(Boolean);
        if (missing.length > 0) throw new FailedError(`Flatcar ${version} is incomplete on the host: ${missing.map((m) => m.split("/").pop()).join(", ")} missing`, { hint: "pxectl assets prefetch downloads it again" });
        return pass(`Flatcar ${version} in ${folder}`);
      },
    },
  ];
}
