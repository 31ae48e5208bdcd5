// SSH keys: global; the public key must parse, and the fingerprint is the legacy MD5
// colon-hex form the API shows.
import { createHash } from "node:crypto";
import { badRequest } from "../api-error";
import type { SSHKeyRecord } from "../records";
import { sshKeyView } from "../views";
import { type ApiRequest, type Route, type World, found, listed, single, text, wrapped } from "./common";

const PUBLIC_KEY = /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)) ([A-Za-z0-9+/]+={0,2})(?: .*)?$/;

function fingerprint(publicKey: string): string {
  const m = PUBLIC_KEY.exec(publicKey.trim());
  if (!m) throw badRequest("PublicKey: 公開鍵の形式が不正です。");
  const blob = Buffer.from(m[2]!, "base64");
  // the key blob starts with its own type name: a key whose base64 is not a key fails here
  if (blob.length < 4 || blob.toString("latin1", 4, 4 + blob.readUInt32BE(0)) !== m[1]) throw badRequest("PublicKey: 公開鍵の形式が不正です。");
  return createHash("md5").update(blob).digest("hex").match(/../g)!.join(":");
}

function create(w: World, r: ApiRequest) {
  const body = wrapped(r, "SSHKey");
  const publicKey = text(body.PublicKey, "PublicKey", { required: true, max: 16384 }).trim();
  const key: SSHKeyRecord = {
    kind: "sshkey",
    id: w.store.newId(),
    zone: "is1a",
    name: text(body.Name, "Name", { required: true, max: 64 }),
    description: text(body.Description, "Description"),
    publicKey,
    fingerprint: fingerprint(publicKey),
    createdAt: w.store.timestamp(),
  };
  w.store.put(key);
  return single("SSHKey", sshKeyView(w.store, key), 201);
}

function remove(w: World, r: ApiRequest) {
  const key = found(w, "sshkey", r.zone, r.params.id);
  w.store.delete(key.id);
  return single("SSHKey", sshKeyView(w.store, key));
}

/** sshKeyRoutes are the SSH key endpoints. */
export const sshKeyRoutes: Route[] = [
  { method: "GET", pattern: "sshkey", handler: (w, r) => listed("SSHKeys", w.store.all("sshkey", r.zone).map((k) => sshKeyView(w.store, k)), r.query, w.store.timestamp()) },
  { method: "POST", pattern: "sshkey", handler: create },
  { method: "GET", pattern: "sshkey/:id", handler: (w, r) => single("SSHKey", sshKeyView(w.store, found(w, "sshkey", r.zone, r.params.id))) },
  { method: "DELETE", pattern: "sshkey/:id", handler: remove },
];
