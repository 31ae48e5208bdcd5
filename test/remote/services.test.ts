// The live-system side of settling services, which needs systemd as PID 1: a scripted host
// plays systemctl. Restarts are checked to stay up (a unit that crash-loops after a
// "successful" restart counts as failed), and a failed unit gets its previous files back.
import { describe, expect, it } from "vitest";
import { RemoteError } from "../../src/core/errors";
import { settleServices } from "../../src/remote/installer/services";
import { Target } from "../../src/remote/installer/target";
import { FakeClock } from "../support/clock";
import { ScriptedHost } from "../support/scripted-host";

const show = (active: string, sub: string, restarts: number) => ({ stdout: `ActiveState=${active}\nSubState=${sub}\nNRestarts=${restarts}\n` });
const restores = (host: ScriptedHost) => host.commands.filter((c) => c.startsWith("if [ -e ")).map((c) => [...c.matchAll(/mv -f -- (\S+) (\S+);/g)].map((m) => m[2]));
const drops = (host: ScriptedHost) => host.commands.filter((c) => c.startsWith("rm -f -- ")).map((c) => c.slice("rm -f -- ".length));

describe("settleServices on a live host", () => {
  it("restarts what changed, waits until it stays up, starts what is down, then drops the old files", async () => {
    const host = new ScriptedHost()
      .on(/^systemctl is-enabled/, { stdout: "enabled\n" })
      .on(/^systemctl is-active pxectl-dnsmasq/, { stdout: "inactive\n", exitCode: 3 })
      .on(/^systemctl show .* matchbox\.service/, show("active", "running", 0))
      .on(/^systemctl show .* pxectl-dnsmasq\.service/, show("active", "running", 0))
      .on(/^systemctl (daemon-reload|restart)/, {})
      .on(/^rm -f -- /, {});
    const result = await settleServices(
      new Target(host),
      [
        { unit: "matchbox.service", changedFiles: ["/etc/systemd/system/matchbox.service", "/etc/matchbox/server.key"] },
        { unit: "pxectl-dnsmasq.service", changedFiles: [] },
      ],
      true,
      new FakeClock(),
    );
    expect(result.details).toEqual(["reloaded systemd's unit files", "restarted matchbox.service: new matchbox.service, server.key", "restarted pxectl-dnsmasq.service: it was not running"]);
    expect(host.commands.filter((c) => /restart|reload/.test(c))).toEqual(["systemctl daemon-reload", "systemctl restart matchbox.service", "systemctl restart pxectl-dnsmasq.service"]);
    expect(drops(host)).toEqual(["/etc/systemd/system/.matchbox.service.pxectl-prev /etc/systemd/system/.matchbox.service.pxectl-absent /etc/matchbox/.server.key.pxectl-prev /etc/matchbox/.server.key.pxectl-absent"]);
  });

  it("puts the previous files back when the unit crash-loops after its restart", async () => {
    let checks = 0;
    const host = new ScriptedHost()
      .on(/^systemctl is-enabled/, { stdout: "enabled\n" })
      // restart "succeeds", then the unit dies and Restart=on-failure keeps bringing it back
      .on(/^systemctl show/, () => (++checks % 2 === 1 ? show("active", "running", checks) : show("activating", "auto-restart", checks)))
      .on(/^journalctl -u matchbox\.service/, { stdout: "matchbox[1]: Provide a valid TLS server certificate\n" })
      .on(/^if \[ -e /, {})
      .on(/^systemctl (daemon-reload|restart)/, {});
    const clock = new FakeClock();
    const files = ["/usr/local/bin/matchbox", "/etc/matchbox/server.crt"];
    const error = await settleServices(new Target(host), [{ unit: "matchbox.service", changedFiles: files }], false, clock).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toBe("matchbox.service did not run with its new files on root@scripted:22; the previous files were put back");
    expect((error as RemoteError).hint).toMatch(/journalctl -u matchbox.service/);
    expect(restores(host)).toEqual([files]);
    expect(host.commands.slice(-4, -3)[0]).toBe("journalctl -u matchbox.service -n 20 --no-pager 2>&1 || true");
    expect(host.commands.slice(-2)).toEqual(["systemctl daemon-reload", "systemctl restart matchbox.service"]);
    expect(drops(host)).toEqual([]);
    expect(clock.now() - Date.parse("2026-11-22T00:00:00Z")).toBeGreaterThanOrEqual(30_000);
  });

  it("fails at once when the unit enters the failed state", async () => {
    const host = new ScriptedHost()
      .on(/^systemctl is-enabled/, { stdout: "disabled\n", exitCode: 1 })
      .on(/^systemctl enable/, {})
      .on(/^systemctl show/, show("failed", "failed", 0))
      .on(/^journalctl/, {})
      .on(/^if \[ -e /, {})
      .on(/^systemctl (daemon-reload|restart)/, {});
    await expect(settleServices(new Target(host), [{ unit: "pxectl-nat.service", changedFiles: ["/etc/pxectl/nat.nft"] }], false, new FakeClock())).rejects.toThrow("pxectl-nat.service did not run with its new files");
    expect(host.commands).toContain("systemctl enable pxectl-nat.service");
    expect(restores(host)).toEqual([["/etc/pxectl/nat.nft"]]);
  });
});
