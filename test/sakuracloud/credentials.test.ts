// Where the API key, zone and root URL come from: flags, SAKURA_*, SAKURACLOUD_*, then a
// usacloud profile; the token and secret always as a pair.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, UsageError } from "../../src/core/errors";
import { createSakuraApi, resolveCredentials } from "../../src/sakuracloud";
import { startTestServer } from "../support/sakuracloud/connect";
import { tempDir } from "../support/tempdir";

const profile = (o: Record<string, unknown>) => JSON.stringify({ AccessToken: "profile-token", AccessTokenSecret: "profile-secret", ...o });
const pair = (token: string) => ({ accessToken: `${token}-token`, accessTokenSecret: `${token}-secret` });

describe("resolveCredentials", () => {
  const home = () => tempDir({ ".usacloud/default/config.json": profile({ Zone: "tk1a" }) });

  it("takes flags first, then SAKURA_*, then SAKURACLOUD_*, then the profile", async () => {
    const env = { SAKURA_ACCESS_TOKEN: "env-token", SAKURA_ACCESS_TOKEN_SECRET: "env-secret", SAKURACLOUD_ACCESS_TOKEN: "legacy-token", SAKURACLOUD_ACCESS_TOKEN_SECRET: "legacy-secret" };
    const h = home();
    expect(await resolveCredentials({ env, home: h, flags: pair("flag") })).toMatchObject({ credentials: pair("flag"), credentialSource: "--access-token" });
    expect(await resolveCredentials({ env, home: h })).toMatchObject({ credentials: pair("env"), credentialSource: "SAKURA_ACCESS_TOKEN" });
    const legacy = { SAKURACLOUD_ACCESS_TOKEN: "legacy-token", SAKURACLOUD_ACCESS_TOKEN_SECRET: "legacy-secret" };
    expect(await resolveCredentials({ env: legacy, home: h })).toMatchObject({ credentials: pair("legacy"), credentialSource: "SAKURACLOUD_ACCESS_TOKEN" });
    expect(await resolveCredentials({ env: {}, home: h })).toMatchObject({ credentials: pair("profile"), credentialSource: 'usacloud profile "default"' });
  });

  it("never mixes a token from one place with a secret from another", async () => {
    const e = await resolveCredentials({ env: { SAKURA_ACCESS_TOKEN: "t" }, home: home() }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UsageError);
    expect(e).toMatchObject({ message: "SAKURA_ACCESS_TOKEN is set but SAKURA_ACCESS_TOKEN_SECRET is not", hint: "set both SAKURA_ACCESS_TOKEN and SAKURA_ACCESS_TOKEN_SECRET, or neither" });
  });

  it("takes the zone from --zone, SAKURA_ZONE, SAKURACLOUD_ZONE, pxectl.yaml, the profile, else is1a", async () => {
    const h = home();
    const env = { SAKURA_ZONE: "is1b", SAKURACLOUD_ZONE: "is1c" };
    expect(await resolveCredentials({ env, home: h, flags: { zone: "tk1v" } })).toMatchObject({ zone: "tk1v", zoneSource: "--zone" });
    expect(await resolveCredentials({ env, home: h })).toMatchObject({ zone: "is1b", zoneSource: "SAKURA_ZONE" });
    expect(await resolveCredentials({ env: { SAKURACLOUD_ZONE: "is1c" }, home: h })).toMatchObject({ zone: "is1c" });
    expect(await resolveCredentials({ env: {}, home: h, project: { zone: "tk1b" } })).toMatchObject({ zone: "tk1b", zoneSource: "sakuracloud.zone in pxectl.yaml" });
    expect(await resolveCredentials({ env: {}, home: h })).toMatchObject({ zone: "tk1a", zoneSource: `Zone in ${join(h, ".usacloud/default/config.json")}` });
    const bare = tempDir({ ".usacloud/default/config.json": profile({}) });
    expect(await resolveCredentials({ env: {}, home: bare })).toMatchObject({ zone: "is1a", zoneSource: "the default zone" });
  });

  it("rejects an unknown zone with the one that was meant", async () => {
    const e = await resolveCredentials({ env: { SAKURA_ZONE: "is1d" }, home: home() }).catch((err: unknown) => err);
    expect(e).toMatchObject({ message: 'SAKURA_ZONE: unknown zone "is1d"', hint: "did you mean is1a? (zones: is1a, is1b, is1c, tk1a, tk1b, tk1v)" });
  });

  it("follows ~/.usacloud/current and the profile variables, and --profile over both", async () => {
    const h = tempDir({
      ".usacloud/current": "work\n",
      ".usacloud/work/config.json": profile({ AccessToken: "work-token", AccessTokenSecret: "work-secret" }),
      ".usacloud/lab/config.json": profile({ AccessToken: "lab-token", AccessTokenSecret: "lab-secret", APIRootURL: "http://127.0.0.1:1/cloud/zone/" }),
    });
    expect(await resolveCredentials({ env: {}, home: h })).toMatchObject({ credentials: pair("work"), credentialSource: 'usacloud profile "work"' });
    expect(await resolveCredentials({ env: { USACLOUD_PROFILE: "lab" }, home: h })).toMatchObject({ credentials: pair("lab"), rootUrl: "http://127.0.0.1:1/cloud/zone" });
    expect(await resolveCredentials({ env: { SAKURA_PROFILE: "lab" }, home: h, flags: { profile: "work" } })).toMatchObject({ credentials: pair("work") });
    expect(await resolveCredentials({ env: {}, home: h, project: { profile: "lab" } })).toMatchObject({ credentials: pair("lab") });
  });

  it("reads *_PROFILE_DIR as the profile folder (newer clients) or as the folder holding .usacloud (older ones)", async () => {
    const direct = tempDir({ "default/config.json": profile({ AccessToken: "direct-token", AccessTokenSecret: "direct-secret" }) });
    const base = tempDir({ ".usacloud/default/config.json": profile({ AccessToken: "base-token", AccessTokenSecret: "base-secret" }) });
    expect(await resolveCredentials({ env: { SAKURA_PROFILE_DIR: direct }, home: "/nonexistent" })).toMatchObject({ credentials: pair("direct") });
    expect(await resolveCredentials({ env: { SAKURACLOUD_PROFILE_DIR: base }, home: "/nonexistent" })).toMatchObject({ credentials: pair("base") });
  });

  it("says a named profile is missing, and a broken profile where it is", async () => {
    const h = tempDir({ ".usacloud/bad/config.json": "{ not json" });
    const missing = await resolveCredentials({ env: {}, home: h, flags: { profile: "nope" } }).catch((err: unknown) => err);
    expect(missing).toMatchObject({ message: `usacloud profile "nope" does not exist (looked in ${join(h, ".usacloud")})` });
    const broken = await resolveCredentials({ env: {}, home: h, flags: { profile: "bad" } }).catch((err: unknown) => err);
    expect(broken).toBeInstanceOf(ConfigError);
    expect((broken as ConfigError).message).toMatch(new RegExp(`^${join(h, ".usacloud/bad/config.json")}: not valid JSON: `));
  });

  it("says where to put a key when there is none", async () => {
    const e = await resolveCredentials({ env: {}, home: tempDir() }).catch((err: unknown) => err);
    expect(e).toMatchObject({ message: "no SakuraCloud API key found", hint: "export SAKURA_ACCESS_TOKEN and SAKURA_ACCESS_TOKEN_SECRET, or create a usacloud profile (usacloud config)" });
  });

  it("takes the API root from SAKURA_API_ROOT_URL, then SAKURACLOUD_API_ROOT_URL, without trailing slashes", async () => {
    const env = { SAKURA_ACCESS_TOKEN: "t", SAKURA_ACCESS_TOKEN_SECRET: "s" };
    const h = tempDir();
    expect((await resolveCredentials({ env, home: h })).rootUrl).toBe("https://secure.sakura.ad.jp/cloud/zone");
    expect((await resolveCredentials({ env: { ...env, SAKURACLOUD_API_ROOT_URL: "http://127.0.0.1:9/cloud/zone//" }, home: h })).rootUrl).toBe("http://127.0.0.1:9/cloud/zone");
    expect((await resolveCredentials({ env: { ...env, SAKURA_API_ROOT_URL: "http://a/x", SAKURACLOUD_API_ROOT_URL: "http://b/y" }, home: h })).rootUrl).toBe("http://a/x");
    await expect(resolveCredentials({ env: { ...env, SAKURA_API_ROOT_URL: "ftp://x" }, home: h })).rejects.toThrow('SAKURA_API_ROOT_URL: "ftp://x" is not an http(s) URL');
  });

  it("points a client at the test server through SAKURA_API_ROOT_URL, as a user would", async () => {
    const server = await startTestServer();
    const env = { SAKURA_API_ROOT_URL: server.rootUrl, SAKURA_ACCESS_TOKEN: server.credentials.accessToken, SAKURA_ACCESS_TOKEN_SECRET: server.credentials.accessTokenSecret, SAKURA_ZONE: "tk1v" };
    const resolved = await resolveCredentials({ env, home: tempDir() });
    const api = createSakuraApi({ ...resolved, env: "demo" });
    try {
      expect((await api.zones.get()).name).toBe("tk1v");
    } finally {
      api.close();
    }
  });
});
