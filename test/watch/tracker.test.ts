import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/core/errors";
import type { StageEvent, StuckEvent, WatchEvent } from "../../src/watch/events";
import type { Stage } from "../../src/watch/lifecycle";
import { parseLine } from "../../src/watch/parse";
import type { LogLine, RegisteredNode } from "../../src/watch/ports";
import { Tracker, type TrackerOptions } from "../../src/watch/tracker";
import { type Machine, type Message, formatLine, installSteps, machine, renderSteps } from "../support/boot-lines";

const T0 = Date.parse("2026-11-22T22:00:00Z");
const A = machine(1);
const B = machine(2, "uefi");

function setup(nodes: RegisteredNode[] = [{ name: "a", mac: A.mac }, { name: "b", mac: B.mac }], options: Partial<TrackerOptions> = {}) {
  const tracker = new Tracker(nodes, { until: "installed", ...options }, T0);
  const events: WatchEvent[] = [];
  const feed = (lines: Array<LogLine | { line: LogLine }>) => {
    // each line received the instant it was logged: the host's clock is ours
    for (const l of lines) {
      const line = "line" in l ? l.line : l;
      events.push(...tracker.ingest(line, parseLine(line)?.at ?? T0));
    }
    return events;
  };
  const stages = (node = "a") => events.filter((e): e is StageEvent => e.type === "stage" && e.node === node).map((e) => e.stage);
  const stageOf = (node = "a") => tracker.views(T0).find((v) => v.node === node)!.stage;
  return { tracker, events, feed, stages, stageOf };
}

const log = (program: Message["program"], text: string, at: number) => formatLine({ program, text }, at, "journal-json");
const steps = (m: Machine, upTo: Stage, t0 = T0, stepMs = 10_000) => {
  const all = installSteps(m);
  return renderSteps(m, all.slice(0, all.findIndex((s) => s.stage === upTo) + 1), t0, stepMs, "journal-json");
};

describe("a whole install", () => {
  it.each(["bios", "uefi", "ipxe-rom"] as const)("%s: every stage in order, each stamped with its duration", (firmware) => {
    const m = machine(1, firmware);
    const { feed, stages, tracker } = setup([{ name: "a", mac: m.mac }]);
    feed(steps(m, "installed"));
    const path: Stage[] = ["dhcp", "boot-file", "ipxe", "kernel", "initrd", "install-config", "installing", "installed-config", "rebooting", "installed"];
    expect(stages()).toEqual(firmware === "ipxe-rom" ? path.filter((s) => s !== "boot-file") : path);
    expect(tracker.settled()).toBe("reached");
    const view = tracker.views(T0 + 200_000)[0]!;
    expect(view).toMatchObject({ ip: m.ip, reached: true, stuck: undefined });
    expect(view.spans.find((s) => s.stage === "kernel")?.durationMs).toBe(10_000);
  });

  it("does the same from every line form, MAC spelling included", () => {
    for (const format of ["journal-json", "journal", "file"] as const) {
      for (const spelling of ["hexhyp", "url-encoded", "upper"] as const) {
        const m = machine(1, "bios", spelling);
        const { feed, stageOf } = setup([{ name: "a", mac: m.mac }]);
        feed(renderSteps(m, installSteps(m), T0, 10_000, format));
        expect(stageOf(), `${format} ${spelling}`).toBe("installed");
      }
    }
  });

  it("ignores a replay of every line: duplicates are no-ops", () => {
    const { feed, events } = setup();
    const lines = steps(A, "installed");
    feed(lines);
    const before = events.length;
    feed(lines);
    expect(events.length).toBe(before);
  });

  it("ignores a late firmware DHCP line instead of restarting the boot", () => {
    const { feed, stageOf, stages } = setup();
    const lines = steps(A, "ipxe");
    const firstDhcp = lines.find((l) => l.line.text.includes("DHCPDISCOVER"))!;
    feed(lines);
    feed([firstDhcp]);
    expect(stageOf()).toBe("ipxe");
    expect(stages()).toEqual(["dhcp", "boot-file", "ipxe"]);
  });

  it("reads a dnsmasq without --log-dhcp: no xid, so firmware until the kernel, an OS after", () => {
    const { feed, stages } = setup();
    const k = (text: string, at: number): LogLine => ({ origin: "dnsmasq", text: `dnsmasq-dhcp[1]: ${text}`, receivedAt: at });
    feed([
      k(`DHCPDISCOVER(v0) ${A.mac} `, T0 + 1000),
      k(`DHCPACK(v0) ${A.ip} ${A.mac} `, T0 + 1001),
      { origin: "dnsmasq", text: `dnsmasq-tftp[1]: sent /srv/tftp/undionly.kpxe to ${A.ip}`, receivedAt: T0 + 2000 },
      log("matchbox", `HTTP GET /ipxe?mac=${A.mac}`, T0 + 3000),
      log("matchbox", `HTTP GET /ignition?mac=${A.mac}`, T0 + 4000),
      k(`DHCPDISCOVER(v0) ${A.mac} `, T0 + 5000),
      log("matchbox", `HTTP GET /ignition?mac=${A.mac}&os=installed`, T0 + 6000),
      k(`DHCPRELEASE(v0) ${A.ip} ${A.mac} `, T0 + 7000),
      k(`DHCPDISCOVER(v0) ${A.mac} `, T0 + 8000),
    ]);
    expect(stages()).toEqual(["dhcp", "boot-file", "ipxe", "install-config", "installing", "installed-config", "rebooting", "installed"]);
  });

  it("reads proxy-DHCP's PXE lines as the firmware's request", () => {
    const { feed, stageOf } = setup();
    feed([log("dnsmasq-dhcp", "3327755375 vendor class: PXEClient:Arch:00000:UNDI:002001", T0 + 1), log("dnsmasq-dhcp", `3327755375 PXE(v0) ${A.mac} proxy`, T0 + 2)]);
    expect(stageOf()).toBe("dhcp");
  });
});

