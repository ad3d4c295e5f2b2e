#!/usr/bin/env bash
# Brings a fresh clone to a runnable state, and does nothing that is already
# done: Debian packages the project needs, npm packages, the Rust addon, and
# the TypeScript build. `npm start` and `npm test` both call it first.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  say "waves needs Node 20 or later; this is $(node --version)"; exit 1
fi

# Debian packages: flatc regenerates and checks the schema code; redis-server
# backs the Redis tests.
need_apt=()
command -v flatc >/dev/null 2>&1 || need_apt+=(flatbuffers-compiler)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Debian packages: ${need_apt[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

stamp_of() { cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1; }

lock_stamp=$(stamp_of package.json package-lock.json)
if [ ! -d node_modules ] || [ "$(cat node_modules/.waves-stamp 2>/dev/null)" != "$lock_stamp" ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_stamp" > node_modules/.waves-stamp
fi

native_stamp=$(stamp_of native/package.json native/Cargo.toml native/Cargo.lock native/build.rs $(find native/src -name '*.rs' | sort))
addon=$(ls native/*.node 2>/dev/null | head -n 1 || true)
if [ -z "$addon" ] || [ "$(cat native/.waves-stamp 2>/dev/null)" != "$native_stamp" ]; then
  if command -v cargo >/dev/null 2>&1; then
    say "building the Rust addon (release)"
    npm run --silent build:native
    echo "$native_stamp" > native/.waves-stamp
  else
    say "cargo not found: the Rust addon is not built and the TypeScript fallback will be used"
  fi
fi

npm run --silent build
