// Every command group, in the order --help lists them. Each registrar is light:
// it declares flags and points at a module that is imported only when run.
import type { Registrar } from "../cli/command";
import { register as assets } from "./assets";
import { register as cert } from "./cert";
import { register as completion } from "./completion";
import { register as config } from "./config";
import { register as destroy } from "./destroy";
import { register as group } from "./group";
import { register as init } from "./init";
import { register as lab } from "./lab";
import { register as node } from "./node";
import { register as profile } from "./profile";
import { register as status } from "./status";
import { register as watch } from "./watch";

export const REGISTRARS: readonly Registrar[] = [init, status, destroy, node, watch, lab, profile, group, assets, config, cert, completion];

/**
 * The top-level words (names and aliases) of each registrar. A run whose command word is listed
 * here registers only that group: commander's objects for every command cost each run a garbage
 * collection. completion is not listed: it describes the whole tree, so it gets every group, as
 * does a word found nowhere here. test/cli/groups.test.ts checks this table against the registrars.
 */
export const COMMAND_WORDS: ReadonlyMap<Registrar, readonly string[]> = new Map<Registrar, readonly string[]>([
  [init, ["init"]],
  [status, ["status", "doctor"]],
  [destroy, ["destroy"]],
  [node, ["node"]],
  [watch, ["watch"]],
  [lab, ["lab"]],
  [profile, ["profile"]],
  [group, ["group"]],
  [assets, ["assets"]],
  [config, ["config"]],
  [cert, ["cert"]],
]);
