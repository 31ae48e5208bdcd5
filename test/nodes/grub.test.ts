import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeGrubNodes } from "../../src/lab/lab";
import { labPaths } from "../../src/lab/state";
import type { Group, Profile } from "../../src/matchbox";
import { GRUB_MAIN_CONFIG, bootLoaderOf, grubNodeFile, grubQuote, renderGrubForNode } from "../../src/nodes/grub";
import { tempDir } from "../support/tempdir";

const MAC = "52:54:00:70:78:01";
const HTTP = "http://10.254.0.1:8080";
const group = (profile: string): Group => ({ id: "g", name: "g", profile, selector: { mac: MAC }, metadata: {} });
const profile = (id: string, boot: Profile["boot"]): Profile => ({ id, name: id, boot }) as Profile;
const content = (p: Profile) => ({ groups: [group(p.id)], profile: (id: string) => (id === p.id ? p : undefined), ignition: () => undefined });

describe("GRUB over TFTP", () => {
  it("is matchbox's /grub answer with the profile's iPXE settings expanded and the assets fetched over TFTP", () => {
    const flatcar = profile("install", {
      kernel: "/assets/flatcar/1/flatcar_production_pxe.vmlinuz?mac=${mac:hexhyp}",
      initrd: [`${HTTP}/assets/flatcar/1/flatcar_production_pxe_image.cpio.gz`],
      args: ["initrd=flatcar_production_pxe_image.cpio.gz", `flatcar.config.url=${HTTP}/ignition?uuid=\${uuid}&mac=\${mac:hexhyp}`, "flatcar.first_boot=yes"],
    });
    const r = renderGrubForNode(content(flatcar), MAC, HTTP);
    expect(r.matchbox).toMatchObject({ url: `/grub?mac=${MAC}`, status: 200, profile: "install" });
    expect(r.matchbox.body).toContain('linuxefi "/assets/flatcar/1/flatcar_production_pxe.vmlinuz?mac=${mac:hexhyp}"');
    expect(r.tftp!.split("\n").slice(2).join("\n")).toBe(`default=0
fallback=1
timeout=1
menuentry "CoreOS (EFI)" {
echo "Loading kernel"
linuxefi "/assets/flatcar/1/flatcar_production_pxe.vmlinuz" initrd=flatcar_production_pxe_image.cpio.gz 'flatcar.config.url=${HTTP}/ignition?uuid=&mac=52-54-00-70-78-01' flatcar.first_boot=yes
echo "Loading initrd"
initrdefi  "/assets/flatcar/1/flatcar_production_pxe_image.cpio.gz"
}
menuentry "CoreOS (BIOS)" {
echo "Loading kernel"
linux "/assets/flatcar/1/flatcar_production_pxe.vmlinuz" initrd=flatcar_production_pxe_image.cpio.gz 'flatcar.config.url=${HTTP}/ignition?uuid=&mac=52-54-00-70-78-01' flatcar.first_boot=yes
echo "Loading initrd"
initrd  "/assets/flatcar/1/flatcar_production_pxe_image.cpio.gz"
}
`);
  });

  it("hands an installed node back to the firmware, and refuses what TFTP cannot fetch", () => {
    expect(renderGrubForNode(content(profile("pxectl-localboot", { kernel: "/assets/pxectl/localboot.ipxe", initrd: [], args: [] })), MAC).tftp).toContain("\nexit 1\n");
    const elsewhere = renderGrubForNode(content(profile("p", { kernel: "https://example.com/vmlinuz", initrd: [], args: [] })), MAC, HTTP);
    expect(elsewhere.tftp).toBeUndefined();
    expect(elsewhere).toMatchObject({ problem: 'profile "p" names https://example.com/vmlinuz: GRUB fetches over TFTP only what lies under matchbox\'s /assets/' });
    expect(renderGrubForNode({ groups: [], profile: () => undefined, ignition: () => undefined }, MAC).problem).toBe(`matchbox would answer /grub?mac=${MAC} with 404: no group matches these labels`);
  });

  it("quotes for GRUB's shell only what needs it, and names files as GRUB's ${net_default_mac} spells the MAC", () => {
    expect(["console=ttyS0", "a=b&c", "it's"].map(grubQuote)).toEqual(["console=ttyS0", "'a=b&c'", "'it'\\''s'"]);
    expect(grubNodeFile("52:54:00:AB:CD:EF")).toBe("grub/nodes/52:54:00:ab:cd:ef.cfg");
    expect(GRUB_MAIN_CONFIG).toContain('configfile "${prefix}/nodes/${net_default_mac}.cfg"');
  });

  it("takes a node's own boot loader over the environment's", () => {
    expect(bootLoaderOf({ mac: MAC }, { boot_loader: "grub" })).toBe("grub");
    expect(bootLoaderOf({ mac: MAC, boot_loader: "ipxe" }, { boot_loader: "grub" })).toBe("ipxe");
    expect(bootLoaderOf({ mac: MAC, boot_loader: "grub" }, {})).toBe("grub");
  });
});

describe("the lab's GRUB node files", () => {
  it("follow the nodes: written, left alone when unchanged, and removed with their node", async () => {
    const dir = tempDir();
    const paths = labPaths(dir);
    mkdirSync(join(paths.tftp, "grub/nodes"), { recursive: true });
    mkdirSync(paths.dhcpHosts, { recursive: true });
    const lab = { namespace: "unused", dir, address: "10.254.0.1", processes: {}, vms: {} };
    await writeGrubNodes(lab, [
      { mac: "52:54:00:70:78:01", config: "exit 1\n" },
      { mac: "52:54:00:70:78:02" },
    ]);
    expect(readdirSync(paths.dhcpHosts).sort()).toEqual(["525400707801", "525400707802"]);
    expect(readFileSync(join(paths.dhcpHosts, "525400707802"), "utf8")).toBe("52:54:00:70:78:02,set:pxectl-grub\n");
    expect(readFileSync(join(paths.tftp, grubNodeFile("52:54:00:70:78:01")), "utf8")).toBe("exit 1\n");
    await writeGrubNodes(lab, [{ mac: "52:54:00:70:78:02", config: "linux /assets/x\n" }]);
    expect(readdirSync(paths.dhcpHosts)).toEqual(["525400707802"]);
    expect(readdirSync(join(paths.tftp, "grub/nodes"))).toEqual(["52:54:00:70:78:02.cfg"]);
    await writeGrubNodes(lab, []);
    expect([...readdirSync(paths.dhcpHosts), ...readdirSync(join(paths.tftp, "grub/nodes"))]).toEqual([]);
  });
});
