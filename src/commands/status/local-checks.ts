// The checks that need only this machine (and matchbox's gRPC port): pxectl.yaml, what
// init recorded, the certificates, a gRPC call with them, and the registered nodes.
import type { Context } from "../../cli/context";
import { FailedError } from "../../core/errors";
import { type Project, buildCommand } from "../../config/project";
import { type State, statePaths } from "../../config/state";
import type { Check, CheckOutcome } from "../../environment/checks";
import { previousFailure } from "../../environment/journal";
import { probeMatchboxGrpc } from "../../environment/matchbox-probes";
import { resolveMatchboxSettings } from "../../matchbox/connect";
import { describeCertificate, loadLeaf, requireCa, tlsPaths } from "../../pki";
import { hostSettings } from "../../remote/installer/settings";

/** Found is what earlier checks learned, for the checks that need them (set before they run). */
export interface Found {
  project?: Project;
  state?: Readonly<State>;
}

/** EXPIRY_WARNING_DAYS: certificates closer than this to expiry make a warning. */
export const EXPIRY_WARNING_DAYS = 30;

const pass = (detail: string): CheckOutcome => ({ status: "pass", detail });

/** localChecks are config, init, certificates, grpc and nodes; certificates are judged at now. */
export function localChecks(ctx: Context, found: Found, now: Date): Record<"config" | "init" | "certificates" | "grpc" | "nodes", Check> {
  return {
    config: {
      name: "config",
      async run() {
        const project = await ctx.project();
        hostSettings(project.config, ctx.display(project.path), project.locate); // what the schema cannot check: addresses that must agree
        found.project = project;
        return pass(`${ctx.display(project.path)}: environment ${project.config.name} on ${project.config.provider}`);
      },
    },
    init: {
      name: "init",
      needs: ["config"],
      async run() {
        const store = await ctx.readState();
        const state = (found.state = store.state);
        const name = found.project!.config.name;
        const build = buildCommand(found.project!.config);
        const stopped = previousFailure(store, "init");
        const where = stopped ? `pxectl init stopped at "${stopped.step}"${stopped.error ? ` (${stopped.error})` : ""}` : undefined;
        if (state.env && state.env !== name) {
          throw new FailedError(`${ctx.display(ctx.stateDir)} belongs to environment "${state.env}", but pxectl.yaml says "${name}"`, { hint: "use the pxectl.yaml of that environment, or another folder" });
        }
        if (typeof state.matchbox?.grpc_endpoint !== "string") {
          throw new FailedError(where ?? "there is no environment here yet", { hint: where ? "run pxectl init again: it resumes where it stopped" : `run ${build}` });
        }
        if (where) return { status: "warn", detail: `built, but the last ${where}`, hint: "run pxectl init again to finish it" };
        return pass(`environment ${name}: gRPC ${String(state.matchbox.grpc_endpoint)}, HTTP ${String(state.matchbox.http_endpoint)}`);
      },
    },
    certificates: {
      name: "certificates",
      needs: ["init"],
      async run() {
        const paths = tlsPaths(statePaths(ctx.stateDir).tls);
        const o = { display: ctx.display, now, fs: ctx.fs };
        const ca = await requireCa(paths, ctx.display, ctx.fs);
        const days = {
          client: describeCertificate((await loadLeaf(paths, "client", o)).cert, o.now).daysLeft,
          server: describeCertificate((await loadLeaf(paths, "server", o)).cert, o.now).daysLeft,
          CA: describeCertificate(ca.cert, o.now).daysLeft,
        };
        if (days.CA < 0) throw new FailedError(`the CA ${ctx.display(paths.ca.cert)} has expired`, { hint: "a CA cannot be renewed: run pxectl init in a new project" });
        const detail = Object.entries(days).map(([role, d]) => `${role} ${d} days`).join(", ") + " left";
        const [role, soonest] = Object.entries(days).sort((a, b) => a[1] - b[1])[0]!;
        if (soonest < EXPIRY_WARNING_DAYS) {
          return { status: "warn", detail: `the ${role} certificate expires in ${soonest} days (${detail})`, hint: role === "CA" ? "a CA cannot be renewed: plan a new project before it expires" : `pxectl cert rotate --${role}` };
        }
        if (found.state?.tls?.server_deploy_pending) return { status: "warn", detail: `the host still has the server certificate from before the last rotation (${detail})`, hint: "run pxectl init to deploy the new one" };
        return pass(`issued by this project's CA; ${detail}`);
      },
    },
    grpc: {
      name: "grpc",
      needs: ["init", "certificates"],
      async run(signal) {
        const settings = resolveMatchboxSettings({ flags: {}, env: ctx.env, cwd: ctx.cwd, stateDir: ctx.stateDir, state: found.state! });
        const groups = await probeMatchboxGrpc(settings, { now, signal, display: ctx.display });
        return pass(`${settings.endpoint} answers over mutual TLS (${groups} groups)`);
      },
    },
    nodes: {
      name: "nodes",
      needs: ["init"],
      run() {
        const nodes = Object.values(found.state!.nodes);
        if (nodes.length === 0) return Promise.resolve(pass("none registered yet (pxectl node add)"));
        const stages = new Map<string, number>();
        for (const n of nodes) {
          const stage = typeof n.stage === "string" ? n.stage : "declared";
          stages.set(stage, (stages.get(stage) ?? 0) + 1);
        }
        return Promise.resolve(pass(`${nodes.length} registered: ${[...stages].map(([s, n]) => `${n} ${s}`).join(", ")}`));
      },
    },
  };
}
