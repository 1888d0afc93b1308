#!/usr/bin/env bash
# Runs every test: UI (typecheck, lint, Vitest), Rust (unit and integration,
# including the bindings drift check), and end to end in the real window
# under Xvfb. Does the same set-up as run.sh first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

install_system_packages "${APP_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
check_toolchains
install_ui_packages
cd "$REPO_ROOT"
# A one-off build gains nothing from incremental caches, which cost gigabytes.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

say "UI: typecheck, lint, unit tests"
npm --prefix ui run --silent typecheck
npm --prefix ui run --silent lint
npm --prefix ui run --silent test
build_ui

if cargo nextest --version >/dev/null 2>&1; then
  RUST_TEST=(cargo nextest run --no-fail-fast)
else
  say "cargo-nextest not found; using cargo test"
  RUST_TEST=(cargo test --no-fail-fast)
fi

say "Rust: unit and integration tests"
"${RUST_TEST[@]}" --workspace

say "Building the desktop app for the end-to-end tests"
# Every cargo call here selects the whole workspace so that features unify the
# same way each time and no crate is compiled twice in different shapes.
cargo build --workspace --bins
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  say "Installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi
export PATH="$HOME/.cargo/bin:$PATH"

say "End to end: the real app window under Xvfb (screenshots in target/e2e-screenshots/)"
if [ "${RUST_TEST[1]}" = nextest ]; then
  cargo nextest run --workspace -E 'package(reqlink-e2e)' --run-ignored only --test-threads 1 --no-fail-fast
else
  cargo test --workspace --no-fail-fast --test 'e2e_*' -- --ignored --test-threads 1
fi
say "All tests passed"
