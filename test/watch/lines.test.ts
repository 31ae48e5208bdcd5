import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { logSource, splitLines } from "../../src/watch/lines";
import { nodeLogFilter } from "../../src/watch/node-logs";
import { FakeClock } from "../support/clock";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function chunks(...parts: Array<string | Uint8Array>): AsyncIterable<string | Uint8Array> {
  return (async function* () {
    for (const p of parts) yield await Promise.resolve(p);
  })();
}

describe("splitLines", () => {
  it("splits across chunk boundaries, LF and CRLF, multi-byte characters cut in half", async () => {
    const bytes = Buffer.from("héllo\r\nwörld\nlast");
    const parts = [bytes.subarray(0, 2), bytes.subarray(2, 8), bytes.subarray(8)];
    expect(await collect(splitLines(chunks(...parts)))).toEqual(["héllo", "wörld", "last"]);
  });

  it("drops a line the stream broke off inside, when asked (a follower)", async () => {
    expect(await collect(splitLines(chunks("a\nb\nc"), { partialLast: "drop" }))).toEqual(["a", "b"]);
  });

  it("cuts an over-long line and skips the rest of it", async () => {
    expect(await collect(splitLines(chunks("x".repeat(10), "y".repeat(10), "\nnext\n"), { maxLength: 8 }))).toEqual(["xxxxxxxxxx".slice(0, 8), "next"]);
  });

  it("stamps each line of a followed stream with the time it arrived", async () => {
    const clock = new FakeClock();
    expect(await collect(logSource(chunks("one\ntwo\n"), "journal-json", clock))).toEqual([
      { origin: "journal-json", text: "one", receivedAt: clock.now() },
      { origin: "journal-json", text: "two", receivedAt: clock.now() },
    ]);
  });
});

describe("nodeLogFilter", () => {
  const lines = readFileSync(new URL("../fixtures/watch/journal-json.log", import.meta.url), "utf8").trim().split("\n");
  const messages = (mac: string) => {
    const keep = nodeLogFilter([mac]);
    return lines.filter((text) => keep({ origin: "journal-json", text })).map((text) => (JSON.parse(text) as { MESSAGE: string }).MESSAGE);
  };

  it("keeps a machine's lines: its DHCP exchanges and their details, its TFTP transfers, its matchbox requests", () => {
    const mine = messages("52:54:00:a1:9c:ae");
    expect(mine).toContain("1465916073 DHCPDISCOVER(v0) 52:54:00:a1:9c:ae");
    expect(mine).toContain("1465916073 tags: known, bios, v0");
    expect(mine).toContain("sent /var/lib/tftpboot/undionly.kpxe to 192.168.77.21");
    expect(mine.some((m) => m.includes("GET /ipxe?uuid="))).toBe(true);
    expect(mine.some((m) => m.includes("No matching group"))).toBe(false);
    // the vendor class precedes the exchange's first line naming the MAC: not attributable yet
    expect(mine).not.toContain("1465916073 available DHCP range: 192.168.77.50 -- 192.168.77.99");
  });

  it("keeps another machine's lines apart", () => {
    expect(messages("52:54:00:b2:2f:86")).toEqual([
      'time="2026-11-22T22:08:40Z" level=info msg="No matching group" labels="map[mac:52:54:00:b2:2f:86 os:installed]"',
      'time="2026-11-22T22:08:41Z" level=info msg="No matching profile" labels="map[arch:x86_64 domain: hostname: mac:52:54:00:b2:2f:86 serial: uuid:]"',
    ]);
  });
});
