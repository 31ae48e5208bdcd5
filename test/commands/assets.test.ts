// Choosing the Flatcar release to mirror: flags over assets.flatcar in pxectl.yaml, each bad
// value refused before anything connects, with the flag or the file's field named.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli";
import { FakeClock } from "../support/clock";
import { tempDir } from "../support/tempdir";

const PROJECT = "name: demo\nprovider: existing\nhost:\n  address: 192.0.2.10\n";

async function pxectl(argv: string[], files: Record<string, string> = {}) {
  const cwd = tempDir({ "pxectl.yaml": PROJECT, ...files });
  return { cwd, ...(await runCli(argv, { cwd, clock: new FakeClock() })) };
}

describe("pxectl assets prefetch flags", () => {
  it.each([
    [["--release", "4593.2"], "--release 4593.2 is not a Flatcar release"],
    [["--mirror", "ftp://mirror.example"], "--mirror ftp://mirror.example is not an http(s) URL"],
    [["--signing-key", "missing.asc"], "--signing-key: cannot read "],
  ])("refuses %j with exit 2", async (flags, message) => {
    const r = await pxectl(["assets", "prefetch", ...flags]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`error: ${message}`);
  });

  it("needs a host that pxectl init recorded", async () => {
    const r = await pxectl(["assets", "prefetch"]);
    expect(r.exitCode).toBe(9);
    expect(r.stderr).toContain("error: there is no host yet in this project\nhint: run pxectl init first");
  });
});

describe("assets.flatcar in pxectl.yaml", () => {
  it("refuses a signing_key that is not a key, naming the field, before any step runs", async () => {
    const r = await pxectl(["init", "--skip-assets"], { "pxectl.yaml": `${PROJECT}assets:\n  flatcar:\n    signing_key: key.asc\n`, "key.asc": "not a key\n" });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`error: pxectl.yaml: assets.flatcar.signing_key: ${join(r.cwd, "key.asc")}: no armored OpenPGP block found`);
  });

  it("refuses a mirror that is not an http(s) URL", async () => {
    const r = await pxectl(["config", "validate"], { "pxectl.yaml": `${PROJECT}assets:\n  flatcar:\n    mirror: mirror.example\n` });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain("assets.flatcar.mirror");
  });
});
