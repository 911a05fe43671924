#!/usr/bin/env node
// Adds to package-lock.json an entry for each platform-specific optional dependency that the
// lock names but does not hold (run after `npm install`).
//
// litesvm ships its native binary as optional per-platform packages; the registry these
// machines use serves only `litesvm-linux-x64-gnu`, so `npm install` leaves the others out of
// the lock and `npm ci` then refuses the lock as out of sync ("Missing: litesvm-darwin-arm64@
// from lock file"). An entry with the package's os/cpu/libc, marked optional, keeps `npm ci`
// satisfied; npm skips it on every other platform without fetching it.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const lockPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "package-lock.json");
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
const platform = /-(darwin|linux|win32)-(x64|arm64|ia32)(?:-(gnu|musl|msvc))?$/;
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`;
    const m = platform.exec(name);
    if (lock.packages[target] || !m) continue;
    const [, os, cpu, libc] = m;
    lock.packages[target] = {
      version,
      cpu: [cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(libc && libc !== "msvc" ? { libc: [libc === "gnu" ? "glibc" : "musl"] } : {}),
      optional: true,
      os: [os],
    };
    added += 1;
    console.log(`lock-platform-stubs: ${target} (from ${key})`);
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-stubs: ${added} entries added`);
