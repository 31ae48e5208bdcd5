// Secrets: a whole environment's life (init twice, plan, cert show, destroy with the key
// on the command line, verbose everywhere) with known API credentials and keys, then every
// output and every file pxectl wrote is scanned for them. Also the promises around them:
// private files and folders, a changed host key refused, the packet filter's openings,
// matchbox's gRPC refusing plain text and foreign certificates, HTTP on the switch only.
import { randomBytes } from "node:crypto";
import { lstatSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runCli, spawnCli } from "../support/cli";
import { FakeClock } from "../support/clock";
import { ALLOW_FROM, type TestHost, startTestHost, testProject } from "../support/environment";
import { startTestMatchbox } from "../support/matchbox-harness";
import type { ExpressionRecord, InterfaceRecord, PacketFilterRecord, ServerRecord } from "../support/sakuracloud/records";
import { startSakuraTestServer } from "../support/sakuracloud";
import { testPki } from "../support/tls";

let lab: TestHost;

beforeAll(async () => {
  lab = await startTestHost();
}, 60_000);

afterAll(async () => {
  await lab?.stop();
});

/** files lists every file below dir, relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((p) => lstatSync(join(dir, p)).isFile());
}

/** keyMaterial is what of a PEM key must never leak: its base64 lines (each a secret on its own). */
function keyMaterial(pem: string): string[] {
  return pem.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----"));
}

/** firstMatch decides a packet for a stateless filter: the first matching rule's action. */
function decide(rules: readonly ExpressionRecord[], p: { protocol: "tcp" | "udp"; source: string; sourcePort: number; port: number }): string {
  const inRange = (range: string, port: number) => {
    if (range === "") return true;
    const [low, high = low] = range.split("-").map(Number);
    return port >= low! && port <= high!;
  };
  const rule = rules.find(
    (r) =>
      (r.Protocol === "ip" || r.Protocol === p.protocol) && (r.SourceNetwork === "" || r.SourceNetwork.split("/")[0] === p.source) && inRange(r.SourcePort, p.sourcePort) && inRange(r.DestinationPort, p.port),
  );
  return rule?.Action ?? "allow"; // a packet filter lets through what no rule names
}

