// The matchbox test server as a program, taking matchbox's own flags, e.g.
//   npx tsx test/support/matchbox/main.ts -address 127.0.0.1:0 -rpc-address 127.0.0.1:0 \
//     -data-path /tmp/mb -assets-path '' -cert-file tls/server.crt -key-file tls/server.key -ca-file tls/ca.crt
// Logs go to stderr in matchbox's format; the addresses it listens on go to stdout.
// It depends on nothing test-only, so it can be bundled and run as "the matchbox binary".
import { registerTextHooks } from "../../../scripts/text-hooks.mjs";

// the server imports .proto files as text: under tsx that needs the hook, before the import
registerTextHooks();
import("./cli")
  .then(({ main }) => main(process.argv.slice(2), process.env))
  .then((code) => {
    if (code !== undefined) process.exitCode = code;
  })
  .catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
