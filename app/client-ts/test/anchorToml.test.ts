/**
 * Anchor.toml points at the localnet: the program ids the code declares, the localnet's URL and
 * the admin keypair file it writes, and the deploy hook's script.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { RESTAKING_PROGRAM_ADDRESS } from "../src/index";
import { REPO_ROOT } from "./helpers";

/** `key = "value"` lines of one `[section]` of a TOML file (enough for Anchor.toml). */
function section(toml: string, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current = "";
  for (const line of toml.split("\n")) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) current = header[1] ?? "";
    const entry = /^\s*([\w-]+)\s*=\s*"([^"]*)"\s*$/.exec(line);
    if (entry && current === name) out[entry[1] ?? ""] = entry[2] ?? "";
  }
  return out;
}

test("Anchor.toml points at the localnet", () => {
  const toml = fs.readFileSync(path.join(REPO_ROOT, "Anchor.toml"), "utf8");
  const programs = section(toml, "programs.localnet");
  assert.equal(programs.restaking, RESTAKING_PROGRAM_ADDRESS);
  const lender = path.join(REPO_ROOT, "programs/lender/src/lib.rs");
  if (fs.existsSync(lender)) {
    const declared = /declare_id!\("(\w+)"\)/.exec(fs.readFileSync(lender, "utf8"))?.[1];
    assert.equal(programs.restaking_lender, declared);
  }
  const provider = section(toml, "provider");
  assert.equal(provider.cluster, "http://127.0.0.1:8899");
  assert.equal(provider.wallet, "target/localnet/admin.json");
  assert.equal(section(toml, "scripts").migrate, "npm --prefix app/client-ts run migrate");
  assert.ok(fs.existsSync(path.join(REPO_ROOT, "migrations/deploy.ts")));
});
