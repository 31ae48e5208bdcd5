// Switches: the private L2 segment the matchbox host and the nodes share.
import { type ClientContext, createWith, findCreated, listOf } from "../client-context";
import { toSwitch, unwrap } from "../convert";
import { envTag, managedDescription, managedTags } from "../tags";
import type { ListQuery, SwitchApi } from "../types";
import type { WireSwitch } from "../wire";

/** switchApi implements SwitchApi over ctx. */
export function switchApi(ctx: ClientContext): SwitchApi {
  const { http, zone } = ctx;
  const list = (query?: ListQuery) => listOf(ctx, { path: "switch", plural: "Switches", what: "list switches", convert: toSwitch }, query);

  return {
    list,

    async get(id) {
      const what = `read switch ${id}`;
      return toSwitch(unwrap<WireSwitch>(await http.call({ method: "GET", zone, path: `switch/${id}`, what }), "Switch", what));
    },

    async create(spec) {
      const what = `create switch "${spec.name}"`;
      const requestId = ctx.requestId();
      const body = { Switch: { Name: spec.name, Description: managedDescription(spec.description, ctx.env, requestId), Tags: managedTags(ctx.env) } };
      return createWith(ctx, {
        what,
        send: async () => toSwitch(unwrap<WireSwitch>(await http.call({ method: "POST", zone, path: "switch", what, body }), "Switch", what)),
        lookup: async () => findCreated(await list({ name: spec.name, tags: [envTag(ctx.env)] }), spec.name, requestId),
      });
    },

    async delete(id) {
      await http.call({ method: "DELETE", zone, path: `switch/${id}`, what: `delete switch ${id}`, doneIf: (f) => f.status === 404 });
    },
  };
}
