// SakuraCloud answers with missing or wrong fields, or that are not JSON at all, as a
// broken proxy or a changed API would send; and a refused API key.
import type { Answer } from "../../support/sakuracloud";
import type { BadInput } from "./types";

const withItem = (plural: string, change: (item: Record<string, unknown>) => void) => (a: Answer): Answer => {
  const body = a.body as Record<string, unknown>;
  const item: Record<string, unknown> = { ID: "113600000099", Name: "demo-x", Description: "", Tags: ["pxectl-env=demo"] };
  change(item);
  return { status: a.status, body: { ...body, [plural]: [item], Count: 1, Total: 1 } };
};

const destroy = (name: string, path: string, rewrite: (a: Answer) => Answer, says?: string | RegExp): BadInput => ({
  name: `api: ${name}`,
  argv: ["destroy", "--yes"],
  setup: (f) => f.sakura.override({ method: "GET", path, rewrite }),
  exitCode: 4,
  says,
});

export const apiCases: BadInput[] = [
  destroy("server list without its list", "server", (a) => ({ status: a.status, body: { Total: 1, is_ok: true } }), /server/),
  destroy("server list as a string", "server", (a) => ({ status: a.status, body: { Servers: "none", is_ok: true } }), "not a list"),
  destroy("a server without an ID", "server", withItem("Servers", (i) => delete i.ID), "ID"),
  destroy("a server ID that is not a number", "server", withItem("Servers", (i) => (i.ID = "abc")), "abc"),
  destroy("a server that is not an object", "server", (a) => ({ status: a.status, body: { Servers: ["x"], Total: 1 } }), /server/),
  destroy("a disk ID as an object", "disk", withItem("Disks", (i) => (i.ID = { value: 1 })), "ID"),
  destroy("a switch without a name", "switch", withItem("Switches", (i) => delete i.Name), /switch/),
  destroy("a packet filter description as a number", "packetfilter", withItem("PacketFilters", (i) => (i.Description = 42)), /packet filter/),
  destroy("an SSH key list of nulls", "sshkey", (a) => ({ status: a.status, body: { SSHKeys: [null], Total: 1 } }), /SSH key/),
  destroy("an answer that is HTML", "switch", () => ({ status: 200, body: "<html><body>maintenance</body></html>" }), "not JSON"),
  destroy("a 500 answer that is HTML", "switch", () => ({ status: 500, body: "<html>oops</html>" }), "500"),
  destroy("an answer of null", "server", () => ({ status: 200, body: "null" }), /server/),
  destroy("a 404 with a body that is not an error", "disk", () => ({ status: 404, body: { hello: "world" } }), "404"),
  { name: "api: a refused API key", argv: ["destroy", "--yes"], env: { SAKURA_ACCESS_TOKEN: "wrong-token" }, exitCode: 4, says: "SAKURA_ACCESS_TOKEN", spawn: true },
];
