// Butane spells Ignition's camelCase keys in snake_case; this derives the spelling from the
// vendored schema so each spec version's keys are known without a hand-kept list.

/** SNAKE_EXCEPTIONS are the keys a plain camel-to-snake rule gets wrong. */
const SNAKE_EXCEPTIONS: Record<string, string> = { sizeMiB: "size_mib", startMiB: "start_mib" };

/** snakeCase returns Butane's name for an Ignition key: sshAuthorizedKeys -> ssh_authorized_keys. */
export function snakeCase(camel: string): string {
  return SNAKE_EXCEPTIONS[camel] ?? camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** EXTRA_KEYS are Butane-only keys, by the schema definition they extend. */
export const EXTRA_KEYS: Readonly<Record<string, readonly string[]>> = {
  "": ["variant", "version"],
  resource: ["inline", "local"],
  "systemd/unit": ["contents_local"],
  "systemd/dropin": ["contents_local"],
  "passwd/user": ["ssh_authorized_keys_local"],
  "storage/filesystem": ["with_mount_unit"],
};

/** UNSUPPORTED_KEYS are valid Butane that pxectl refuses, with the reason. */
export const UNSUPPORTED_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "": {
    boot_device: "boot_device is not supported by pxectl; write the luks/raid/filesystems it expands to",
    grub: "grub is not supported by pxectl; write the file it expands to",
  },
  ignition: { version: "ignition.version is not written in Butane; it follows from variant and version at the top" },
  storage: { trees: "storage.trees is not supported by pxectl; list each file under storage.files with local:" },
};
