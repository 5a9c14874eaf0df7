#!/usr/bin/env bash
# Install the Debian packages that provide the given tools, but only the missing ones.
#
# Usage: scripts/ensure-system-packages.sh TOOL[:PACKAGE]...
#   TOOL is a command looked up on PATH, or an absolute path (globs allowed) for
#   programs Debian keeps off PATH; PACKAGE defaults to TOOL.
#   e.g. scripts/ensure-system-packages.sh chromium docker-compose
#
# Prints nothing when everything is present. When something is missing and cannot be
# installed (no apt-get, or no root and no sudo), prints one line naming it and exits 1.
set -euo pipefail

present() {
    case "$1" in
        /*) compgen -G "$1" >/dev/null ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

missing=()
for spec in "$@"; do
    tool=${spec%%:*}
    package=${spec#*:}
    if ! present "$tool"; then
        missing+=("$package")
    fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages: ${missing[*]} (apt-get is not available here: install them by hand, then run again)." >&2
    exit 1
fi

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "Missing system packages: ${missing[*]} (installing them needs root, and sudo is not available)." >&2
    exit 1
fi

echo "Installing Debian packages: ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
