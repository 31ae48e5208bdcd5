// The client's zone, with its region's DNS servers (what the nodes' DHCP hands out).
import { CloudApiError } from "../../core/errors";
import { type ClientContext, listOf } from "../client-context";
import { toZoneInfo } from "../convert";
import type { ZoneApi } from "../types";
import { GLOBAL_ZONE } from "../zones";

/** zoneApi implements ZoneApi over ctx. */
export function zoneApi(ctx: ClientContext): ZoneApi {
  return {
    async get() {
      const what = `read zone ${ctx.zone}`;
      const page = await listOf(ctx, { zone: GLOBAL_ZONE, path: "zone", plural: "Zones", what, convert: toZoneInfo }, { filter: { Name: [ctx.zone] } });
      const zone = page.items.find((z) => z.name === ctx.zone);
      if (!zone) throw new CloudApiError(`${what}: the API does not list zone ${ctx.zone}`, { hint: "choose another zone, or check that your account may use this one" });
      return zone;
    },
  };
}
