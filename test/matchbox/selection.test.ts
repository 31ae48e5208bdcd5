// matchbox's HTTP rules as pure functions: labels from a query, MAC parsing as Go's
// net.ParseMAC, group selection (storagepb ByReqs + Matches), and the scripts it serves.
import { describe, expect, it } from "vitest";
import { BOOT_IPXE, expandIpxe, labelsFromQuery, parseGoMac, renderGrub, renderIpxe, selectGroup, sortGroups } from "../../src/matchbox";
import type { Group } from "../../src/matchbox/types";

const group = (id: string, selector: Record<string, string> = {}): Group => ({ id, name: "", profile: `p-${id}`, selector, metadata: {} });

describe("parseGoMac (Go's net.ParseMAC(s).String())", () => {
  it.each([
    ["52:54:00:a1:9c:ae", "52:54:00:a1:9c:ae"],
    ["52:54:00:A1:9C:AE", "52:54:00:a1:9c:ae"],
    ["52-54-00-a1-9c-ae", "52:54:00:a1:9c:ae"],
    ["52-54-00-A1-9C-AE", "52:54:00:a1:9c:ae"],
    ["5254.00a1.9cae", "52:54:00:a1:9c:ae"],
    ["02:00:5e:10:00:00:00:01", "02:00:5e:10:00:00:00:01"],
    ["0200.5e10.0000.0001", "02:00:5e:10:00:00:00:01"],
  ])("accepts %s", (input, want) => expect(parseGoMac(input)).toBe(want));

  it.each(["525400a19cae", "52:54:0:a1:9c:ae", "52:54:00-a1:9c:ae", "52:54:00:a1:9c", "52:54:00:a1:9c:zz", "5254.00a1-9cae", "", "52:54:00:a1:9c:ae:"])("refuses %j, as Go does", (input) => {
    expect(parseGoMac(input)).toBeUndefined();
  });
});

describe("labelsFromQuery (matchbox's labelsFromRequest)", () => {
  it("reads the bootstrap chain's query: empty values kept, the MAC normalised, first value wins", () => {
    expect(labelsFromQuery("uuid=&mac=52-54-00-A1-9C-AE&domain=&hostname=&serial=&arch=x86_64&os=installed&os=other")).toEqual({
      labels: { uuid: "", mac: "52:54:00:a1:9c:ae", domain: "", hostname: "", serial: "", arch: "x86_64", os: "installed" },
      badMacs: [],
    });
  });

  it("drops an unparseable MAC, keeps key case, decodes + and %XX, skips pairs with ;", () => {
    expect(labelsFromQuery("mac=zz&MAC=52:54:00:a1:9c:ae&Name=a+b%21&x=1;y=2")).toEqual({ labels: { MAC: "52:54:00:a1:9c:ae", Name: "a b!" }, badMacs: ["zz"] });
  });
});