describe("secrets", () => {
  it("never appear in output, logs or state; private files stay private", async () => {
    const credentials = { accessToken: `tok-${randomBytes(12).toString("hex")}`, accessTokenSecret: `sec-${randomBytes(12).toString("hex")}` };
    const sakura = await startSakuraTestServer({ credentials });
    try {
      const p = testProject(lab, sakura);
      const runs: CliRun[] = [];
      const run = async (argv: string[], o: { spawn?: boolean; env?: NodeJS.ProcessEnv } = {}) => {
        const env = { ...p.env, ...o.env };
        const r = o.spawn ? await spawnCli(argv, { cwd: p.cwd, env }) : await runCli(argv, { cwd: p.cwd, env, clock: new FakeClock() });
        runs.push(r);
        return r;
      };
      expect((await run([...p.initArgv.slice(0, -2), "-v"])).exitCode).toBe(0);
      expect((await run(p.initArgv, { spawn: true })).exitCode).toBe(0);
      expect((await run(["profile", "plan", "--offline", "-f", "profiles", "-v"])).exitCode).not.toBe(70);
      expect((await run(["cert", "show", "-o", "json"])).exitCode).toBe(0);

      // the packet filter on the host's shared NIC lets only the operator reach SSH and gRPC
      const created = sakura.store.created();
      const filter = created.find((r): r is PacketFilterRecord => r.kind === "packetfilter")!;
      const server = created.find((r): r is ServerRecord => r.kind === "server")!;
      const nics = created.filter((r): r is InterfaceRecord => r.kind === "interface" && r.serverId === server.id);
      expect(nics.filter((n) => n.packetFilterId === filter.id).map((n) => n.switchId === null || !created.some((r) => r.kind === "switch" && r.id === n.switchId))).toEqual([true]);
      for (const port of [22, 8081]) {
        expect(decide(filter.expression, { protocol: "tcp", source: ALLOW_FROM, sourcePort: 40000, port })).toBe("allow");
        expect(decide(filter.expression, { protocol: "tcp", source: "198.51.100.9", sourcePort: 40000, port })).toBe("deny");
      }
      // a stateless filter answers to source ports: a packet "from" NTP's or DNS's port must not open others
      for (const [protocol, port] of [["tcp", 8080], ["udp", 67], ["udp", 69], ["tcp", 80], ["udp", 53]] as const) {
        for (const sourcePort of [40000, 123, 53]) {
          expect(decide(filter.expression, { protocol, source: ALLOW_FROM, sourcePort, port }), `${protocol}/${port} from port ${sourcePort}`).toBe("deny");
        }
      }
      // matchbox's HTTP side (iPXE, Ignition) listens on the switch address only
      const dropIns = files(p.root).filter((f) => f.includes("matchbox.service.d/"));
      expect(dropIns.map((f) => /MATCHBOX_ADDRESS=(\S+?)"/.exec(readFileSync(join(p.root, f), "utf8"))?.[1])).toEqual(["192.168.0.1:8080"]);

      // a changed host key is refused, and nothing is run on the impostor
      await lab.sshd.rotateHostKey();
      const impostor = await run(p.initArgv);
      expect(impostor.exitCode).toBe(5);
      expect(impostor.stderr).toMatch(/host key/i);

      // the key on the command line, as a user might paste it
      const destroy = await run(["destroy", "--yes", "-v", "--access-token", credentials.accessToken, "--access-token-secret", credentials.accessTokenSecret], { env: { SAKURA_ACCESS_TOKEN: "", SAKURA_ACCESS_TOKEN_SECRET: "" } });
      expect(destroy.exitCode).toBe(0);
      expect(sakura.inventory()).toEqual([]);

      const stateDir = join(p.cwd, ".pxectl");
      const keyFiles = files(stateDir).filter((f) => /\.key$|^ssh\/id_/.test(f) && !f.endsWith(".pub"));
      const secrets = [
        credentials.accessToken,
        credentials.accessTokenSecret,
        Buffer.from(`${credentials.accessToken}:${credentials.accessTokenSecret}`).toString("base64"),
        ...keyMaterial(readFileSync(lab.sshd.clientKey, "utf8")),
        ...keyFiles.flatMap((f) => keyMaterial(readFileSync(join(stateDir, f), "utf8"))),
      ];
      expect(keyFiles.length).toBeGreaterThanOrEqual(3); // ca, server, client: the scan has keys to look for
      const outputs: Array<[string, string]> = runs.flatMap((r, i): Array<[string, string]> => [[`run ${i + 1} stdout`, r.stdout], [`run ${i + 1} stderr`, r.stderr]]);
      const written = files(p.cwd).filter((f) => !keyFiles.includes(relative(".pxectl", f)));
      expect(written.filter((f) => f.startsWith(".pxectl/logs/")).length).toBeGreaterThanOrEqual(3); // in-process runs share one clock, so one log
      for (const f of written) outputs.push([f, readFileSync(join(p.cwd, f), "utf8")]);
      // what is scanned holds the API calls and remote commands, where a leak would show
      expect(outputs.some(([where, text]) => where.startsWith(".pxectl/logs/") && / GET is1a\/zone 200 /.test(text))).toBe(true);
      const hits = outputs.flatMap(([where, text]) => [
        ...secrets.filter((s) => text.includes(s)).map((s) => `${where}: ${s.slice(0, 6)}...`),
        ...(/PRIVATE KEY-----/.test(text) ? [`${where}: a PRIVATE KEY block`] : []),
      ]);
      process.stderr.write(`secrets: ${outputs.length} outputs scanned, ${hits.length} hits\n`);
      expect(hits).toEqual([]);

      // private files: the state folder 0700, keys and logs 0600
      const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
      expect(mode(stateDir)).toBe("700");
      for (const f of keyFiles) expect(`${f} ${mode(join(stateDir, f))}`).toBe(`${f} 600`);
      for (const f of files(join(stateDir, "logs"))) expect(`${f} ${mode(join(stateDir, "logs", f))}`).toBe(`${f} 600`);
      expect(mode(join(stateDir, "state.json"))).toBe("600");
    } finally {
      await sakura.close();
    }
  }, 180_000);
});

describe("matchbox's gRPC API", () => {
  it("answers pxectl's client, and refuses plain text and a certificate of another CA", async () => {
    const mb = await startTestMatchbox();
    await expect((await mb.api()).groupList()).resolves.toEqual([]);

    // raw grpc-js clients: pxectl's own refuses a foreign certificate before dialling
    const call = async (credentials: grpc.ChannelCredentials) => {
      const client = new grpc.Client(mb.endpoint, credentials);
      try {
        return await new Promise<grpc.ServiceError | null>((resolve) => {
          client.makeUnaryRequest("/rpcpb.Groups/GroupList", (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), { deadline: Date.now() + 5000 }, (e) => resolve(e));
        });
      } finally {
        client.close();
      }
    };
    const pem = (path: string) => readFileSync(path);
    const foreign = await testPki("foreign");
    // the control: with the right certificate the call reaches the service (whatever it answers)
    expect((await call(grpc.credentials.createSsl(pem(mb.pki.ca.cert), pem(mb.pki.client.key), pem(mb.pki.client.cert))))?.code).not.toBe(grpc.status.UNAVAILABLE);
    expect((await call(grpc.credentials.createInsecure()))?.code).toBe(grpc.status.UNAVAILABLE);
    expect((await call(grpc.credentials.createSsl(pem(mb.pki.ca.cert), pem(foreign.client.key), pem(foreign.client.cert))))?.code).toBe(grpc.status.UNAVAILABLE);
    expect((await call(grpc.credentials.createSsl(pem(mb.pki.ca.cert))))?.code).toBe(grpc.status.UNAVAILABLE); // no client certificate at all
  });
});
