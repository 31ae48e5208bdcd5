// Flatcar in matchbox's assets on the host: init's assets step and pxectl assets prefetch
// mirror a release the same way and record which one is there (status checks it).
import type { StateStore } from "../config/state";
import type { RemoteHost } from "../remote";
import type { FlatcarAssets, PrefetchResult } from "../remote/installer";

/** mirrorFlatcar mirrors a release under root (the one init installed under) and records it in state. */
export async function mirrorFlatcar(host: RemoteHost, store: StateStore, assets: FlatcarAssets, root: string | undefined): Promise<PrefetchResult> {
  const { prefetchFlatcar } = await import("../remote/installer");
  const r = await prefetchFlatcar(host, assets, { root });
  await store.update((s) => {
    s.host = { ...s.host, flatcar_version: r.version, flatcar_assets: r.assetPath };
  });
  return r;
}
