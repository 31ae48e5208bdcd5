// A fake Flatcar release on a StaticServer, laid out as https://<channel>.release.flatcar-linux.net
// (version.txt under current/ and the version, each image with a detached signature), signed by
// a test key.
import type { TestSigner } from "./gpg";
import type { StaticServer } from "./static-server";

/** FLATCAR_TEST_FILES are the release's images and their (tiny) contents. */
export const FLATCAR_TEST_FILES = {
  "flatcar_production_pxe.vmlinuz": "kernel",
  "flatcar_production_pxe_image.cpio.gz": "initrd",
  "flatcar_production_image.bin.bz2": "disk image",
};

/** publishFlatcar serves version at <web>/<prefix>/amd64-usr/, as current; change swaps a file's content after signing. */
export function publishFlatcar(web: StaticServer, signer: TestSigner, o: { prefix: string; version: string; change?: Partial<Record<keyof typeof FLATCAR_TEST_FILES, string>> }): void {
  const base = `/${o.prefix}/amd64-usr`;
  web.put(`${base}/current/version.txt`, `FLATCAR_BUILD=${o.version.split(".")[0]}\nFLATCAR_VERSION=${o.version}\nFLATCAR_VERSION_ID=${o.version}\n`);
  web.put(`${base}/${o.version}/version.txt`, `FLATCAR_VERSION=${o.version}\n`);
  for (const [name, content] of Object.entries(FLATCAR_TEST_FILES)) {
    web.put(`${base}/${o.version}/${name}`, o.change?.[name as keyof typeof FLATCAR_TEST_FILES] ?? content);
    // like releases since 2024, the PXE kernel's signature exists only under the image kernel's name
    const sig = name === "flatcar_production_pxe.vmlinuz" ? "flatcar_production_image.vmlinuz.sig" : `${name}.sig`;
    web.put(`${base}/${o.version}/${sig}`, signer.sign(content));
  }
}
