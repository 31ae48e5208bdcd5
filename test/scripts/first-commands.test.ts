// The two first commands (scripts/lab-demo, scripts/test) and what they rely on: one package
// list for them, .ci/run and the tests; a missing program is a loud NOT RUN line naming its
// package, or an error under CI=true, never a silent skip; Node.js too old is replaced.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FILES, PROGRAMS } from "../../src/lab/prerequisites";
import { checkPrograms, requirements, skipUnless } from "../support/programs";
import { tempDir } from "../support/tempdir";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bash = (script: string, env: NodeJS.ProcessEnv = process.env) => spawnSync("bash", ["-c", `. ${join(root, "scripts/lib.sh")}; ${script}`], { encoding: "utf8", env });

describe("the package list", () => {
  it("holds every program and file the lab's own check asks for, under the same package, for the lab", () => {
    const lab = requirements().filter((r) => r.use === "lab");
    const packageOf = (need: string) => lab.find((r) => r.needs.includes(need))?.pkg;
    for (const [need, pkg] of [...PROGRAMS, ...FILES]) expect(packageOf(need), need).toBe(pkg);
  });

  it("is what the scripts install: the lab's part for lab-demo, all of it for the tests", () => {
    const all = requirements().map((r) => r.pkg);
    const lab = requirements().filter((r) => r.use === "lab").map((r) => r.pkg);
    expect(bash("packages_for lab").stdout.split("\n").filter(Boolean)).toEqual(lab);
    expect(bash("packages_for test").stdout.split("\n").filter(Boolean)).toEqual(all);
    expect(all).toEqual(expect.arrayContaining(["openssh-server", "dnsmasq-base", "nftables", "zsh", "fish", "openssl", "qemu-system-x86", "syslinux-common"]));
  });

  it(".ci/run is scripts/test, and both commands are executable", () => {
    expect(readFileSync(join(root, ".ci/run"), "utf8").trimEnd().split("\n").pop()).toBe('exec scripts/test "$@"');
    for (const script of ["scripts/test", "scripts/lab-demo", ".ci/run"]) expect(statSync(join(root, script)).mode & 0o111, script).not.toBe(0);
  });
});

describe("a program the tests need is missing", () => {
  const list = () => {
    const file = join(tempDir(), "packages.txt");
    writeFileSync(file, "# comment\nbash lab bash\npxectl-missing-pkg test pxectl-no-such-program /nonexistent/file\n");
    return file;
  };

  it("prints one NOT RUN line naming the programs and the package", () => {
    const said: string[] = [];
    checkPrograms({ file: list(), env: { PATH: process.env.PATH }, write: (t) => said.push(t) });
    expect(said.join("").trim().split("\n")).toEqual([
      "!!! NOT RUN: tests that run these programs fail: pxectl-no-such-program, /nonexistent/file missing (apt-get install pxectl-missing-pkg). Run scripts/test, which installs them. !!!",
    ]);
  });

  it("is an error under CI=true", () => {
    expect(() => checkPrograms({ file: list(), env: { PATH: process.env.PATH, CI: "true" }, write: () => undefined })).toThrow(
      "the tests cannot all run here: pxectl-no-such-program, /nonexistent/file missing (apt-get install pxectl-missing-pkg)",
    );
  });

  it("skips tests only outside CI, and loudly", () => {
    const said: string[] = [];
    expect(skipUnless("watch over a real dnsmasq", "dnsmasq missing (apt-get install dnsmasq-base)", {}, (t) => said.push(t))).toBe(true);
    expect(said.join("")).toContain("!!! NOT RUN: watch over a real dnsmasq: dnsmasq missing (apt-get install dnsmasq-base)");
    expect(skipUnless("x", "dnsmasq missing", { CI: "true" }, () => undefined)).toBe(false);
    expect(skipUnless("x", undefined, {}, () => undefined)).toBe(false);
  });
});

describe("the summary line", () => {
  it("counts tests that never ran because their file failed (a hook threw) as failed", () => {
    const report = join(tempDir(), "vitest.json");
    const t = (status: string) => ({ title: "t", status });
    writeFileSync(report, JSON.stringify({
      numPassedTests: 2,
      testResults: [
        { status: "failed", assertionResults: [t("skipped"), t("skipped"), t("skipped")] }, // beforeAll: spawn sshd ENOENT
        { status: "passed", assertionResults: [t("passed"), t("skipped")] }, // a deliberate skip
        { status: "failed", assertionResults: [t("passed"), t("failed")] },
        { status: "failed", assertionResults: [] }, // did not load
      ],
    }));
    const out = execFileSync(process.execPath, [join(root, "scripts/test-summary.mjs"), report], { encoding: "utf8" });
    expect(out.trimEnd().split("\n").pop()).toBe("2 passed, 5 failed");
  });
});

describe("Node.js for the scripts", () => {
  const fakeNode = (version: string) => {
    const bin = tempDir();
    writeFileSync(join(bin, "node"), `#!/bin/sh\necho v${version}\n`, { mode: 0o755 });
    writeFileSync(join(bin, "npm"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    return bin;
  };

  it("takes the machine's own from 20.19 on, and not Debian 12's 18.19", () => {
    for (const [version, ok] of [["18.19.0", false], ["20.18.1", false], ["20.19.0", true], ["20.20.2", true], ["22.1.0", true], ["garbage", false]] as const) {
      const r = bash('node_is_new_enough && echo yes || echo no', { PATH: `${fakeNode(version)}:/usr/bin:/bin` });
      expect(r.stdout.trim(), version).toBe(ok ? "yes" : "no");
    }
  });

  it("checks a download's digest before using it", () => {
    const dir = tempDir({ "file.tgz": "the bytes" });
    const url = `file://${join(dir, "file.tgz")}`;
    const good = `sha512-${execFileSync("sh", ["-c", `openssl dgst -sha512 -binary ${join(dir, "file.tgz")} | openssl base64 -A`], { encoding: "utf8" })}`;
    expect(bash(`fetch_checked ${url} ${good} ${join(dir, "got")} && echo ok`).stdout.trim()).toBe("ok");
    const bad = bash(`fetch_checked ${url} sha512-AAAA ${join(dir, "got")} && echo ok`);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("expected sha512-AAAA");
  });
});
