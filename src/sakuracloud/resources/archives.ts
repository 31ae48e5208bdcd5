// Archives (OS images): the matchbox host is installed from the newest public archive
// carrying a release's "-latest" tag (Ubuntu 24.04 or Debian 12, see host-archives.ts).
import { NotFoundError } from "../../core/errors";
import { type ClientContext, listOf } from "../client-context";
import { toArchive, unwrap } from "../convert";
import type { Archive, ArchiveApi, ListQuery } from "../types";
import type { WireArchive } from "../wire";

/** archiveApi implements ArchiveApi over ctx. */
export function archiveApi(ctx: ClientContext): ArchiveApi {
  const { http, zone } = ctx;
  const list = (query?: ListQuery) => listOf(ctx, { path: "archive", plural: "Archives", what: "list archives", convert: toArchive }, query);

  return {
    list,

    async get(id) {
      const what = `read archive ${id}`;
      return toArchive(unwrap<WireArchive>(await http.call({ method: "GET", zone, path: `archive/${id}`, what }), "Archive", what));
    },

    findPublicUbuntu(release): Promise<Archive> {
      // SakuraCloud moves the "ubuntu-<release>-latest" tag to each new point release (iaas-api-go ostype).
      return this.findPublic(`ubuntu-${release}-latest`, `Ubuntu ${release}`);
    },

    async findPublic(tag, title): Promise<Archive> {
      const page = await list({ tags: [tag], filter: { Scope: ["shared"] }, sort: ["-CreatedAt"] });
      const newest = page.items
        .filter((a) => a.availability === "available")
        .sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? "") || Number(BigInt(b.id) - BigInt(a.id)))[0];
      if (!newest) {
        throw new NotFoundError(`zone ${zone} has no public ${title} archive (tag ${tag})`, {
          hint: "choose another zone, or check the public archives in the control panel",
        });
      }
      return newest;
    },
  };
}
