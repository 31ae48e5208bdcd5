// Folders with an owner and a mode: created when missing, fixed when different.
import { quote, quoteAll } from "../shell";
import { type Account, ROOT_ACCOUNT } from "./accounts";
import type { StepResult } from "./step";
import type { Target } from "./target";

/** Folder is a folder as the installer wants it. */
export interface Folder {
  path: string;
  mode: number;
  owner?: Account;
}

/** ensureFolders creates or fixes folders; it reports which ones it touched. */
export async function ensureFolders(target: Target, folders: readonly Folder[]): Promise<StepResult> {
  const script = [`set -- ${quoteAll(folders.map((f) => target.path(f.path)))}`, `for p do if [ -d "$p" ]; then stat -c '%a %u %g' -- "$p"; else echo missing; fi; done`].join("\n");
  const seen = (await target.run(script, { label: "inspect folders", logOutput: false })).stdout.trimEnd().split("\n");
  const fixes: string[] = [];
  const details: string[] = [];
  folders.forEach((f, i) => {
    const owner = f.owner ?? ROOT_ACCOUNT;
    const want = `${f.mode.toString(8)} ${owner.uid} ${owner.gid}`;
    if (seen[i] === want) return;
    const path = quote(target.path(f.path));
    fixes.push(`mkdir -p ${path} && chown ${owner.uid}:${owner.gid} ${path} && chmod ${f.mode.toString(8).padStart(4, "0")} ${path}`);
    details.push(`${seen[i] === "missing" ? "created" : "fixed owner or mode of"} ${f.path} (${owner.name}, ${f.mode.toString(8).padStart(4, "0")})`);
  });
  if (fixes.length > 0) await target.run(fixes.join("\n"), { label: "create folders" });
  return { changed: fixes.length > 0, details };
}