describe("behind a proxy DHCP", () => {
  // another server leases the addresses: the installed system's own request never reaches the host
  const reboot = (t: number) => [
    log("dnsmasq-dhcp", "3327755376 vendor class: PXEClient:Arch:00000:UNDI:002001", t),
    log("dnsmasq-dhcp", `3327755376 PXE(v0) ${A.mac} proxy`, t + 1),
    log("matchbox", "HTTP GET /boot.ipxe", t + 1000),
    log("matchbox", `HTTP GET /ipxe?mac=${A.mac}`, t + 1100),
  ];

  it("takes matchbox sending the rebooted node to its disk as installed", () => {
    const { feed, stages, tracker } = setup([{ name: "a", mac: A.mac }], { installedOnBootScript: true });
    feed(steps(A, "installed-config"));
    feed(reboot(T0 + 100_000));
    expect(stages().slice(-3)).toEqual(["installed-config", "rebooting", "installed"]);
    expect(tracker.settled()).toBe("reached");
  });

  it("without that, the same lines leave the node rebooting", () => {
    const { feed, stageOf } = setup([{ name: "a", mac: A.mac }]);
    feed(steps(A, "installed-config"));
    feed(reboot(T0 + 100_000));
    expect(stageOf()).toBe("rebooting");
  });
});

