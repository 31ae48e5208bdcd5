// SSH keys: global resources, always called through the default zone. They have no
// tags, so ownership is the marker in their description.
import { type ClientContext, createWith, findCreated, listOf } from "../client-context";
import { toSSHKey, unwrap } from "../convert";
import { managedDescription } from "../tags";
import type { ListQuery, SSHKeyApi } from "../types";
import type { WireSSHKey } from "../wire";
import { GLOBAL_ZONE } from "../zones";

/** sshKeyApi implements SSHKeyApi over ctx. */
export function sshKeyApi(ctx: ClientContext): SSHKeyApi {
  const { http } = ctx;
  const zone = GLOBAL_ZONE;
  const list = (query?: ListQuery) => listOf(ctx, { zone, path: "sshkey", plural: "SSHKeys", what: "list SSH keys", convert: toSSHKey }, query);

  return {
    list,

    async get(id) {
      const what = `read SSH key ${id}`;
      return toSSHKey(unwrap<WireSSHKey>(await http.call({ method: "GET", zone, path: `sshkey/${id}`, what }), "SSHKey", what));
    },

    async create(spec) {
      const what = `create SSH key "${spec.name}"`;
      const requestId = ctx.requestId();
      const body = { SSHKey: { Name: spec.name, Description: managedDescription(spec.description, ctx.env, requestId), PublicKey: spec.publicKey.trim() } };
      return createWith(ctx, {
        what,
        send: async () => toSSHKey(unwrap<WireSSHKey>(await http.call({ method: "POST", zone, path: "sshkey", what, body }), "SSHKey", what)),
        lookup: async () => findCreated(await list({ name: spec.name }), spec.name, requestId),
      });
    },

    async delete(id) {
      await http.call({ method: "DELETE", zone, path: `sshkey/${id}`, what: `delete SSH key ${id}`, doneIf: (f) => f.status === 404 });
    },
  };
}
