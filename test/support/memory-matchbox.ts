// MemoryMatchbox: MatchboxApi over maps, like matchbox's storage/testfakes FixedStore, for
// unit tests of the apply engine. Missing objects fail like matchbox's file store does
// (an Unknown-style error naming the file), and every write is counted.
import type { Group, Labels, MatchboxApi, Profile } from "../../src/matchbox/types";

export class MemoryMatchbox implements MatchboxApi {
  readonly profiles = new Map<string, Profile>();
  readonly groups = new Map<string, Group>();
  readonly ignition = new Map<string, Uint8Array>();
  readonly generic = new Map<string, Uint8Array>();
  writes = 0;
  /** failOn makes the named call fail, to test partial applies. */
  failOn: ((call: string, id: string) => boolean) | undefined;

  private write(call: string, id: string): void {
    if (this.failOn?.(call, id)) throw new Error(`injected failure in ${call} ${id}`);
    this.writes++;
  }

  private get<T>(map: Map<string, T>, dir: string, id: string): T {
    const v = map.get(id);
    if (v === undefined) throw new Error(`open /var/lib/matchbox/${dir}/${id}: no such file or directory`);
    return structuredClone(v);
  }

  private remove<T>(map: Map<string, T>, dir: string, call: string, id: string): Promise<void> {
    this.write(call, id);
    if (!map.delete(id)) throw new Error(`remove /var/lib/matchbox/${dir}/${id}: no such file or directory`);
    return Promise.resolve();
  }

  groupPut(group: Group) {
    this.write("groupPut", group.id);
    this.groups.set(group.id, structuredClone(group));
    return Promise.resolve();
  }
  groupGet(id: string) {
    return Promise.resolve(this.get(this.groups, "groups", id));
  }
  groupDelete(id: string) {
    return this.remove(this.groups, "groups", "groupDelete", id);
  }
  groupList() {
    return Promise.resolve([...this.groups.values()].map((g) => structuredClone(g)));
  }
  profilePut(profile: Profile) {
    this.write("profilePut", profile.id);
    this.profiles.set(profile.id, structuredClone(profile));
    return Promise.resolve();
  }
  profileGet(id: string) {
    return Promise.resolve(this.get(this.profiles, "profiles", id));
  }
  profileDelete(id: string) {
    return this.remove(this.profiles, "profiles", "profileDelete", id);
  }
  profileList() {
    return Promise.resolve([...this.profiles.values()].map((p) => structuredClone(p)));
  }
  ignitionPut(name: string, config: Uint8Array) {
    this.write("ignitionPut", name);
    this.ignition.set(name, config);
    return Promise.resolve();
  }
  ignitionGet(name: string) {
    return Promise.resolve(this.get(this.ignition, "ignition", name));
  }
  ignitionDelete(name: string) {
    return this.remove(this.ignition, "ignition", "ignitionDelete", name);
  }
  genericPut(name: string, config: Uint8Array) {
    this.write("genericPut", name);
    this.generic.set(name, config);
    return Promise.resolve();
  }
  genericGet(name: string) {
    return Promise.resolve(this.get(this.generic, "generic", name));
  }
  genericDelete(name: string) {
    return this.remove(this.generic, "generic", "genericDelete", name);
  }
  selectGroup(_labels: Labels): Promise<Group> {
    return Promise.reject(new Error("MemoryMatchbox does not select; use the matchbox test server"));
  }
  selectProfile(_labels: Labels): Promise<Profile> {
    return Promise.reject(new Error("MemoryMatchbox does not select; use the matchbox test server"));
  }
  close(): void {}
}
