#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: system packages, Rust and Node
# checks, UI packages and the UI build. Sourced, not run.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Libraries Tauri v2 needs on Linux to build and run the window.
APP_PACKAGES=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev
  libayatana-appindicator3-dev libssl-dev pkg-config build-essential file curl)
# Extra for the end-to-end tests: a virtual display and WebKit's WebDriver.
TEST_PACKAGES=(xvfb webkit2gtk-driver)

install_system_packages() {
  local wanted=("$@") missing=()
  if ! command -v dpkg-query >/dev/null 2>&1; then
    if pkg-config --exists webkit2gtk-4.1 2>/dev/null; then
      say "Not a Debian/Ubuntu system; webkit2gtk-4.1 found, assuming the rest is installed"
      return
    fi
    die "Not a Debian/Ubuntu system. Install the equivalents of: ${wanted[*]}
  (Fedora: webkit2gtk4.1-devel gtk3-devel libsoup3-devel librsvg2-devel openssl-devel xorg-x11-server-Xvfb;
   Arch: webkit2gtk-4.1 gtk3 libsoup3 librsvg openssl xorg-server-xvfb), then run this again."
  fi
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "System packages present"
    return
  fi
  say "Installing system packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "Need root to install ${missing[*]}; install them and run again."
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

check_toolchains() {
  command -v cargo >/dev/null 2>&1 || die "Rust is missing: install it from https://rustup.rs (1.90 or newer), then run this again."
  command -v node >/dev/null 2>&1 || die "Node.js is missing: install Node 20.19+ (with npm), then run this again."
  local node_major node_minor
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  node_minor=$(node -p 'process.versions.node.split(".")[1]')
  if [ "$node_major" -lt 20 ] || { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 19 ]; }; then
    die "Node $(node --version) is too old for Vite 7: install Node 20.19 or newer."
  fi
}

install_ui_packages() {
  cd "$REPO_ROOT/ui"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing UI packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  else
    say "UI packages up to date"
  fi
  cd "$REPO_ROOT"
}

build_ui() {
  say "Building the UI"
  npm --prefix "$REPO_ROOT/ui" run --silent build
}
