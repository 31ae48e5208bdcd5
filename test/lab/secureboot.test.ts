// Secure Boot end to end: OVMF enforcing Secure Boot with Microsoft's keys enrolled (Debian's
// ovmf), the real signed binaries (shim by Microsoft, GRUB and the kernel by Debian) served by
// dnsmasq with the config pxectl renders, matchbox fed by pxectl, followed by pxectl watch.
// And the case Secure Boot exists for: Debian's unsigned iPXE offered to such a machine is refused.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliRun, spawnCli } from "../support/cli";
import { LAB_CACHE, MATCHBOX_TEST_SERVER, skipLab, Timings } from "../support/lab";
import { tempDir } from "../support/tempdir";

const skip = skipLab();
const dir = tempDir({}, { keep: true });
const env = { PXECTL_LAB_CACHE: LAB_CACHE };
const pxectl = (...argv: string[]): Promise<CliRun> => spawnCli(argv, { cwd: dir, env });
// the real matchbox when the team's variable names it, else the bundled test server
const MATCHBOX = process.env.PXECTL_TEST_MATCHBOX ?? MATCHBOX_TEST_SERVER;
const SIGNED = "52:54:00:70:78:01";
const UNSIGNED = "52:54:00:70:78:5b";
const GRUB_STAGES = ["dhcp", "boot-file", "grub", "grub-config", "kernel", "initrd", "install-config", "installing", "installed-config", "installed"];

interface DoneEvent {
  type: "done";
  outcome: string;
  nodes: Array<{ node: string; stage: string; reached: boolean; stuck: { cause: string; message: string } | null; stages: Array<{ stage: string; at: string }> }>;
}
interface StageEvent {
  type: string;
  node: string;
  stage: string;
  evidence: string;
}

const events = (r: CliRun) => r.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as StageEvent | DoneEvent);
const consoleOf = (mac: string) => readFileSync(join(dir, ".pxectl/lab/vms", `${mac.replaceAll(":", "")}.console.log`), "latin1");
const ok = (r: CliRun) => expect(r, r.stderr).toMatchObject({ exitCode: 0 });
const timings = new Timings("secure boot lab timings");
afterAll(async () => {
  if (skip) return;
  await pxectl("lab", "down");
  rmSync(dir, { recursive: true, force: true });
  timings.print();
});

describe.skipIf(skip)("Secure Boot in the boot lab", () => {
  it("installs a Secure Boot VM through shim and GRUB, and it boots its disk through them too", { timeout: 900_000 }, async () => {
    ok(await timings.time("lab up", () => pxectl("lab", "up", "--firmware", "uefi-secure", "--vms", "1", "--matchbox-binary", MATCHBOX)));
    // dnsmasq tags the node for shim; GRUB gets matchbox's /grub answer for it over TFTP
    expect(readFileSync(join(dir, ".pxectl/lab/dnsmasq.conf"), "utf8")).toContain("dhcp-boot=tag:!ipxe,tag:efi64,tag:pxectl-grub,shimx64.efi");
    const render = await pxectl("profile", "render", "--mac", SIGNED, "--grub");
    ok(render);
    expect(render.stdout).toContain(`linuxefi "/assets/lab/vmlinuz" initrd=initrd.img 'pxectl.config_url=http://10.254.0.1:8080/ignition?uuid=&mac=${SIGNED.replaceAll(":", "-")}'`);
    expect(readFileSync(join(dir, ".pxectl/lab/tftp/grub/nodes", `${SIGNED}.cfg`), "utf8")).toContain(render.stdout.split("\n").slice(1).join("\n"));

    const watch = await timings.time("Secure Boot VM from power-on to installed", () => pxectl("watch", "--until", "installed", "--timeout", "780s", "-o", "json"));
    expect(watch.exitCode, watch.stderr + watch.stdout).toBe(0);
    const done = events(watch).at(-1) as DoneEvent;
    const node = done.nodes.find((n) => n.node === "vm-1")!;
    expect(node).toMatchObject({ stage: "installed", reached: true, stuck: null });
    // the VM's disk comes first: blank, the firmware skips it; installed, it boots without a network boot in between
    expect(node.stages.map((s) => s.stage).filter((s) => s !== "waiting")).toEqual(GRUB_STAGES);
    const at = (stage: string) => Date.parse(node.stages.find((s) => s.stage === stage)!.at);
    timings.add(`shim to GRUB ${((at("grub") - at("boot-file")) / 1000).toFixed(1)} s`, `first DHCP to installed ${((at("installed") - at("dhcp")) / 1000).toFixed(1)} s`);
    const stageEvidence = events(watch).filter((e): e is StageEvent => e.type === "stage").map((e) => e.evidence);
    expect(stageEvidence).toEqual(expect.arrayContaining(["TFTP sent shimx64.efi", "TFTP sent grubx64.efi", `TFTP sent ${SIGNED}.cfg`, "TFTP sent vmlinuz", "TFTP sent initrd.img"]));

    // the installed system prints what it found on its disk just after its DHCP request, which watch saw
    for (let i = 0; i < 100 && !consoleOf(SIGNED).includes("PXECTL-LAB-BOOTED"); i++) await new Promise((r) => setTimeout(r, 300));
    const log = consoleOf(SIGNED);
    const installer = log.slice(0, log.indexOf("PXECTL-LAB-INSTALLED"));
    const installed = log.slice(log.indexOf("PXECTL-LAB-INSTALLED"));
    // the kernel's own word, once as the installer from the network and once from the disk
    expect(installer).toContain("Fetching Netboot Image grubx64.efi");
    expect(installer).toContain("secureboot: Secure boot enabled");
    expect(installed).toContain("pxectl: booting the installed system"); // GRUB from the disk's EFI partition
    expect(installed).toContain("secureboot: Secure boot enabled");
    expect(installed).toContain(`PXECTL-LAB-BOOTED mac=${SIGNED}`);
    expect(log).not.toContain("Access Denied");
  });

  it("reports a Secure Boot VM offered Debian's unsigned iPXE as refused by Secure Boot", { timeout: 600_000 }, async () => {
    ok(await pxectl("node", "add", "--mac", UNSIGNED, "--name", "unsigned", "--boot-loader", "ipxe"));
    ok(await pxectl("lab", "boot", UNSIGNED, "--firmware", "uefi-secure"));
    const watch = await timings.time("unsigned iPXE to refusal", () => pxectl("watch", "unsigned", "--stall", "40s", "--timeout", "110s", "-o", "json"));
    expect(watch.exitCode, watch.stderr).not.toBe(0);
    const done = events(watch).at(-1) as DoneEvent;
    expect(done.nodes.find((n) => n.node === "unsigned")?.stuck).toMatchObject({
      cause: "secure-boot-refused",
      message: expect.stringContaining("refuses Debian's unsigned iPXE") as string,
    });
    // the firmware's own word
    expect(consoleOf(UNSIGNED)).toMatch(/failed to load Boot\d+ "UEFI PXEv4 \(MAC:52540070785B\)".*: Access Denied/);
  });
});
