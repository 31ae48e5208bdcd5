// The keys that vouch for what the installer downloads, pinned by fingerprint.
import flatcarKey from "./flatcar-image-signing-key.asc";
import type { SigningKey } from "../signatures";

/**
 * FLATCAR_SIGNING_KEY signs Flatcar's release images ("Flatcar Buildbot (Official Builds)
 * <buildbot@flatcar-linux.org>", rsa4096, created 2018-02-26), as published at
 * https://www.flatcar.org/security/image-signing-key/Flatcar_Image_Signing_Key.asc. Images
 * are signed by yearly subkeys; this copy (2025-03-07) holds the one valid to 2027-03-08,
 * so it must be refreshed before then.
 */
export const FLATCAR_SIGNING_KEY: SigningKey = { armored: flatcarKey, fingerprint: "F88CFEDEFF29A5B4D9523864E25D9AED0593B34A" };

/**
 * MATCHBOX_KEY_FINGERPRINT is Dalton Hubble's key, which signs matchbox's release tarballs
 * (the .tar.gz.asc files; matchbox's docs verify with `gpg --recv-key` of it). Its public
 * key is not embedded: it is fetched from a keyserver, and a signature counts only if gpgv
 * reports this primary fingerprint, so a wrong key from the keyserver cannot vouch.
 */
export const MATCHBOX_KEY_FINGERPRINT = "2E3D92BF07D9DDCCB3BAE4A48F515AD1602065C8";

/** KEYSERVER serves public keys by fingerprint (HKP over HTTPS). */
export const KEYSERVER = "https://keyserver.ubuntu.com";

/** keyserverUrl is where a keyserver serves the armored key with this fingerprint. */
export function keyserverUrl(keyserver: string, fingerprint: string): string {
  return `${keyserver}/pks/lookup?op=get&options=mr&search=0x${fingerprint}`;
}
