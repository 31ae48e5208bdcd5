import { describe, expect, it } from "vitest";
import { ConfigError, InternalError, UsageError } from "../../src/core/errors";
import { type OutputMode, createOutput } from "../../src/output/output";
import { Redactor } from "../../src/output/redact";
import { loadStyle } from "../../src/output/style";
import { renderFields, renderTable } from "../../src/output/table";
import { FakeClock } from "../support/clock";

class Capture {
  text = "";
  isTTY = false;
  write(s: string) {
    this.text += s;
    return true;
  }
}

function make(mode: OutputMode, opts: { quiet?: boolean; verbose?: boolean } = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const log: string[] = [];
  const out = createOutput({ mode, stdout, stderr, quiet: opts.quiet ?? false, verbose: opts.verbose ?? false, clock: new FakeClock(), yamlStringify: (v) => JSON.stringify(v) + "\n" });
  out.attachLog((l) => log.push(l));
  return { out, stdout, stderr, log };
}

describe("output modes", () => {
  it("json mode: one document on stdout, progress and warnings on stderr", async () => {
    const { out, stdout, stderr } = make("json");
    out.info("creating switch");
    await out.step("waiting for disk", (h) => {
      h.update("migrating 10%");
      return Promise.resolve();
    });
    out.warn("certificate expires in 12 days");
    out.result({ ok: true }, () => "HUMAN");
    expect(JSON.parse(stdout.text)).toEqual({ ok: true });
    expect(stderr.text).toContain("creating switch");
    expect(stderr.text).toContain("waiting for disk");
    expect(stderr.text).toContain("warning: certificate expires in 12 days");
  });

  it("streams events as JSON lines", () => {
    const { out, stdout } = make("json");
    out.event({ node: "a", stage: "dhcp" });
    out.event({ node: "b", stage: "ipxe" });
    expect(stdout.text.trimEnd().split("\n").map((l): unknown => JSON.parse(l))).toEqual([
      { node: "a", stage: "dhcp" },
      { node: "b", stage: "ipxe" },
    ]);
  });

  it("table mode prints the human rendering", () => {
    const { out, stdout } = make("table");
    out.result({ n: 2 }, (v) => `${v.n} nodes`);
    expect(stdout.text).toBe("2 nodes\n");
  });

  it("quiet drops information but keeps warnings and errors", () => {
    const { out, stderr, log } = make("table", { quiet: true });
    out.info("chatter");
    out.warn("careful");
    expect(stderr.text).toBe("warning: careful\n");
    expect(log.join("\n")).toContain("chatter"); // the run log keeps everything
  });

  it("verbose lines appear only with --verbose", () => {
    const quiet = make("table");
    quiet.out.verbose("GET /server");
    expect(quiet.stderr.text).toBe("");
    const loud = make("table", { verbose: true });
    loud.out.verbose("GET /server");
    expect(loud.stderr.text).toBe("GET /server\n");
  });
});

describe("failures", () => {
  it("print one line and a hint, no stack", () => {
    const { out, stderr } = make("table");
    out.failure(new UsageError("invalid MAC address \"zz\"", { hint: "use 52:54:00:a1:9c:ae" }), { verbose: false });
    expect(stderr.text).toBe('error: invalid MAC address "zz"\nhint: use 52:54:00:a1:9c:ae\n');
  });

  it("show the stack and causes with --verbose", () => {
    const { out, stderr } = make("table");
    out.failure(new InternalError("boom", { cause: new Error("root cause") }), { verbose: true });
    expect(stderr.text).toMatch(/^error: boom\n/);
    expect(stderr.text).toContain("caused by: Error: root cause");
    expect(stderr.text).toMatch(/at .*output\.test\.ts/);
  });

  it("are one JSON object in json mode", () => {
    const { out, stderr } = make("json");
    out.failure(new ConfigError([{ file: "p.yaml", line: 2, column: 1, path: "x", message: "bad" }], { hint: "fix it" }), { verbose: false });
    expect(JSON.parse(stderr.text)).toEqual({ error: { code: "invalid_config", message: "p.yaml:2:1: x: bad", hint: "fix it" } });
  });
});

describe("secrets", () => {
  it("never reach stdout, stderr or the log", () => {
    const { out, stdout, stderr, log } = make("json");
    out.redactor.add("s3cr3t-token-value");
    out.info("calling with token s3cr3t-token-value");
    out.result({ url: "https://user:s3cr3t-token-value@example" });
    out.failure(new UsageError("bad token s3cr3t-token-value"), { verbose: true });
    for (const text of [stdout.text, stderr.text, log.join("\n")]) {
      expect(text).not.toContain("s3cr3t-token-value");
      expect(text).toContain("***");
    }
  });

  it("redacts private key blocks in messages", () => {
    const r = new Redactor();
    const pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----";
    expect(r.redact(`key: ${pem} done`)).toBe("key: [redacted private key] done");
    expect(r.redact("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn")).toBe("[redacted private key]");
  });

  it("also redacts the URL-encoded form of a secret", () => {
    const r = new Redactor();
    r.add("p@ss/word");
    expect(r.redact("u=p%40ss%2Fword")).toBe("u=***");
  });
});

describe("tables", () => {
  it("align columns by display width, counting wide characters as two", () => {
    const rows = [
      { name: "スイッチ", id: "113301644830" },
      { name: "sw", id: "1" },
    ];
    const text = renderTable(rows, [
      { header: "NAME", value: (r) => r.name },
      { header: "ID", value: (r) => r.id, align: "right" },
    ]);
    expect(text.split("\n")).toEqual(["NAME                ID", "スイッチ  113301644830", "sw                   1"]);
  });

  it("say so when empty, and lay out fields", () => {
    expect(renderTable([], [{ header: "A", value: () => "" }])).toBe("(none)");
    expect(renderFields([["subject", "CN=ca"], ["days left", "30"]])).toBe("subject:   CN=ca\ndays left: 30");
  });

  it("colour only when the style is enabled", async () => {
    const plain = await loadStyle(false);
    const colour = await loadStyle(true);
    expect(plain.red("x")).toBe("x");
    expect(colour.red("x")).toBe("\u001b[31mx\u001b[39m");
  });
});
