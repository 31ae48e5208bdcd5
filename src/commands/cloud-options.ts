// The SakuraCloud credential flags of every command that calls the API. Each falls back to
// the environment (SAKURA_*, SAKURACLOUD_*), then to a usacloud profile.
import type { Command } from "commander";

/** withCloudOptions adds --profile, --access-token and --access-token-secret (and --zone unless the command has its own). */
export function withCloudOptions(command: Command, { zone = true } = {}): Command {
  command.option("--profile <name>", "usacloud profile with the API key");
  if (zone) command.option("--zone <zone>", "SakuraCloud zone (also SAKURA_ZONE)");
  return command
    .option("--access-token <token>", "SakuraCloud API token (prefer SAKURA_ACCESS_TOKEN)")
    .option("--access-token-secret <secret>", "SakuraCloud API secret (prefer SAKURA_ACCESS_TOKEN_SECRET)");
}
