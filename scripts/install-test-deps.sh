#!/usr/bin/env bash
# Installs what the real-server tests need on Debian bookworm: redis-server (with redis-cli),
# PostgreSQL 15 with its server headers, pgvector, tmux, jq (README's examples pipe to it)
# and a C toolchain.
#
# Idempotent: when everything is present it only checks and exits. Otherwise it runs
# `apt-get update` once and installs what is missing. Run as root.
#
# bookworm ships no pgvector binary package, so pgvector is built from Debian's own source
# package in trixie: a deb-src line for trixie is added (on the mirror the machine already
# uses), `apt-get source pgvector` fetches it, and PGXS builds and installs it for PG 15.
set -euo pipefail

PG_MAJOR=15
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
VECTOR_CONTROL=/usr/share/postgresql/$PG_MAJOR/extension/vector.control
VECTOR_SO=/usr/lib/postgresql/$PG_MAJOR/lib/vector.so
TRIXIE_SRC_LIST=/etc/apt/sources.list.d/ctxlens-trixie-src.list
# dpkg-dev provides `apt-get source` (dpkg-source unpacks the package).
PACKAGES=(redis-server "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" tmux jq build-essential dpkg-dev)

say() { echo "install-test-deps: $*"; }

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

vector_installed() {
  [ -f "$VECTOR_CONTROL" ] && [ -f "$VECTOR_SO" ]
}

# The Debian mirror the machine's enabled sources already use (deb822 or one-line format).
debian_mirror() {
  local files=() uri
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  if [ ${#files[@]} -gt 0 ]; then
    uri=$(
      {
        sed -n 's/^[[:space:]]*URIs:[[:space:]]*//p' "${files[@]}" | tr ' ' '\n'
        sed -n 's/^[[:space:]]*deb\(-src\)\?[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\3/p' "${files[@]}"
      } | grep -E '^https?://[^[:space:]]+/debian/?$' | head -n 1 || true
    )
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

missing=()
for p in "${PACKAGES[@]}"; do
  installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ] && vector_installed; then
  say "everything present (${PACKAGES[*]}, pgvector for PostgreSQL $PG_MAJOR)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  say "must run as root to install: ${missing[*]:-} ${VECTOR_CONTROL}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

# Temp files and the trixie source line go when the script ends, so that later `apt-get update`s
# on this machine don't fetch trixie's source index.
cleanup=()
trap 'rm -rf "${cleanup[@]}"' EXIT

# The trixie source line goes in before the single `apt-get update`.
if ! vector_installed && [ ! -f "$TRIXIE_SRC_LIST" ]; then
  mirror=$(debian_mirror)
  say "adding trixie sources from $mirror to $TRIXIE_SRC_LIST (bookworm has no pgvector package)"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$TRIXIE_SRC_LIST"
  cleanup+=("$TRIXIE_SRC_LIST")
fi

say "apt-get update"
apt-get update -qq

if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! vector_installed; then
  work=$(mktemp -d)
  cleanup+=("$work")
  # apt downloads as the unprivileged _apt user where it can write.
  chown _apt "$work" 2>/dev/null || true
  say "fetching Debian's pgvector source package into $work"
  (cd "$work" && apt-get source -qq pgvector)
  src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
  if [ -z "$src" ]; then
    say "apt-get source pgvector unpacked nothing in $work" >&2
    exit 1
  fi
  # OPTFLAGS="" as Debian's own build does: no -march=native, so the library runs on any
  # x86-64 this machine image is moved to.
  say "building $(basename "$src") for PostgreSQL $PG_MAJOR"
  make -s -C "$src" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" -j"$(nproc)"
  say "installing $(basename "$src")"
  make -s -C "$src" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" install
fi

fail=0
for p in "${PACKAGES[@]}"; do
  installed "$p" || { say "still missing: $p" >&2; fail=1; }
done
for f in "$VECTOR_CONTROL" "$VECTOR_SO"; do
  [ -f "$f" ] || { say "still missing: $f" >&2; fail=1; }
done
[ "$fail" -eq 0 ] || exit 1
say "done: ${PACKAGES[*]} and pgvector for PostgreSQL $PG_MAJOR are installed"
