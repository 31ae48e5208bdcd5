// The compiled-config cache: unchanged inputs skip compiling; any change to the rendered
// text, a local: file or the translator compiles again.
import { readFileSync, writeFileSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InternalError } from "../../src/core/errors";
import { CACHE_REVISION, ConfigCache, loadProfileDirectory, renderDesired } from "../../src/matchbox/apply";
import { tempDir } from "../support/tempdir";

const io = { fs: fsp, display: (p: string) => p, readFileSync: (p: string) => readFileSync(p) };
const NODES = "kind: profile\nid: node\nconfig: butane/node.yaml\n---\nkind: group\nid: a\nprofile: node\nselector: {os: a}\n---\nkind: group\nid: b\nprofile: node\nselector: {os: b}\n";
const BUTANE = "variant: flatcar\nversion: 1.1.0\nstorage:\n  files:\n    - path: /etc/hostname\n      contents:\n        inline: {{node.name}}\n    - path: /etc/motd\n      contents:\n        local: motd.txt\n";

async function render(dir: string, cache: ConfigCache) {
  const desired = renderDesired(await loadProfileDirectory(dir, io), {}, cache);
  return { names: [...desired.configs.keys()].sort(), desired };
}

describe("ConfigCache", () => {
  it("names unchanged configs without compiling them, and compiles one only when its bytes are needed", async () => {
    const dir = tempDir({ "nodes.yaml": NODES, "butane/node.yaml": BUTANE, "motd.txt": "hello\n" });
    const first = ConfigCache.empty();
    const before = await render(dir, first);
    expect([first.hits, first.misses]).toEqual([0, 2]);

    const second = ConfigCache.parse(first.serialize());
    const after = await render(dir, second);
    expect([second.hits, second.misses]).toEqual([2, 0]);
    expect(after.names).toEqual(before.names);
    const config = [...after.desired.configs.values()][0]!;
    expect(config.compiled().json).toBe([...before.desired.configs.values()][0]!.compiled().json);
  });

  it("compiles again when the rendered text, a local: file or the translator changes", async () => {
    const dir = tempDir({ "nodes.yaml": NODES, "butane/node.yaml": BUTANE, "motd.txt": "hello\n" });
    const first = ConfigCache.empty();
    const { names } = await render(dir, first);
    const saved = first.serialize();

    writeFileSync(join(dir, "motd.txt"), "changed\n");
    const afterFile = ConfigCache.parse(saved);
    const changedFile = await render(dir, afterFile);
    expect([afterFile.hits, afterFile.misses]).toEqual([0, 2]);
    expect(changedFile.names).not.toEqual(names);

    writeFileSync(join(dir, "nodes.yaml"), NODES.replace("id: b", "id: c"));
    const afterText = ConfigCache.parse(afterFile.serialize());
    await render(dir, afterText);
    expect([afterText.hits, afterText.misses]).toEqual([1, 1]); // group a's config is the same text; c's is new

    const otherRevision = ConfigCache.parse(saved.replace(JSON.stringify(CACHE_REVISION), '"0.0.0/0"'));
    await render(dir, otherRevision);
    expect(otherRevision.hits).toBe(0);
    expect(ConfigCache.parse("{ broken").hits).toBe(0);
  });

  it("keeps a config's warnings, so a cached legacy config still warns", async () => {
    const dir = tempDir({ "a.yaml": "kind: profile\nid: p\nconfig: c/clc.yaml\n", "c/clc.yaml": "systemd:\n  units:\n    - name: a.service\n      enable: true\n" });
    const first = ConfigCache.empty();
    const { desired } = await render(dir, first);
    const second = ConfigCache.parse(first.serialize());
    const again = await render(dir, second);
    expect(second.hits).toBe(1);
    expect(again.desired.warnings).toEqual(desired.warnings);
    expect(again.desired.warnings[0]).toMatch(/a legacy Container Linux Config/);
  });

  it("refuses a cache entry that does not match what the config compiles to", async () => {
    const dir = tempDir({ "nodes.yaml": NODES, "butane/node.yaml": BUTANE, "motd.txt": "hello\n" });
    const first = ConfigCache.empty();
    await render(dir, first);
    const tampered = JSON.parse(first.serialize()) as { entries: Record<string, { sha256: string }> };
    for (const e of Object.values(tampered.entries)) e.sha256 = "0".repeat(64);
    const { desired } = await render(dir, ConfigCache.parse(JSON.stringify(tampered)));
    const config = [...desired.configs.values()][0]!;
    expect(config.name).toMatch(/^node@a\.000000000000\.ign$/);
    expect(() => config.compiled()).toThrow(InternalError);
  });
});
