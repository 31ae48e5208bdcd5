// Certificates and keys in .pxectl/tls: expired, foreign, garbage, mismatched, missing.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import type { BadInput, Fixture } from "./types";

const GARBAGE_CERT = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
const GARBAGE_KEY = "-----BEGIN PRIVATE KEY-----\nZ2FyYmFnZQ==\n-----END PRIVATE KEY-----\n";
const TLS = ".pxectl/tls";

/** copy puts files of the fixture's other PKIs (foreign/, expired/) over the project's. */
const copy = (from: "foreign" | "expired", pairs: Array<[string, string]>) => (f: Fixture) => {
  for (const [source, target] of pairs) copyFileSync(join(f.otherTls, from, source), join(f.cwd, TLS, target));
};
const same = (...files: string[]): Array<[string, string]> => files.map((f) => [f, f]);

const apply = (name: string, change: Pick<BadInput, "files" | "setup">, says?: string | RegExp, spawn = false, argv: string[] = []): BadInput => ({
  name: `certificates: ${name}`,
  argv: ["profile", "apply", ...argv],
  ...change,
  says,
  spawn,
});

export const certificateCases: BadInput[] = [
  apply("expired client certificate", { setup: copy("expired", same("client.crt", "client.key")) }, "expired", true),
  apply("client certificate of another CA", { setup: copy("foreign", same("client.crt", "client.key")) }, "not issued by this project's CA", true),
  apply("client certificate of garbage", { files: { [`${TLS}/client.crt`]: GARBAGE_CERT } }, "client.crt"),
  apply("client certificate empty", { files: { [`${TLS}/client.crt`]: "" } }, "client.crt"),
  apply("client certificate holding a key", { setup: copy("foreign", [["client.key", "client.crt"]]) }, "client.crt"),
  apply("client key of another pair", { setup: copy("foreign", same("client.key")) }, "does not match its private key .pxectl/tls/client.key"),
  apply("client key of garbage", { files: { [`${TLS}/client.key`]: GARBAGE_KEY } }, "client.key"),
  apply("client key missing", { files: { [`${TLS}/client.key`]: null } }, "client.key"),
  apply("client certificate is a server certificate", { setup: copy("expired", [["server.crt", "client.crt"], ["server.key", "client.key"]]) }, "not a client certificate"),
  apply("CA certificate of garbage", { files: { [`${TLS}/ca.crt`]: GARBAGE_CERT } }, "ca.crt"),
  apply("CA of another project (the server is not trusted)", { setup: copy("foreign", same("ca.crt", "ca.key", "client.crt", "client.key")) }, /matchbox|certificate/),
  apply("--cert-file names a missing file", {}, "nosuch.crt", false, ["--cert-file", "nosuch.crt"]),
  { name: "certificates: cert show with a CA of garbage", argv: ["cert", "show"], files: { [`${TLS}/ca.crt`]: GARBAGE_CERT }, says: "ca.crt" },
  { name: "certificates: cert show with a server certificate of garbage", argv: ["cert", "show", "--role", "server"], files: { [`${TLS}/server.crt`]: GARBAGE_CERT }, says: "server.crt" },
];