describe("reboots, reinstalls and loops", () => {
  it("a machine that network-boots first after the install is rebooting, then installed", () => {
    const { feed, stages } = setup();
    const t = T0 + 100_000;
    feed(steps(A, "installed-config"));
    feed(renderSteps(A, installSteps(A).slice(0, 3), t, 1000, "journal-json")); // firmware DHCP, TFTP, iPXE
    feed(renderSteps(A, installSteps(A).slice(-1), t + 5000, 1000, "journal-json")); // the disk's OS
    expect(stages().slice(-3)).toEqual(["installed-config", "rebooting", "installed"]);
  });

  it("UEFI HTTP boot's DHCP request after the install is the firmware rebooting, not the installed system", () => {
    const { feed, stages } = setup();
    const t = T0 + 100_000;
    feed(steps(A, "installed-config"));
    feed(renderSteps(A, installSteps(A).slice(0, 1), t, 1000, "journal-json")); // firmware DHCP: rebooting
    feed([log("dnsmasq-dhcp", "4242 vendor class: HTTPClient:Arch:00016:UNDI:003001", t + 2000), log("dnsmasq-dhcp", `4242 DHCPDISCOVER(eth1) ${A.mac}`, t + 2000)]);
    expect(stages().slice(-2)).toEqual(["installed-config", "rebooting"]);
    feed(renderSteps(A, installSteps(A).slice(-1), t + 5000, 1000, "journal-json")); // the disk's OS
    expect(stages().at(-1)).toBe("installed");
  });

  it("an install config fetched again before the node booted its disk is an install loop: the node fails", () => {
    const { feed, events, tracker } = setup([{ name: "a", mac: A.mac }]);
    feed(steps(A, "installed-config"));
    feed(renderSteps(A, installSteps(A).slice(0, 6), T0 + 200_000, 1000, "journal-json"));
    const stuck = events.filter((e): e is StuckEvent => e.type === "stuck");
    expect(stuck.map((e) => [e.cause, e.fatal])).toEqual([["install-loop", true]]);
    expect(stuck[0]!.message).toMatch(/fetched 2 times/);
    expect(tracker.settled()).toBeUndefined(); // stuck, not failed yet: someone may fix it
    tracker.tick(stuck[0]!.at + 60_000);
    expect(tracker.settled()).toBe("failed");
  });

  it("an installed node that fetches the install config again is a reinstall, in a new boot cycle", () => {
    const { feed, events, tracker } = setup([{ name: "a", mac: A.mac, stage: "installed" }]);
    expect(tracker.settled()).toBe("reached");
    feed(steps(A, "install-config", T0 + 1000));
    const stageEvents = events.filter((e): e is StageEvent => e.type === "stage");
    expect(stageEvents[0]).toMatchObject({ from: "installed", stage: "dhcp", move: "restart", cycle: 2 });
    expect(stageEvents.at(-1)).toMatchObject({ stage: "install-config", note: "reinstall" });
    expect(events.some((e) => e.type === "stuck")).toBe(false);
  });

  it("a machine that fails mid-install and PXE-boots again starts a new cycle", () => {
    const { feed, events } = setup();
    feed(steps(A, "kernel"));
    feed(steps(A, "dhcp", T0 + 100_000));
    expect(events.at(-1)).toMatchObject({ type: "stage", from: "kernel", stage: "dhcp", move: "restart", cycle: 2 });
  });
});

describe("requests without a MAC", () => {
  it("are attributed to the only machine that can have sent them", () => {
    const { feed, stages } = setup();
    feed(steps(A, "initrd"));
    expect(stages()).toContain("kernel");
  });

  it("are not attributed while two machines could have sent them", () => {
    const { feed, stageOf } = setup();
    const a = steps(A, "ipxe");
    const b = steps(B, "ipxe", T0 + 1);
    feed([...a, ...b].sort((x, y) => x.at - y.at));
    feed([log("matchbox", "HTTP GET /assets/flatcar/1/flatcar_production_pxe.vmlinuz", T0 + 40_000)]);
    expect([stageOf("a"), stageOf("b")]).toEqual(["ipxe", "ipxe"]);
  });

  it("skip a machine stuck in that stage for long", () => {
    const { feed, stageOf } = setup();
    feed(steps(A, "ipxe"));
    feed(steps(B, "ipxe", T0 + 3_600_000));
    feed([log("matchbox", "HTTP GET /assets/flatcar/1/flatcar_production_pxe.vmlinuz", T0 + 3_640_000)]);
    expect([stageOf("a"), stageOf("b")]).toEqual(["ipxe", "kernel"]);
  });
});

