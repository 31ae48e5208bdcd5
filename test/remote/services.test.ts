// The live-system side of settling services, which needs systemd as PID 1: a scripted host
// plays systemctl. Restarts are checked to stay up (a unit that crash-loops after a
// "successful" restart counts as failed), and a failed unit gets its previous files back.
import { describe, expect, it } from "vitest";
import { RemoteError } from "../../src/core/errors";
import type { Activated } from "../../src/remote/installer/files";
import { settleServices } from "../../src/remote/installer/services";
import { Target } from "../../src/remote/installer/target";
import { FakeClock } from "../support/clock";
import { ScriptedHost } from "../support/scripted-host";

function activation(log: string[], name: string): Activated {
  return { paths: [name], rollback: () => Promise.resolve(void log.push(`rollback ${name}`)), finish: () => Promise.resolve(void log.push(`finish ${name}`)) };
}

const show = (active: string, sub: string, restarts: number) => ({ stdout: `ActiveState=${active}\nSubState=${sub}\nNRestarts=${restarts}\n` });

describe("settleServices on a live host", () => {
  it("restarts what changed, waits until it stays up, starts what is down, then drops the old files", async () => {
    const host = new ScriptedHost()
      .on(/^systemctl is-enabled/, { stdout: "enabled\n" })
      .on(/^systemctl is-active pxectl-dnsmasq/, { stdout: "inactive\n", exitCode: 3 })
      .on(/^systemctl show .* matchbox\.service/, show("active", "running", 0))
      .on(/^systemctl show .* pxectl-dnsmasq\.service/, show("active", "running", 0))
      .on(/^systemctl (daemon-reload|restart)/, {});
    const log: string[] = [];
    const result = await settleServices(
      new Target(host),
      [
        { unit: "matchbox.service", reasons: ["its unit changed"], activations: [activation(log, "unit")] },
        { unit: "pxectl-dnsmasq.service", reasons: [], activations: [] },
      ],
      true,
      new FakeClock(),
    );
    expect(result.details).toEqual(["reloaded systemd's unit files", "restarted matchbox.service: its unit changed", "restarted pxectl-dnsmasq.service: it was not running"]);
    expect(host.commands.filter((c) => /restart|reload/.test(c))).toEqual(["systemctl daemon-reload", "systemctl restart matchbox.service", "systemctl restart pxectl-dnsmasq.service"]);
    expect(log).toEqual(["finish unit"]);
  });

  it("puts the previous files back when the unit crash-loops after its restart", async () => {
    let checks = 0;
    const host = new ScriptedHost()
      .on(/^systemctl is-enabled/, { stdout: "enabled\n" })
      // restart "succeeds", then the unit dies and Restart=on-failure keeps bringing it back
      .on(/^systemctl show/, () => (++checks % 2 === 1 ? show("active", "running", checks) : show("activating", "auto-restart", checks)))
      .on(/^journalctl -u matchbox\.service/, { stdout: "matchbox[1]: Provide a valid TLS server certificate\n" })
      .on(/^systemctl (daemon-reload|restart)/, {});
    const log: string[] = [];
    const clock = new FakeClock();
    const error = await settleServices(new Target(host), [{ unit: "matchbox.service", reasons: ["its TLS files changed"], activations: [activation(log, "tls"), activation(log, "binary")] }], false, clock).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toBe("matchbox.service did not run with its new files on root@scripted:22; the previous files were put back");
    expect((error as RemoteError).hint).toMatch(/journalctl -u matchbox.service/);
    expect(log).toEqual(["rollback binary", "rollback tls"]);
    expect(host.commands.slice(-3)).toEqual(["journalctl -u matchbox.service -n 20 --no-pager 2>&1 || true", "systemctl daemon-reload", "systemctl restart matchbox.service"]);
    expect(clock.now() - Date.parse("2026-11-22T00:00:00Z")).toBeGreaterThanOrEqual(30_000);
  });

  it("fails at once when the unit enters the failed state", async () => {
    const host = new ScriptedHost()
      .on(/^systemctl is-enabled/, { stdout: "disabled\n", exitCode: 1 })
      .on(/^systemctl enable/, {})
      .on(/^systemctl show/, show("failed", "failed", 0))
      .on(/^journalctl/, {})
      .on(/^systemctl (daemon-reload|restart)/, {});
    const log: string[] = [];
    await expect(settleServices(new Target(host), [{ unit: "pxectl-nat.service", reasons: ["its rules changed"], activations: [activation(log, "rules")] }], false, new FakeClock())).rejects.toThrow(
      "pxectl-nat.service did not run with its new files",
    );
    expect(host.commands).toContain("systemctl enable pxectl-nat.service");
    expect(log).toEqual(["rollback rules"]);
  });
});
