// Building remote shell command lines: quoting, sudo, and the supervisor that ties a
// command's life to its SSH channel. Pure string functions; nothing here runs anything.

/** quote makes a word safe for a POSIX shell, whatever it contains. */
export function quote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** quoteAll quotes every word and joins them with spaces. */
export function quoteAll(words: readonly string[]): string {
  return words.map(quote).join(" ");
}

/**
 * SUPERVISOR runs "$1" in its own session and kills that whole process group when the
 * channel's stdin reaches end-of-file. Without a pty, closing an SSH channel does not stop
 * the remote command (a `journalctl -f` would live on until it next writes), and sshd's
 * "signal" request cannot reach a command running under sudo as another user. Closing
 * stdin works in every case: on a timeout, a cancel, or a dropped connection.
 * The command itself reads /dev/null; its exit status is the supervisor's.
 */
const SUPERVISOR = [
  "exec 3<&0",
  'setsid sh -c "$1" </dev/null &',
  "cmd=$!",
  '{ cat <&3 >/dev/null; kill -TERM -"$cmd"; sleep 2; kill -KILL -"$cmd"; } >/dev/null 2>&1 &',
  "watcher=$!",
  "exec 3<&-",
  'wait "$cmd"; status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join("\n");

/** supervised wraps command so that closing the channel's stdin kills it and its children. */
export function supervised(command: string): string {
  return `sh -c ${quote(SUPERVISOR)} pxectl-supervisor ${quote(command)}`;
}

/**
 * asRoot makes command run as root: unchanged for root, through `sudo -n` otherwise.
 * -n makes sudo fail at once instead of waiting for a password nobody can type.
 */
export function asRoot(command: string, user: string): string {
  return user === "root" ? command : `sudo -n -- sh -c ${quote(command)}`;
}