describe("stuck nodes", () => {
  const minutes = (n: number) => n * 60_000;
  const stuckOf = (events: WatchEvent[]) => events.filter((e): e is StuckEvent => e.type === "stuck").map((e) => [e.node, e.cause, e.fatal]);

  it("fail when the boot file is not found and nothing moves for a minute", () => {
    const { feed, events, tracker } = setup([{ name: "b", mac: B.mac }]);
    feed(steps(B, "dhcp"));
    feed([log("dnsmasq-tftp", `file /var/lib/tftpboot/ipxe.efi not found for ${B.ip}`, T0 + 20_000)]);
    expect(stuckOf(events)).toEqual([["b", "boot-file-missing", true]]);
    tracker.tick(T0 + 20_000 + 59_000);
    expect(tracker.settled()).toBeUndefined();
    tracker.tick(T0 + 20_000 + 60_000);
    expect(tracker.settled()).toBe("failed");
  });

  it("fail when matchbox has no group for the MAC, and recover when the node moves on", () => {
    const { feed, events, tracker } = setup([{ name: "a", mac: A.mac }]);
    feed(steps(A, "initrd"));
    feed([log("matchbox", `time="x" level=info msg="No matching group" labels="map[mac:${A.mac} uuid:]"`, T0 + 60_000)]);
    expect(stuckOf(events)).toEqual([["a", "no-matching-group", true]]);
    expect(tracker.views(T0)[0]!.stuck?.message).toBe(`matchbox: No matching group (mac=${A.mac})`);
    feed([log("matchbox", `HTTP GET /ignition?mac=${A.mac}`, T0 + 90_000)]);
    expect(tracker.views(T0)[0]!.stuck).toBeUndefined();
    expect(tracker.settled()).toBeUndefined();
  });

  describe("on the Secure Boot chain (shim, GRUB over TFTP)", () => {
    const tftp = (file: string, at: number) => log("dnsmasq-tftp", `sent /var/lib/tftpboot/${file} to ${B.ip}`, at);
    const upToDhcp = () => {
      const t = setup([{ name: "b", mac: B.mac }]);
      t.feed(steps(B, "dhcp"));
      return t;
    };

    it("follows shim, GRUB, the node's GRUB config, the kernel and the initrd as stages; shim's and GRUB's optional files are not missing", () => {
      const { feed, stages, events } = upToDhcp();
      feed([tftp("shimx64.efi", T0 + 20_000)]);
      feed([log("dnsmasq-tftp", `file /var/lib/tftpboot/revocations_sbat.efi not found for ${B.ip}`, T0 + 21_000)]);
      feed([log("dnsmasq-tftp", `file /var/lib/tftpboot/shim_certificate_0.efi not found for ${B.ip}`, T0 + 21_000)]);
      feed([tftp("grubx64.efi", T0 + 30_000)]);
      feed([log("dnsmasq-tftp", `file /var/lib/tftpboot/grub/x86_64-efi/command.lst not found for ${B.ip}`, T0 + 31_000)]);
      feed([tftp("grub/grub.cfg", T0 + 31_000), tftp(`grub/nodes/${B.mac}.cfg`, T0 + 32_000)]);
      feed([tftp("assets/flatcar/1/flatcar_production_pxe.vmlinuz", T0 + 40_000), tftp("assets/flatcar/1/flatcar_production_pxe_image.cpio.gz", T0 + 50_000)]);
      expect(stages("b")).toEqual(["dhcp", "boot-file", "grub", "grub-config", "kernel", "initrd"]);
      expect(stuckOf(events)).toEqual([]);
    });

    it("fail when GRUB finds no config for the machine", () => {
      const { feed, events } = upToDhcp();
      feed([tftp("shimx64.efi", T0 + 20_000), tftp("grubx64.efi", T0 + 30_000)]);
      feed([log("dnsmasq-tftp", `file /var/lib/tftpboot/grub/nodes/${B.mac}.cfg not found for ${B.ip}`, T0 + 31_000)]);
      expect(stuckOf(events)).toEqual([["b", "no-grub-config", true]]);
    });

    it("fail when GRUB's kernel is not in matchbox's assets", () => {
      const { feed, events } = upToDhcp();
      feed([tftp("shimx64.efi", T0 + 20_000), tftp("grubx64.efi", T0 + 30_000), tftp(`grub/nodes/${B.mac}.cfg`, T0 + 31_000)]);
      feed([log("dnsmasq-tftp", `file /var/lib/tftpboot/assets/flatcar/1/flatcar_production_pxe.vmlinuz not found for ${B.ip}`, T0 + 32_000)]);
      expect(stuckOf(events)).toEqual([["b", "boot-file-missing", true]]);
    });

    it("name Secure Boot when UEFI firmware fetched unsigned iPXE and went on to its next boot option", () => {
      const { feed, tracker } = upToDhcp();
      feed([tftp("ipxe.efi", T0 + 20_000)]);
      // the firmware refused it (Access Denied on its console) and tries UEFI HTTP boot: a new DHCP exchange
      feed(steps(B, "dhcp", T0 + 23_000));
      const [e] = tracker.tick(T0 + 23_000 + minutes(2) + 1000);
      expect(e).toMatchObject({ type: "stuck", cause: "secure-boot-refused", fatal: false });
      expect((e as StuckEvent).message).toBe("UEFI firmware fetched ipxe.efi but iPXE never started (the firmware went on to its next boot option): with Secure Boot on, the firmware refuses Debian's unsigned iPXE");
    });

    it("name Secure Boot when shim never asks for GRUB, or GRUB's kernel never comes up", () => {
      const shim = upToDhcp();
      shim.feed([tftp("shimx64.efi", T0 + 20_000)]);
      expect(shim.tracker.tick(T0 + 20_000 + minutes(2) + 1000)).toMatchObject([{ cause: "secure-boot-refused", message: expect.stringContaining("never asked for GRUB") as string }]);
      const kernel = upToDhcp();
      kernel.feed([tftp("shimx64.efi", T0 + 20_000), tftp("grubx64.efi", T0 + 30_000), tftp(`grub/nodes/${B.mac}.cfg`, T0 + 31_000), tftp("assets/lab/vmlinuz", T0 + 40_000)]);
      expect(kernel.tracker.tick(T0 + 40_000 + minutes(2) + 1000)).toMatchObject([{ cause: "secure-boot-refused", message: expect.stringContaining("refused a kernel not signed") as string }]);
    });
  });

  it("explain a boot file that does not suit the firmware after a quiet spell", () => {
    const { feed, tracker } = setup([{ name: "b", mac: B.mac }]);
    feed(renderSteps(B, [{ stage: "dhcp", attributable: true, messages: installSteps({ ...B, firmware: "uefi" })[0]!.messages.map((m) => ({ ...m, text: m.text.replace("ipxe.efi", "undionly.kpxe") })) }], T0, 1000, "journal-json"));
    expect(tracker.tick(T0 + minutes(1))).toEqual([]);
    const [e] = tracker.tick(T0 + minutes(2) + 1000);
    expect(e).toMatchObject({ type: "stuck", cause: "no-boot-file-request", fatal: false });
    expect((e as StuckEvent).message).toBe("the client (arch 7, wants ipxe.efi (UEFI x86-64)) was offered undionly.kpxe but never fetched it over TFTP: that file does not suit its firmware");
    expect(tracker.tick(T0 + minutes(3))).toEqual([]); // reported once
  });

  it.each([
    ["boot-file", "no-ipxe", /was sent but iPXE never asked/],
    ["dhcp", "no-boot-file-request", /offered undionly.kpxe but never fetched it over TFTP$/],
  ] as const)("in %s: %s", (stage, cause, message) => {
    const { feed, tracker } = setup();
    feed(steps(A, stage));
    expect(tracker.tick(T0 + minutes(3))).toMatchObject([{ cause, message: expect.stringMatching(message) }]);
  });

  it("in ipxe without a script fetched: no-ipxe-script, naming the URL iPXE was given", () => {
    const { feed, tracker } = setup();
    const lines = steps(A, "ipxe").filter((l) => !l.line.text.includes("HTTP GET"));
    feed(lines);
    expect(tracker.tick(T0 + minutes(3))).toMatchObject([{ cause: "no-ipxe-script", message: "iPXE got an address but never fetched its script from matchbox (offered http://matchbox.example.com:8080/boot.ipxe)" }]);
  });

  it("after the configured quiet spell in any stage, and never once done", () => {
    const { feed, tracker } = setup([{ name: "a", mac: A.mac }, { name: "c", mac: machine(3).mac }], { stuck: { bootStepMs: minutes(2), stallMs: minutes(5) } });
    feed(steps(A, "installing"));
    const events = tracker.tick(T0 + minutes(6) + 1000);
    expect(stuckOf([...events])).toEqual([["a", "no-progress", false], ["c", "no-progress", false]]);
    expect((events[1] as StuckEvent).hint).toMatch(/powered on/);
    feed(renderSteps(A, installSteps(A).slice(-3), T0 + minutes(7), 1000, "journal-json"));
    expect(tracker.tick(T0 + minutes(60)).map((e) => (e as StuckEvent).node)).toEqual([]);
  });
});

