// The flags of every command that talks to matchbox's gRPC API. Each falls back to an
// environment variable, then to what pxectl init recorded (.pxectl/state.json, .pxectl/tls/).
import type { Command } from "commander";
import type { MatchboxOverrides } from "../matchbox/connect";

/** withMatchboxOptions adds --endpoint, --ca-file, --cert-file and --key-file to a command. */
export function withMatchboxOptions(command: Command): Command {
  return command
    .option("--endpoint <host:port>", "matchbox's gRPC API (env PXECTL_MATCHBOX_ENDPOINT; default: the one pxectl init recorded)")
    .option("--ca-file <file>", "CA certificate that issued matchbox's (env PXECTL_MATCHBOX_CA_FILE; default .pxectl/tls/ca.crt)")
    .option("--cert-file <file>", "client certificate (env PXECTL_MATCHBOX_CERT_FILE; default .pxectl/tls/client.crt)")
    .option("--key-file <file>", "client key (env PXECTL_MATCHBOX_KEY_FILE; default .pxectl/tls/client.key)");
}

/** matchboxOverrides picks those flags out of a command's options. */
export function matchboxOverrides(o: Record<string, unknown>): MatchboxOverrides {
  const s = (v: unknown) => (typeof v === "string" ? v : undefined);
  return { endpoint: s(o.endpoint), caFile: s(o.caFile), certFile: s(o.certFile), keyFile: s(o.keyFile) };
}
