// Adds lockfile entries for platform-specific optional packages that the
// package registry reachable from this workplace does not serve.
//
// Why: rollup and @tauri-apps/cli ship their native binaries as optional
// packages, one per platform (@rollup/rollup-darwin-x64, ...). The registry
// here serves only some of them at the versions we use, so `npm install`
// leaves the others out of package-lock.json, and `npm ci` then refuses the
// lockfile as "not in sync" ("Missing: @rollup/rollup-darwin-x64@ from lock
// file"). An entry with the right os/cpu/libc is all `npm ci` needs: on a
// machine of another platform npm skips the package without fetching it.
//
// Run after any `npm install` that changes rollup or @tauri-apps/cli:
//   node scripts/complete-lockfile.mjs && npm ci
import { readFileSync, writeFileSync } from "node:fs";

const OS = ["darwin", "linux", "win32", "android", "freebsd", "openbsd", "netbsd", "openharmony", "sunos", "aix"];
const CPU = ["x64", "arm64", "arm", "ia32", "riscv64", "ppc64", "s390x", "loong64", "mips64el"];

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!os || !cpu) return null;
  const last = parts[parts.length - 1];
  const libc = os !== "linux" ? undefined : /musl/.test(last) ? "musl" : /gnu/.test(last) ? "glibc" : undefined;
  return { os, cpu, libc };
}

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;
const added = [];

for (const [key, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `node_modules/${name}`;
    if (packages[where]) continue;
    const platform = platformOf(name);
    if (!platform) throw new Error(`${key} has optional ${name}, which is missing and not platform-specific`);
    if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`${name}: expected an exact version, got ${version}`);
    // Field order as npm writes it.
    packages[where] = {
      version,
      cpu: [platform.cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(platform.libc ? { libc: [platform.libc] } : {}),
      optional: true,
      os: [platform.os],
    };
    added.push(`${name}@${version}`);
  }
}

// npm keeps the keys sorted, with the root ("") first.
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.length} entries:\n  ${added.join("\n  ")}` : "lockfile already complete");
