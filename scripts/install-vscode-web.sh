#!/usr/bin/env bash
# Installs a real VS Code that works without internet access: code-server (the VS Code
# workbench, 1.100, served to a browser, with a real Node extension host), plus Debian's
# Chromium to drive it headless. Used by the end-to-end tests (test/e2e/) and `npm start`.
#
#   usage: scripts/install-vscode-web.sh [PREFIX]   (default PREFIX: $HOME/.cache/vscode-web)
#          scripts/install-vscode-web.sh --apt-packages   (prints the Debian packages it needs)
#   then:  PREFIX/bin/code-server --auth none --bind-addr 127.0.0.1:PORT \
#            --user-data-dir DIR --extensions-dir DIR FOLDER
#
# Why not @vscode/test-electron: it downloads a VS Code build at test time, which machines
# without internet (CI included) cannot do. code-server comes from the npm registry instead.
#
# Why the extra steps: code-server's own postinstall downloads ripgrep from GitHub and
# builds native modules that need system headers; both fail offline. Here ripgrep comes
# from Debian and the native modules are built with node-gyp against Node's own headers.
#
# Idempotent: a second run with the same PREFIX and version returns at once.
set -euo pipefail

# Debian packages: ripgrep replaces the binary the postinstall would download; the -dev
# packages and pkg-config are the system headers code-server's native modules compile
# against; chromium is the browser the tests drive.
APT_PACKAGES="ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config chromium"
if [ "${1:-}" = "--apt-packages" ]; then echo "$APT_PACKAGES"; exit 0; fi

PREFIX="${1:-$HOME/.cache/vscode-web}"
# 4.100.x is the last code-server line that runs on Node 20 (later ones need Node 22).
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
if [ -x "$PREFIX/bin/code-server" ] && [ -f "$PREFIX/.complete-$VERSION" ]; then
  echo "code-server $VERSION ready in $PREFIX"
  exit 0
fi

# apt-get update only when something is missing: it is slow, and a second run of this
# script (or a CI run that installed the packages already) must not pay for it.
missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -q $missing >/dev/null
fi

# node-gyp would download Node's headers from the internet unless told where they are.
# Debian/NodeSource Node ships them under <prefix>/include/node.
NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$NODE_PREFIX/include/node/node.h" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
fi

echo "installing code-server $VERSION into $PREFIX (takes a minute or two)"
mkdir -p "$PREFIX"
cd "$PREFIX"
[ -f package.json ] || echo '{"name":"vscode-web","private":true}' > package.json
# --ignore-scripts: the postinstall is what fails offline; its work is done by hand below.
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >/dev/null
# argon2 (password hashing of code-server itself) is the one native module of the outer package.
npm rebuild argon2 >/dev/null

# The VS Code part of code-server has its own dependencies, installed the same way.
VS="$PREFIX/node_modules/code-server/lib/vscode"
(cd "$VS" && npm install --no-audit --no-fund --ignore-scripts --omit=dev >/dev/null)
# Search (Ctrl+Shift+F, quick open) spawns ripgrep from this path.
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
# The native modules the server and extension host load at start (terminal, file watcher,
# logging, ...): built against this machine's Node.
for m in kerberos node-pty @vscode/spdlog native-watchdog @parcel/watcher @vscode/deviceid; do
  (cd "$VS/node_modules/$m" && npx --yes node-gyp rebuild >/dev/null 2>&1) || { echo "native build failed: $m" >&2; exit 1; }
done
# What the postinstall would also have done: the server looks modules up in
# node_modules.asar, and the CLI/browser helpers under these names.
ln -sfn node_modules "$VS/node_modules.asar"
(cd "$VS/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$VS/bin/helpers" && ln -sfn browser-linux.sh browser.sh)
# The built-in extensions (git, markdown, themes...) have runtime dependencies of their own.
(cd "$VS/extensions" && npm install --no-audit --no-fund --omit=dev >/dev/null)

mkdir -p "$PREFIX/bin"
ln -sfn "$PREFIX/node_modules/.bin/code-server" "$PREFIX/bin/code-server"
# Written last, so an interrupted install is redone from the start next time.
touch "$PREFIX/.complete-$VERSION"
echo "code-server $VERSION ready in $PREFIX"