describe("machines and signals", () => {
  it("reports an unregistered MAC once, with the registered one it may be a typo of", () => {
    const { feed, events } = setup();
    const typo = { ...A, mac: A.mac.replace(/1$/, "7") };
    feed(steps(typo, "ipxe"));
    expect(events.filter((e) => e.type === "unknown-mac")).toEqual([
      { type: "unknown-mac", at: expect.any(Number), mac: typo.mac, evidence: "DHCPDISCOVER (PXE firmware)", suggestion: { node: "a", mac: A.mac } },
    ]);
  });

  it("reports matchbox misses that name no MAC as notices, once", () => {
    const { feed, events } = setup();
    const miss = log("matchbox", 'time="x" level=info msg="No matching group" labels="map[os:installed]"', T0);
    feed([miss, miss]);
    expect(events).toEqual([{ type: "notice", at: T0, message: "matchbox: No matching group (os=installed)" }]);
  });

  it("takes the cloud's power state as an edge, not a level", () => {
    const { tracker, stageOf, feed } = setup();
    expect(tracker.signal({ kind: "power", node: "a", state: "on", at: T0 + 1 })).toMatchObject([{ stage: "powered-on" }]);
    feed(steps(A, "dhcp", T0 + 1000));
    expect(tracker.signal({ kind: "power", node: "a", state: "on", at: T0 + 5000 })).toEqual([]); // a poll lagging behind the logs
    tracker.signal({ kind: "power", node: "a", state: "off", at: T0 + 6000 });
    expect(tracker.signal({ kind: "power", node: "a", state: "on", at: T0 + 7000 })).toMatchObject([{ stage: "powered-on", move: "restart", cycle: 2 }]);
    expect(stageOf()).toBe("powered-on");
  });

  it("takes readiness only from an installed node", () => {
    const { tracker, feed } = setup([{ name: "a", mac: A.mac }], { until: "ready" });
    feed(steps(A, "installing"));
    expect(tracker.signal({ kind: "ready", node: "a", at: T0 + 200_000 })).toEqual([]);
    feed(renderSteps(A, installSteps(A).slice(-3), T0 + 300_000, 1000, "journal-json"));
    expect(tracker.settled()).toBeUndefined();
    expect(tracker.signal({ kind: "ready", node: "a", at: T0 + 400_000 })).toMatchObject([{ stage: "ready" }]);
    expect(tracker.settled()).toBe("reached");
  });

  it("compares probes and ticks with the logs on the host's clock, however far off ours is", () => {
    for (const skew of [-20 * 60_000, 20 * 60_000]) {
      const tracker = new Tracker([{ name: "a", mac: A.mac }], { until: "ready", stuck: { bootStepMs: 60_000, stallMs: 10 * 60_000 } }, T0);
      // lines carry the host's time; we receive each 50 ms after it was logged, on our clock
      for (const l of steps(A, "installed")) tracker.ingest(l.line, l.at - skew + 50);
      const lastOurs = T0 + 10 * 10_000 - skew;
      expect(tracker.tick(lastOurs + 2 * 60_000), `skew ${skew}`).toEqual([]);
      expect(tracker.signal({ kind: "ready", node: "a", at: lastOurs + 3 * 60_000 }), `skew ${skew}`).toMatchObject([{ stage: "ready" }]);
    }
  });

  it("reports only the watched nodes and settles on them alone", () => {
    const { feed, events, tracker } = setup(undefined, { watch: ["b"] });
    feed(steps(A, "installed"));
    expect(events.filter((e) => e.type === "stage")).toEqual([]);
    feed(steps(B, "installed"));
    expect(tracker.settled()).toBe("reached");
  });

  it("refuses a node name nobody registered, with a did-you-mean", () => {
    expect(() => setup(undefined, { watch: ["aa"] })).toThrow(NotFoundError);
    expect(() => setup([{ name: "node1", mac: A.mac }], { watch: ["nod1"] })).toThrow(/no node named "nod1"/);
    try {
      setup([{ name: "node1", mac: A.mac }], { watch: ["nod1"] });
    } catch (e) {
      expect((e as NotFoundError).hint).toBe('did you mean "node1"?');
    }
  });
});

describe("the journal the follower reads", () => {
  it("follows exactly the units the installer creates", async () => {
    const { UNITS } = await import("../../src/remote/installer/paths");
    const { DEFAULT_UNITS } = await import("../../src/watch/journal");
    expect([...DEFAULT_UNITS].sort()).toEqual([UNITS.dnsmasq, UNITS.matchbox].sort());
  });
});