describe("selectGroup (matchbox's SelectGroup)", () => {
  const install = group("install");
  const installed = group("installed", { os: "installed" });
  const node1 = group("node1", { mac: "52:54:00:a1:9c:ae", os: "installed" });
  const node1Any = group("node1-any", { mac: "52:54:00:a1:9c:ae" });
  const groups = [install, installed, node1, node1Any];

  it.each([
    ["no labels: the default group", {}, "install"],
    ["an unknown machine: the default group", { mac: "52:54:00:00:00:01" }, "install"],
    ["a known MAC", { mac: "52:54:00:a1:9c:ae" }, "node1-any"],
    ["a known MAC, installed: most selectors win", { mac: "52:54:00:a1:9c:ae", os: "installed" }, "node1"],
    ["another MAC, installed", { mac: "52:54:00:00:00:01", os: "installed" }, "installed"],
    ["extra labels do not matter", { mac: "52:54:00:a1:9c:ae", os: "installed", uuid: "x", arch: "x86_64" }, "node1"],
    ["values compare exactly: case matters", { os: "Installed" }, "install"],
    ["keys compare exactly: MAC is not mac", { MAC: "52:54:00:a1:9c:ae" }, "install"],
  ])("%s", (_what, labels, want) => expect(selectGroup(groups, labels)?.id).toBe(want));

  it("finds nothing without a default group", () => {
    expect(selectGroup([installed, node1], { mac: "52:54:00:a1:9c:ae" })).toBeUndefined();
  });

  it("counts a missing label as \"\": a selector with an empty value matches machines without that label", () => {
    expect(selectGroup([group("no-host", { hostname: "" }), install], { mac: "52:54:00:a1:9c:ae" })?.id).toBe("no-host");
  });

  it("breaks ties between equally specific groups by the greater k=v string (sort.Reverse)", () => {
    const a = group("a", { os: "installed", zone: "a" });
    const b = group("b", { os: "installed", rack: "9" });
    // "os=installed,zone=a" > "os=installed,rack=9": a is tried first
    expect(selectGroup([b, a], { os: "installed", zone: "a", rack: "9" })?.id).toBe("a");
    expect(sortGroups([install, b, installed, a]).map((g) => g.id)).toEqual(["a", "b", "installed", "install"]);
  });

  it("gives two groups with the same selector in a stable order (matchbox: undefined; pxectl refuses such directories)", () => {
    const twins = [group("x", { os: "installed" }), group("y", { os: "installed" })];
    expect(selectGroup(twins, { os: "installed" })?.id).toBe("x");
  });
});

describe("the scripts matchbox serves", () => {
  it("/boot.ipxe chains to /ipxe with the machine's identity", () => {
    expect(BOOT_IPXE).toBe("#!ipxe\nchain ipxe?uuid=${uuid}&mac=${mac:hexhyp}&domain=${domain}&hostname=${hostname}&serial=${serial}&arch=${buildarch:uristring}\n");
  });

  it("/ipxe renders kernel, args and one initrd line each (matchbox's test vector)", () => {
    expect(renderIpxe({ kernel: "/image/kernel", args: ["a=b", "c"], initrd: ["/image/initrd_a", "/image/initrd_b"] })).toBe(
      "#!ipxe\nkernel /image/kernel a=b c\ninitrd /image/initrd_a\ninitrd /image/initrd_b\nboot\n",
    );
    expect(renderIpxe({ kernel: "", args: [], initrd: [] })).toBe("#!ipxe\nkernel \nboot\n");
  });

  it("/grub renders an EFI and a BIOS entry (matchbox's test vector)", () => {
    expect(renderGrub({ kernel: "/image/kernel", args: ["a=b", "c"], initrd: ["/image/initrd_a", "/image/initrd_b"] })).toBe(
      [
        "default=0",
        "fallback=1",
        "timeout=1",
        'menuentry "CoreOS (EFI)" {',
        'echo "Loading kernel"',
        'linuxefi "/image/kernel" a=b c',
        'echo "Loading initrd"',
        'initrdefi  "/image/initrd_a" "/image/initrd_b"',
        "}",
        'menuentry "CoreOS (BIOS)" {',
        'echo "Loading kernel"',
        'linux "/image/kernel" a=b c',
        'echo "Loading initrd"',
        'initrd  "/image/initrd_a" "/image/initrd_b"',
        "}",
        "",
      ].join("\n"),
    );
  });
});

describe("expandIpxe (iPXE settings in URLs)", () => {
  it("expands ${name} and ${name:type}; unset settings are empty", () => {
    const settings = { mac: "52:54:00:a1:9c:ae", buildarch: "x86_64", uuid: "" };
    expect(expandIpxe("ignition?uuid=${uuid}&mac=${mac:hexhyp}&m=${net0/mac}&arch=${buildarch:uristring}&h=${hostname}", settings)).toBe(
      "ignition?uuid=&mac=52-54-00-a1-9c-ae&m=52:54:00:a1:9c:ae&arch=x86_64&h=",
    );
  });
});
