// The programs that judge generated files before they are activated: dnsmasq --test,
// nft -c (in a throwaway network namespace, so the check neither reads nor touches the
// live ruleset) and systemd-analyze verify (on a folder holding only our units, so a
// same-named live drop-in cannot hide a bad new one).
import { posix } from "node:path";
import { RemoteError } from "../../core/errors";
import { quote, quoteAll } from "../shell";
import type { Validator } from "./files";
import type { Target } from "./target";

/** dnsmasqTest checks a dnsmasq configuration file with `dnsmasq --test -C`. */
export function dnsmasqTest(target: Target, path: string): Validator {
  return async (files) => {
    const file = files.get(path)!;
    const result = await target.run(`dnsmasq --test -C ${quote(file)} 2>&1`, { label: `dnsmasq --test -C ${path}`, okExitCodes: [0, 1] });
    if (result.exitCode !== 0) throw refused(target, path, "dnsmasq --test", result.stdout.replaceAll(file, path));
  };
}

/** nftCheck checks an nftables script with `nft -c -f` in a new network namespace. */
export function nftCheck(target: Target, path: string): Validator {
  return async (files) => {
    const file = files.get(path)!;
    const result = await target.run(`unshare --net nft -c -f ${quote(file)} 2>&1`, { label: `nft -c -f ${path}`, okExitCodes: [0, 1] });
    if (result.exitCode !== 0) throw refused(target, path, "nft -c", result.stdout.replaceAll(file, path));
  };
}

/**
 * systemdVerify checks units and their drop-ins with `systemd-analyze verify`. The files
 * are laid out in a fresh unit folder named by SYSTEMD_UNIT_PATH; under a root prefix,
 * --root makes ExecStart= programs resolve inside the prefix. Warnings about our own files
 * (an unknown key is only a warning to systemd) fail the check too. --man=no: a host
 * without man-db (Debian's minimal images) would fail Documentation=man:… otherwise.
 */
export function systemdVerify(target: Target, units: readonly string[]): Validator {
  return async (files) => {
    const folder = (await target.run(`mkdir -p ${quote(target.path("/var/tmp"))} && mktemp -d ${quote(target.path("/var/tmp/pxectl-verify.XXXXXX"))}`, { label: "mktemp" })).stdout.trim();
    try {
      const copies = [...files].map(([path, hostPath]) => {
        const dropIn = posix.basename(posix.dirname(path));
        const into = dropIn.endsWith(".d") ? posix.join(folder, dropIn) : folder;
        return { path, copy: posix.join(into, posix.basename(path)), command: `mkdir -p ${quote(into)} && cp -- ${quote(hostPath)} ${quote(posix.join(into, posix.basename(path)))}` };
      });
      await target.run(copies.map((c) => c.command).join("\n"), { label: "lay out units for systemd-analyze" });
      const unitPath = target.live ? folder : "/" + posix.relative(target.root, folder);
      const root = target.live ? "" : ` --root=${quote(target.root)}`;
      const result = await target.run(`SYSTEMD_UNIT_PATH=${quote(unitPath)} systemd-analyze verify${root} --recursive-errors=no --man=no ${quoteAll(units)} 2>&1`, {
        label: `systemd-analyze verify ${units.join(" ")}`,
        okExitCodes: [0, 1],
      });
      const ours = result.stdout.split("\n").filter((line) => line.includes(folder) || units.some((u) => line.startsWith(`${u}:`)));
      if (result.exitCode !== 0 || ours.length > 0) {
        // name the files as they will be called, not by their throwaway copies
        const output = copies.reduce((text, c) => text.replaceAll(c.copy, c.path), (ours.length > 0 ? ours : result.stdout.split("\n")).join("\n"));
        throw refused(target, units.join(" "), "systemd-analyze verify", output);
      }
    } finally {
      await target.run(`rm -rf -- ${quote(folder)}`, { label: `remove ${folder}` });
    }
  };
}

function refused(target: Target, what: string, checker: string, output: string): RemoteError {
  const lines = output
    .split("\n")
    .map((l) => l.trim().replace(/\.$/, ""))
    .filter((l) => l !== "" && !/syntax check OK/.test(l));
  // nft echoes the offending line and underlines it; the lines that say "error" are the message
  const errors = lines.filter((l) => /error/i.test(l));
  const shown = (errors.length > 0 ? errors : lines).slice(-3).join(" | ") || "no details";
  return new RemoteError(`${checker} refused the new ${what} on ${target.host.label}: ${shown}; it was not activated`, {
    hint: "the previous version is still in place; check the network and matchbox settings in pxectl.yaml (the run log has the checker's output)",
  });
}
