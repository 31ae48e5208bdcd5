// The matchbox test server: matchbox v0.11.0's HTTP and gRPC APIs (mutual TLS), file
// layout, selection rules and log lines, for tests, bench/ and the boot lab.
export { type MatchboxTestServer, type MatchboxTestServerOptions, type TlsFiles, startMatchboxTestServer } from "./server";
export { FileStore, encodeGroupFile, encodeProfileFile, parseGroupFile, parseProfileFile } from "./store";
export { Logger, goQuote, parseLogLevel, rfc3339 } from "./logrus";
