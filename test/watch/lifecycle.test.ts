import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Move, STAGES, type Stage, initialStatus, moveOf, stageSpans, transition } from "../../src/watch/lifecycle";
import { lifecycleMatrix, lifecycleMermaid, lifecycleStages } from "../../src/watch/lifecycle-doc";

// assert that: every cell of STAGES x STAGES has the move written here by hand, for a line
// newer than the stage the node is in. = duplicate, > advance, + skip, R restart, . stale
const MATRIX = `
                  wai pow dhc bfi ipx grb gcf ker ini ico ins ifc reb ind rdy
waiting            =   >   >   +   +   +   +   +   +   +   +   +   +   +   +
powered-on         .   =   >   +   +   +   +   +   +   +   +   +   +   +   +
dhcp               .   R   =   >   >   +   +   +   +   +   +   +   +   +   +
boot-file          .   R   R   =   >   >   +   +   +   +   +   +   +   +   +
ipxe               .   R   R   .   =   +   +   >   +   +   +   +   +   +   +
grub               .   R   R   .   .   =   >   +   +   +   +   +   +   +   +
grub-config        .   R   R   .   .   .   =   >   +   +   +   +   +   +   +
kernel             .   R   R   .   .   .   .   =   >   +   +   +   +   +   +
initrd             .   R   R   .   .   .   .   .   =   >   +   +   +   +   +
install-config     .   R   R   .   .   .   .   .   .   =   >   +   +   +   +
installing         .   R   R   .   .   .   .   .   .   R   =   >   +   +   +
installed-config   .   R   R   .   .   .   .   .   .   R   .   =   >   +   +
rebooting          .   R   R   .   .   .   .   .   .   R   .   .   =   >   +
installed          .   R   R   .   .   .   .   .   .   R   .   .   .   =   >
ready              .   R   R   .   .   .   .   .   .   R   .   .   .   .   =
`;
const MOVES: Record<string, Move> = { "=": "duplicate", ">": "advance", "+": "skip", R: "restart", ".": "stale" };

describe("transition matrix", () => {
  const rows = MATRIX.trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/));
  it("has one row per stage, in order", () => {
    expect(rows.map((r) => r[0])).toEqual([...STAGES]);
  });
  for (const [from, ...cells] of rows) {
    it(`from ${from}`, () => {
      const got = STAGES.map((to) => moveOf(from as Stage, to, 2000, 1000));
      expect(got).toEqual(cells.map((c) => MOVES[c]));
    });
  }
});

describe("transition", () => {
  const t0 = 1_000_000;
  it("advances, stamps each stage and keeps the cycle's history with durations", () => {
    let s = initialStatus(t0);
    for (const [i, stage] of (["dhcp", "boot-file", "ipxe"] as const).entries()) s = transition(s, stage, t0 + (i + 1) * 1000).status;
    expect(s).toMatchObject({ stage: "ipxe", since: t0 + 3000, cycle: 1 });
    expect(stageSpans(s, t0 + 10_000).map((x) => [x.stage, x.durationMs])).toEqual([["waiting", 1000], ["dhcp", 1000], ["boot-file", 1000], ["ipxe", 7000]]);
  });

  it("treats a duplicate as a no-op that returns the same status", () => {
    const s = transition(initialStatus(t0), "dhcp", t0 + 1).status;
    const again = transition(s, "dhcp", t0 + 5000);
    expect(again.move).toBe("duplicate");
    expect(again.status).toBe(s);
  });

  it("names the stages a skip jumped over", () => {
    const s = transition(initialStatus(t0), "dhcp", t0 + 1).status;
    expect(transition(s, "install-config", t0 + 2)).toMatchObject({ move: "skip", skipped: ["boot-file", "ipxe", "kernel", "initrd"] });
    // a boot through shim and GRUB skips GRUB's steps, not iPXE's
    const grub = transition(transition(s, "boot-file", t0 + 2).status, "grub", t0 + 3).status;
    expect(transition(grub, "install-config", t0 + 4)).toMatchObject({ move: "skip", skipped: ["grub-config", "kernel", "initrd"] });
  });

  it("ignores any line older than the current stage, even a forward one", () => {
    const s = transition(initialStatus(t0), "ipxe", t0 + 5000).status;
    expect(transition(s, "kernel", t0 + 4000)).toMatchObject({ move: "stale", status: s });
    expect(transition(s, "dhcp", t0 + 4000)).toMatchObject({ move: "stale", status: s });
  });

  it("restarts only on a boot start strictly later than the current stage began", () => {
    const s = transition(initialStatus(t0), "installing", t0 + 5000).status;
    expect(transition(s, "dhcp", t0 + 5000).move).toBe("stale");
    const r = transition(s, "dhcp", t0 + 6000);
    expect(r.move).toBe("restart");
    expect(r.status).toEqual({ stage: "dhcp", since: t0 + 6000, seen: true, cycle: 2, history: [{ stage: "dhcp", at: t0 + 6000 }] });
  });

  it("takes any line for a stage nobody saw begin: the host's clock may lag, the record may be old", () => {
    const waiting = initialStatus(t0);
    expect(transition(waiting, "dhcp", t0 - 5000)).toMatchObject({ move: "advance", status: { stage: "dhcp", since: t0 - 5000, seen: true } });
    const recorded = initialStatus(t0, "installed");
    expect(transition(recorded, "dhcp", t0 - 5000).move).toBe("restart");
    expect(transition(recorded, "ipxe", t0 - 5000).move).toBe("stale");
  });

  it("starts from a known stage for nodes recorded as installed", () => {
    expect(initialStatus(t0, "installed")).toMatchObject({ stage: "installed", cycle: 1 });
  });
});

describe("docs/boot-lifecycle.md", () => {
  const doc = readFileSync(new URL("../../docs/boot-lifecycle.md", import.meta.url), "utf8");
  const section = (name: string) => new RegExp(`<!-- ${name}:start[^>]*-->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(doc)?.[1];
  it("shows the diagram rendered from the transition table", () => {
    expect(section("diagram")).toBe("```mermaid\n" + lifecycleMermaid() + "\n```");
  });
  it("shows the move matrix and the stages as the code has them", () => {
    expect(section("matrix")).toBe(lifecycleMatrix());
    expect(section("stages")).toBe(lifecycleStages());
  });
});

describe("docs/boot-lifecycle.md, stuck causes", () => {
  it("explains every cause the detector can report", async () => {
    const { STUCK_CODES } = await import("../../src/watch/stuck");
    const doc = readFileSync(new URL("../../docs/boot-lifecycle.md", import.meta.url), "utf8");
    const stuckSection = doc.slice(doc.indexOf("## Stuck nodes"), doc.indexOf("## Following the host"));
    expect(STUCK_CODES.filter((c) => !stuckSection.includes(`\`${c}\``))).toEqual([]);
  });
});
