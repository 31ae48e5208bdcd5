// pxectl cert: the project's CA, server and client certificates.
import { Option } from "commander";
import type { Registrar } from "../../cli/command";

export const register: Registrar = (program, runner) => {
  const cert = program.command("cert").description("show and rotate the certificates for matchbox's gRPC API");
  cert
    .command("show")
    .description("subject, addresses, issuer and expiry of each certificate; warns under 30 days")
    .addOption(new Option("--role <role>", "only this certificate").choices(["ca", "server", "client"]))
    .addHelpText("after", "\nExamples:\n  pxectl cert show\n  pxectl cert show --role server -o json | jq .[0].daysLeft")
    .action(runner.action("cert show", () => import("./show")));
  cert
    .command("rotate")
    .description("re-issue the server and/or client certificate under the same CA")
    .option("--server", "re-issue the server certificate (same addresses, plus tls.extra_sans)")
    .option("--client", "re-issue the client certificate")
    .addHelpText("after", "\nExamples:\n  pxectl cert rotate --client\n  pxectl cert rotate --server --client")
    .action(runner.action("cert rotate", () => import("./rotate")));
};
