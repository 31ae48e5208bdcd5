import { describe, expect, it } from "vitest";
import { qemuArgs, vmFirmwareFiles } from "../../src/lab/vm";

const spec = { name: "vm-1", mac: "52:54:00:70:78:01", tap: "tap0", disk: "/d.img", firmware: "uefi-secure" as const, accel: "tcg" as const, memoryMB: 384, console: "/c.log", varsFile: "/v.fd" };

describe("a Secure Boot lab VM", () => {
  it("runs OVMF's Secure Boot build with SMM and writes only SMM may make to its variables; disk first", () => {
    const args = qemuArgs(spec).join(" ");
    expect(args).toContain("-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on");
    expect(args).toContain("if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd");
    expect(args).toContain("if=pflash,format=raw,unit=1,file=/v.fd");
    // no iPXE ROM: OVMF's own PXE client, whose downloads the firmware checks
    expect(args).toContain("mac=52:54:00:70:78:01,romfile=,disable-legacy=on,bootindex=2");
    expect(args).toContain("virtio-blk-pci,drive=d0,bootindex=1");
    expect(vmFirmwareFiles("uefi-secure")).toEqual(["/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"]);
  });

  it("leaves the other firmwares as they were: no SMM, network first", () => {
    const args = qemuArgs({ ...spec, firmware: "uefi" }).join(" ");
    expect(args).not.toContain("smm=on");
    expect(args).toContain("OVMF_CODE_4M.fd");
    expect(args).toContain("virtio-blk-pci,drive=d0,bootindex=2");
  });
});
