import { describe, expect, it } from "vitest";
import { RemoteError } from "../../src/core/errors";
import { type Check, runChecks } from "../../src/environment/checks";

const signal = new AbortController().signal;
const pass = (name: string, needs?: string[]): Check => ({ name, needs, run: () => Promise.resolve({ status: "pass", detail: `${name} ok` }) });

describe("runChecks", () => {
  it("runs independent checks at once, and each dependent only after its needs", async () => {
    const started: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const slow: Check = { name: "slow", run: async () => (started.push("slow"), await gate, { status: "pass", detail: "" }) };
    const other: Check = { name: "other", run: () => (started.push("other"), release(), Promise.resolve({ status: "pass", detail: "" })) };
    const after: Check = { name: "after", needs: ["slow"], run: () => (started.push("after"), Promise.resolve({ status: "pass", detail: "" })) };
    const results = await runChecks([slow, after, other], signal);
    expect(started).toEqual(["slow", "other", "after"]); // other did not wait for slow; after did
    expect(results.map((r) => r.name)).toEqual(["slow", "after", "other"]);
  });

  it("turns a thrown error into a failure with its hint, and skips what relies on it, naming the root cause", async () => {
    const ssh: Check = { name: "ssh", run: () => Promise.reject(new RemoteError("ssh: 10.0.0.5:22 refused the connection", { hint: "check that sshd runs" })) };
    const results = await runChecks([pass("config"), ssh, pass("services", ["ssh"]), pass("http", ["services", "config"])], signal);
    expect(results).toEqual([
      { name: "config", status: "pass", detail: "config ok" },
      { name: "ssh", status: "fail", detail: "ssh: 10.0.0.5:22 refused the connection", hint: "check that sshd runs" },
      { name: "services", status: "skip", detail: "needs ssh, which failed" },
      { name: "http", status: "skip", detail: "needs services (ssh failed)" },
    ]);
  });

  it("lets warnings through to dependents, and says when a need skipped itself", async () => {
    const warn: Check = { name: "certificates", run: () => Promise.resolve({ status: "warn", detail: "expires in 3 days", hint: "pxectl cert rotate --client" }) };
    const skip: Check = { name: "assets", run: () => Promise.resolve({ status: "skip", detail: "not mirrored" }) };
    const results = await runChecks([warn, pass("grpc", ["certificates"]), skip, pass("boot", ["assets"])], signal);
    expect(results.map((r) => [r.name, r.status, r.detail])).toEqual([
      ["certificates", "warn", "expires in 3 days"],
      ["grpc", "pass", "grpc ok"],
      ["assets", "skip", "not mirrored"],
      ["boot", "skip", "needs assets, which was skipped"],
    ]);
  });

  it("fails a check that outlives its deadline, without waiting for it", async () => {
    const hung: Check = { name: "grpc", timeoutMs: 20, run: () => new Promise(() => {}) };
    expect(await runChecks([hung], signal)).toEqual([{ name: "grpc", status: "fail", detail: "no answer within 0.02s", hint: "the network, or what this check asks, is slow or down: run pxectl status again" }]);
  });

  it("ends with the interruption on Ctrl-C instead of reporting failed checks", async () => {
    const ctl = new AbortController();
    const hung: Check = { name: "ssh", run: () => new Promise(() => {}) };
    const run = runChecks([hung], ctl.signal);
    ctl.abort(new Error("interrupted by SIGINT"));
    await expect(run).rejects.toThrow("interrupted by SIGINT");
  });
});
