#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine, builds the UI and the desktop app,
# and launches Reqlink. Extra arguments go to the app (e.g. --data-dir DIR).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

install_system_packages "${APP_PACKAGES[@]}"
check_toolchains
install_ui_packages
build_ui
say "Building the desktop app (the first build takes several minutes)"
cd "$REPO_ROOT"
cargo build -p reqlink-desktop
say "Launching Reqlink"
exec "$REPO_ROOT/target/debug/reqlink-desktop" "$@"
