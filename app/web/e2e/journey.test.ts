/**
 * The browser journey: the built app in Debian's Chromium against a real localnet, with the
 * Wallet Standard test wallet signing as alice. Each step asserts what the page shows and, for
 * every transaction, the balances on chain; each step saves a screenshot under
 * app/web/screenshots/.
 *
 * Steps run in order and share one localnet, one page and one wallet.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { BrowserContext, Locator, Page } from "playwright-core";
import {
  Localnet,
  REPO_ROOT,
  WEB_DIR,
  chainReader,
  clearScreenshots,
  injectWallet,
  launchBrowser,
  screenshot,
  serveStatic,
  tempDir,
  walletConfig,
} from "./harness";

const ONE = 1_000_000_000n;
const REWARD = 1_000_000n;
const DIST = path.resolve(WEB_DIR, process.env.WEB_DIST ?? "dist");
const TIMEOUT = 30_000;

let net: Localnet;
let server: { url: string; close: () => Promise<void> };
let context: BrowserContext;
let page: Page;
let chain: ReturnType<typeof chainReader>;
let tmp: string;
const timings: { step: string; ms: number }[] = [];
let stepStart = 0;
const consoleErrors: string[] = [];

// Journey facts: alice, the SPL stake-pool LST pool, operators X (10 %) and Y (5 %).
let alice: ReturnType<typeof walletConfig>;
let aliceLst: string;
let pool: Localnet["addresses"]["pools"][number];
let rewardMint: string;

const text = (s: string) => s.replace(/\s+/g, " ").trim();

/** Base units from the page's "1,234.5" text. */
function units(shown: string, decimals = 9): bigint {
  const clean = shown.replace(/[^\d.]/g, "");
  const [w = "0", f = ""] = clean.split(".");
  return BigInt(w || "0") * 10n ** BigInt(decimals) + BigInt((f + "0".repeat(decimals)).slice(0, decimals) || "0");
}

/** The exact base units behind a stat (its first amount's `data-raw`). */
async function raw(testId: string): Promise<bigint> {
  const value = await page.getByTestId(testId).locator("[data-raw]").first().getAttribute("data-raw");
  assert.ok(value !== null, `${testId} shows no amount`);
  return BigInt(value);
}

/** Waits until a stat's exact base units satisfy `ok`; returns them. */
async function waitRaw(testId: string, ok: (value: bigint) => boolean, what: string): Promise<bigint> {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const value = await raw(testId).catch(() => null);
    if (value !== null && ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${testId}: expected ${what}, page has ${value}`);
    await page.waitForTimeout(250);
  }
}

async function statValue(testId: string): Promise<string> {
  return text(await page.getByTestId(testId).innerText());
}

/** Waits until the stat's text satisfies `ok` (the page refreshes every 3 s). */
async function waitStat(testId: string, ok: (value: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + TIMEOUT;
  let last = "";
  for (;;) {
    last = await statValue(testId).catch(() => "");
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`${testId}: expected ${what}, page shows "${last}"`);
    await page.waitForTimeout(250);
  }
}

/** Waits until `locator`'s text matches `pattern`; returns the text. */
async function waitText(locator: Locator, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + TIMEOUT;
  let last = "";
  for (;;) {
    last = text(await locator.innerText().catch(() => ""));
    if (pattern.test(last)) return last;
    if (Date.now() > deadline) throw new Error(`expected ${pattern}, page shows "${last}"`);
    await page.waitForTimeout(100);
  }
}

async function near(actual: bigint, expected: bigint, tolerance: bigint, what: string) {
  const diff = actual > expected ? actual - expected : expected - actual;
  assert.ok(diff <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

async function walletState(): Promise<{ requests: number; signed: number }> {
  return page.evaluate(() => {
    const w = (window as unknown as { __testWallet: { requests: number; signed: number } }).__testWallet;
    return { requests: w.requests, signed: w.signed };
  });
}

async function tab(name: string) {
  await page.getByRole("tab", { name, exact: true }).click();
}

/** Waits for the newest operation in the activity panel to end; returns its state and text. */
async function lastOperation(): Promise<{ state: string; text: string; op: Locator }> {
  const op = page.getByTestId("operation").first();
  await op.waitFor({ state: "visible", timeout: TIMEOUT });
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-testid="operation"]');
      return el !== null && el.getAttribute("data-state") !== "running";
    },
    undefined,
    { timeout: 60_000 },
  );
  return { state: (await op.getAttribute("data-state")) ?? "", text: text(await op.innerText()), op };
}

async function expectSuccess(what: string) {
  const { state, text: t } = await lastOperation();
  assert.equal(state, "succeeded", `${what} did not succeed: ${t}`);
  return t;
}

async function submit(testId: string, amount: string) {
  await page.getByTestId(testId).fill(amount);
  await page.getByTestId("action-submit").click();
}

let failed: string | null = null;

/** A journey step: skipped once an earlier step failed (the later ones build on it). */
function step(name: string, fn: () => Promise<void>) {
  test(name, async (t) => {
    if (failed) {
      t.skip(`an earlier step failed: ${failed}`);
      return;
    }
    try {
      await fn();
    } catch (e) {
      failed = name;
      await screenshot(page, `failed-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}`).catch(() => undefined);
      throw e;
    }
  });
}

function begin() {
  stepStart = Date.now();
}

function end(step: string) {
  timings.push({ step, ms: Date.now() - stepStart });
}

describe("web app journey against the localnet", { concurrency: false }, () => {
  before(async () => {
    clearScreenshots();
    tmp = tempDir("restaking-web-e2e-");
    net = await Localnet.start(tmp);
    chain = chainReader(net.rpcUrl);
    pool = net.pool("spl");
    rewardMint = net.addresses.rewardMints[0]?.mint ?? "";
    const w = net.wallet("alice");
    alice = walletConfig(w.keypair, "alice");
    aliceLst = w.tokenAccounts[pool.lstMint] ?? (await chain.ata(w.pubkey, pool.lstMint));
    server = await serveStatic(DIST, net.addressesFile);
    context = await launchBrowser(path.join(tmp, "chromium-profile"));
    await injectWallet(context, alice);
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    // Measure layout shifts from the first paint.
    await page.addInitScript(() => {
      const w = window as unknown as { __cls: number };
      w.__cls = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) {
          if (!entry.hadRecentInput) w.__cls += entry.value;
        }
      }).observe({ type: "layout-shift", buffered: true });
    });
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await net?.stop().catch(() => undefined);
    if (timings.length > 0) {
      const lines = timings.map((t) => `  ${t.step}: ${(t.ms / 1000).toFixed(1)} s`);
      const total = timings.reduce((s, t) => s + t.ms, 0);
      const report = `journey timings (total ${(total / 1000).toFixed(1)} s):\n${lines.join("\n")}\n`;
      process.stdout.write(report);
      fs.mkdirSync(path.join(WEB_DIR, "screenshots"), { recursive: true });
      fs.writeFileSync(path.join(WEB_DIR, "screenshots", "timings.txt"), report);
    }
    if (consoleErrors.length > 0) process.stdout.write(`browser console errors:\n${consoleErrors.join("\n")}\n`);
    if (process.env.WEB_KEEP_TMP !== "1") fs.rmSync(tmp, { recursive: true, force: true });
  });

  step("the page loads the pools from the localnet, without layout shift", async () => {
    begin();
    await page.goto(server.url);
    const cards = page.getByTestId("pool-card");
    await cards.first().waitFor({ timeout: TIMEOUT });
    assert.equal(await cards.count(), net.addresses.pools.length);
    const spl = page.locator(`[data-testid="pool-card"][data-pool="${pool.pool}"]`);
    assert.match(text(await spl.getByTestId("pool-rate").innerText()), /1\.000000 SOL per LST/);
    assert.match(text(await spl.getByTestId("pool-freshness").innerText()), /SPL stake pool · fresh/);
    assert.match(text(await spl.getByTestId("pool-cap").innerText()), /No cap/);
    assert.equal(text(await spl.getByTestId("pool-delay").innerText()), "7 d");
    const manual = net.addresses.pools.find((p) => p.rateSource.kind === "manual");
    if (manual) {
      const card = page.locator(`[data-testid="pool-card"][data-pool="${manual.pool}"]`);
      assert.match(text(await card.getByTestId("pool-freshness").innerText()), /^pushed by an updater · fresh · pushed \d+ s ago \(valid 14 d\)$/);
    }
    const marinade = net.addresses.pools.find((p) => p.rateSource.kind === "marinade");
    if (marinade) {
      const card = page.locator(`[data-testid="pool-card"][data-pool="${marinade.pool}"]`);
      assert.match(text(await card.getByTestId("pool-freshness").innerText()), /^Marinade · fresh · read live from Marinade's state$/);
    }
    await page.getByTestId("operator-card").first().waitFor({ timeout: TIMEOUT });
    assert.equal(await page.getByTestId("operator-card").count(), 2);
    const x = page.locator(`[data-testid="operator-card"][data-operator="${net.operator("operator-x").operator}"]`);
    assert.match(text(await x.getByTestId("operator-commission").innerText()), /^10 %/);
    assert.match(text(await x.getByTestId("operator-services").innerText()), /may slash up to 20 %/);
    assert.match(text(await x.getByTestId("operator-slashes").innerText()), /Never slashed/);
    await page.waitForTimeout(500);
    const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls);
    assert.ok(cls < 0.05, `cumulative layout shift ${cls} while loading`);
    await screenshot(page, "01-pools-before-connecting");
    end("load pools");
  });

  step("connect the injected Wallet Standard wallet with the keyboard", async () => {
    begin();
    const connect = page.getByRole("button", { name: /Connect E2E Test Wallet/ });
    await connect.waitFor({ timeout: TIMEOUT });
    await page.evaluate(() => {
      (window as unknown as { __cls: number }).__cls = 0;
    });
    // Tab from the top of the page to the connect button and press Enter.
    await page.keyboard.press("Tab");
    let found = false;
    for (let i = 0; i < 12 && !found; i += 1) {
      found = await connect.evaluate((el) => el === document.activeElement);
      if (!found) await page.keyboard.press("Tab");
    }
    assert.ok(found, "the connect button is reachable with Tab");
    await page.keyboard.press("Enter");
    await page.getByTestId("wallet-connected").waitFor({ timeout: TIMEOUT });
    assert.match(text(await page.getByTestId("wallet-connected").innerText()), new RegExp(`alice · ${alice.address.slice(0, 4)}…${alice.address.slice(-4)}`));
    await waitStat("wallet-lst", (v) => v === "1,000 LST", "1,000 LST in the wallet");
    assert.match(text(await page.getByTestId("no-position").innerText()), /No position in this pool yet/);
    const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls);
    assert.ok(cls < 0.05, `cumulative layout shift ${cls} while the position loads`);
    await screenshot(page, "02-connected");
    end("connect");
  });

  step("an over-balance or over-precise amount is refused before anything is signed", async () => {
    begin();
    await tab("Deposit");
    const before = await walletState();
    await page.getByTestId("deposit-amount").fill("5000");
    assert.equal(text(await page.getByTestId("deposit-amount-error").innerText()), "More than the 1,000 LST in your wallet.");
    assert.ok(await page.getByTestId("action-submit").isDisabled(), "deposit button disabled");
    await screenshot(page, "03-over-balance-refused");
    await page.getByTestId("deposit-amount").fill("1.0000000001");
    assert.equal(text(await page.getByTestId("deposit-amount-error").innerText()), "Use at most 9 decimals.");
    assert.ok(await page.getByTestId("action-submit").isDisabled());
    await page.getByTestId("deposit-amount").fill("abc");
    assert.equal(text(await page.getByTestId("deposit-amount-error").innerText()), "Enter a number, like 12.5.");
    assert.deepEqual(await walletState(), before, "the wallet was not asked to sign");
    assert.equal(await chain.tokenBalance(aliceLst), 1_000n * ONE);
    end("over-balance input");
  });

  step("a signature declined in the wallet sends nothing and says so", async () => {
    begin();
    await page.evaluate(() => {
      (window as unknown as { __testWallet: { reject: boolean } }).__testWallet.reject = true;
    });
    await submit("deposit-amount", "100");
    const { state, text: t } = await lastOperation();
    assert.equal(state, "rejected");
    assert.match(t, /You declined the signature in your wallet, so nothing was sent\./);
    await waitText(page.getByTestId("action-result"), /You declined the signature/);
    assert.equal((await walletState()).requests, 1, "the wallet was asked once");
    await screenshot(page, "04-signature-declined");
    await page.evaluate(() => {
      (window as unknown as { __testWallet: { reject: boolean } }).__testWallet.reject = false;
    });
    assert.equal(await chain.tokenBalance(aliceLst), 1_000n * ONE, "the wallet still holds 1,000 LST");
    assert.equal(await chain.tokenBalance(pool.vault), 0n, "the vault is empty");
    end("declined signature");
  });

  step("deposit 100 LST (opens the position)", async () => {
    begin();
    await submit("deposit-amount", "100");
    const t = await expectSuccess("deposit");
    assert.match(t, /Open the position and deposit Confirmed/);
    assert.match(t, /1 transaction, 1 signature/);
    await waitStat("idle-lst", (v) => v === "100 LST", "100 idle LST");
    await waitStat("wallet-lst", (v) => v === "900 LST", "900 LST in the wallet");
    assert.equal(await chain.tokenBalance(aliceLst), 900n * ONE);
    assert.equal(await chain.tokenBalance(pool.vault), 100n * ONE);
    await screenshot(page, "05-deposited");
    end("deposit");
  });

  step("delegate 40 LST to operator-x and 30 LST to operator-y", async () => {
    begin();
    await tab("Delegate");
    const x = net.operator("operator-x");
    const y = net.operator("operator-y");
    await page.getByRole("radio", { name: /operator-x/ }).check();
    assert.match(text(await page.getByTestId("operator-option").filter({ hasText: "operator-x" }).innerText()), /commission 10 %.*secures 1 service.*never slashed/);
    await page.getByTestId("delegate-amount").fill("100.5");
    assert.equal(text(await page.getByTestId("delegate-amount-error").innerText()), "More than your 100 idle LST: deposit more first.");
    await submit("delegate-amount", "40");
    await expectSuccess("delegate to X");
    await waitStat("idle-lst", (v) => v === "60 LST", "60 idle");
    await page.getByRole("radio", { name: /operator-y/ }).check();
    await page.getByTestId("delegate-amount").fill("60.000000001");
    assert.equal(text(await page.getByTestId("delegate-amount-error").innerText()), "More than your 60 idle LST: deposit more first.");
    await submit("delegate-amount", "30");
    await expectSuccess("delegate to Y");
    await waitStat("idle-lst", (v) => v === "30 LST", "30 idle");
    await waitStat("delegated-lst", (v) => v === "70 LST", "70 delegated");
    const rows = page.getByTestId("delegation-row");
    assert.equal(await rows.count(), 2);
    assert.match(text(await rows.filter({ hasText: "operator-x" }).innerText()), /operator-x 40 LST/);
    assert.match(text(await rows.filter({ hasText: "operator-y" }).innerText()), /operator-y 30 LST/);
    // On chain: the Rust CLI's view of the same position agrees.
    const cliView = await net.cli(["--json", "position", alice.address, "--pool", pool.pool]);
    assert.match(cliView, /40000000000|40\.0/, `the CLI sees the delegation to X: ${cliView.slice(0, 400)}`);
    assert.ok(x.operator && y.operator);
    assert.equal(await chain.tokenBalance(pool.vault), 100n * ONE, "the LST stays in the vault");
    await screenshot(page, "06-delegated-to-two-operators");
    end("delegate x2");
  });

  step("a rate move and reward fundings (through the CLI) appear as pending yield and claimable rewards", async () => {
    begin();
    const service = net.addresses.services[0];
    assert.ok(service);
    await net.cli(["set-rate", "--pool", pool.lstMint, "--rate", "1.05"]);
    await net.cli(["fund-rewards", "--pool", pool.pool, "--operator", net.operator("operator-x").operator, "--mint", rewardMint, "1000"], service.authority.keypair);
    await net.cli(["fund-rewards", "--pool", pool.pool, "--operator", net.operator("operator-y").operator, "--mint", rewardMint, "500"], service.authority.keypair);
    const spl = page.locator(`[data-testid="pool-card"][data-pool="${pool.pool}"]`);
    await page.waitForFunction(
      (id) => document.querySelector(`[data-pool="${id}"] [data-testid="pool-rate"]`)?.textContent?.includes("1.050000") ?? false,
      pool.pool,
      { timeout: TIMEOUT },
    );
    assert.match(text(await spl.getByTestId("pool-rate").innerText()), /1\.050000/);
    // 100 LST of principal 100 SOL at 1.05: 100 − ceil(100 / 1.05) per leg, summed over idle 30, X 40, Y 30.
    const expectedYield = 30n * ONE - (30n * ONE * 100n + 104n) / 105n + (40n * ONE - (40n * ONE * 100n + 104n) / 105n) + (30n * ONE - (30n * ONE * 100n + 104n) / 105n);
    await waitStat("pending-yield", (v) => units(v) > 0n, "pending base yield");
    await near(await raw("pending-yield"), expectedYield, 3n, "pending base yield shown");
    // X keeps 10 % of 1,000, Y 5 % of 500: alice alone is delegated, so 900 + 475.
    // (rounded down through the reward index: a few base units of dust stay in the stream)
    const rewards = await waitStat("claimable-rewards", (v) => units(v, 6) > 1_374n * REWARD, "1,375 reward claimable");
    await near(await raw("claimable-rewards"), 1_375n * REWARD, 2n, "claimable rewards shown");
    assert.match(rewards, / reward$/);
    assert.match(text(await page.getByTestId("claim-note").innerText()), /^Pays 4\.761904 LST of base yield and 1,37[45][.\d]* reward in 2 transactions \(one wallet approval, 2 signatures\)\.$/);
    await screenshot(page, "07-yield-and-rewards-pending");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => document.getElementById("position-title")?.scrollIntoView({ block: "start" }));
    await screenshot(page, "07-phone-yield-and-rewards-pending", false);
    await page.setViewportSize({ width: 1280, height: 900 });
    end("rate move + rewards");
  });

  step("claim everything in one click: base yield in LST and every reward stream", async () => {
    begin();
    const lstBefore = await chain.tokenBalance(aliceLst);
    const pending = await raw("pending-yield");
    const claimable = await raw("claimable-rewards");
    const before = await walletState();
    await page.getByTestId("claim-everything").click();
    const t = await expectSuccess("claim everything");
    assert.match(t, /2 transactions, 2 signatures in one wallet approval/);
    assert.match(t, /Create a token account to receive the payments Confirmed/);
    assert.match(t, /Claim 2 delegations Confirmed/);
    const after = await walletState();
    assert.equal(after.requests - before.requests, 1, "one wallet approval");
    assert.equal(after.signed - before.signed, 2, "two signatures");
    const rewardAta = await chain.ata(alice.address, rewardMint);
    assert.equal(await chain.tokenBalance(rewardAta), claimable, "the reward tokens on chain are the claimable rewards shown");
    const gained = (await chain.tokenBalance(aliceLst)) - lstBefore;
    await near(gained, pending, 2n, "base yield paid equals the pending yield shown");
    await waitStat("pending-yield", (v) => v === "0 LST", "nothing pending");
    await waitStat("claimable-rewards", (v) => v.startsWith("0 reward"), "no rewards left");
    await screenshot(page, "08-claimed");
    end("claim everything");
  });

  step("undelegate: a cancelled undelegation returns to the bucket; then everything from both operators: tickets with their countdown", async () => {
    begin();
    await tab("Undelegate");
    // An undelegation cancelled goes back into the bucket.
    await page.getByRole("radio", { name: /operator-x/ }).check();
    await submit("undelegate-amount", "1");
    await expectSuccess("undelegate 1 LST from X");
    await page.getByTestId("ticket").first().waitFor({ timeout: TIMEOUT });
    await page.getByTestId("ticket-cancel").first().click();
    const cancelled = await expectSuccess("cancel the undelegation");
    assert.match(cancelled, /Cancel the undelegation Confirmed/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ticket"]').length === 0, undefined, { timeout: TIMEOUT });
    const expected = (70n * ONE * 100n) / 105n;
    await waitRaw("delegated-lst", (v) => v + 3n >= expected && v <= expected + 3n, "the cancelled undelegation delegated again");
    for (const name of ["operator-x", "operator-y"]) {
      await page.getByRole("radio", { name: new RegExp(name) }).check();
      await page.getByRole("button", { name: "Max" }).click();
      await page.getByTestId("action-submit").click();
      await expectSuccess(`undelegate from ${name}`);
    }
    await waitStat("delegated-lst", (v) => v === "0 LST", "nothing delegated");
    await waitStat("queued-lst", (v) => units(v) > 0n, "queued LST");
    const queued = await raw("queued-lst");
    await near(queued, (70n * ONE * 100n) / 105n, 3n, "queued LST is the principal at 1.05");
    const tickets = page.getByTestId("ticket");
    assert.equal(await tickets.count(), 2);
    for (const c of await page.getByTestId("ticket-countdown").allInnerTexts()) assert.match(c, /Unlocks in (7 d|6 d 23 h)/);
    assert.ok(await page.getByTestId("ticket-complete").first().isDisabled(), "complete waits for maturity");
    await screenshot(page, "09-undelegation-tickets");
    end("undelegate x2");
  });

  step("move the clock 7 days (CLI warp) and complete both undelegations back to idle", async () => {
    begin();
    await net.cli(["warp", "--days", "7", "--seconds", "60"]);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="ticket-countdown"]')].every((e) => e.textContent === "Ready"), undefined, {
      timeout: TIMEOUT,
    });
    await screenshot(page, "10-tickets-ready");
    for (let i = 0; i < 2; i += 1) {
      await page.getByTestId("ticket-complete").first().click();
      await expectSuccess("complete an undelegation");
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="ticket"]').length === n, 1 - i, { timeout: TIMEOUT });
    }
    await waitStat("idle-lst", (v) => units(v) > 90n * ONE, "idle back");
    const idle = await raw("idle-lst");
    await near(idle, (100n * ONE * 100n) / 105n, 4n, "idle holds the 100 SOL of principal at 1.05");
    end("warp + complete");
  });

  step("withdraw: a cancelled request returns to idle; then everything: request, wait the delay, complete, and the wallet holds its LST again", async () => {
    begin();
    await tab("Withdraw");
    // A withdrawal cancelled goes back to idle.
    const idleBefore = await raw("idle-lst");
    await submit("withdraw-amount", "1");
    await expectSuccess("request a withdrawal of 1 LST");
    await page.getByTestId("ticket").first().waitFor({ timeout: TIMEOUT });
    await page.getByTestId("ticket-cancel").first().click();
    assert.match(await expectSuccess("cancel the withdrawal"), /Cancel the withdrawal Confirmed/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="ticket"]').length === 0, undefined, { timeout: TIMEOUT });
    await waitRaw("idle-lst", (v) => v === idleBefore, "the cancelled withdrawal idle again");
    await page.getByRole("button", { name: "Max" }).click();
    await page.getByTestId("action-submit").click();
    await expectSuccess("request withdrawal");
    await waitStat("idle-lst", (v) => v === "0 LST", "no idle left");
    await page.getByTestId("ticket").first().waitFor();
    assert.equal(await page.getByTestId("ticket").first().getAttribute("data-kind"), "withdraw");
    await net.cli(["warp", "--days", "7", "--seconds", "60"]);
    await page.waitForFunction(() => document.querySelector('[data-testid="ticket-countdown"]')?.textContent === "Ready", undefined, { timeout: TIMEOUT });
    await page.getByTestId("ticket-complete").first().click();
    await expectSuccess("complete the withdrawal");
    await waitStat("withdrawing-lst", (v) => v === "0 LST", "nothing withdrawing");
    assert.ok((await raw("total-lst")) <= 5n, "the position keeps at most rounding dust");
    const lst = await chain.tokenBalance(aliceLst);
    assert.ok(lst <= 1_000n * ONE && lst >= 1_000n * ONE - 5n, `alice holds her 1,000 LST back less rounding dust: ${lst}`);
    assert.ok((await chain.tokenBalance(pool.vault)) <= 5n, "the vault keeps at most rounding dust");
    await screenshot(page, "11-withdrawn");
    end("withdraw + complete");
  });

  step("a paused pool: the page says so and the program's refusal is a sentence, with no signature asked", async () => {
    begin();
    await net.cli(["set-pause", "all"], net.addresses.guardian.keypair);
    await page.getByTestId("pause-banner").waitFor({ timeout: TIMEOUT });
    assert.match(text(await page.getByTestId("pause-banner").innerText()), /deposits and delegations are paused/);
    await tab("Deposit");
    const before = await walletState();
    await submit("deposit-amount", "1");
    const { state, text: t } = await lastOperation();
    assert.equal(state, "failed");
    assert.match(t, /Deposits are paused\. \(DepositsPaused\)/);
    assert.deepEqual(await walletState(), before, "the wallet was not asked to sign a refused transaction");
    await waitText(page.getByTestId("action-result"), /Deposits are paused\. \(DepositsPaused\)/);
    await screenshot(page, "12-paused");
    await net.cli(["set-pause", "none"], net.addresses.admin.keypair);
    await page.getByTestId("pause-banner").waitFor({ state: "detached", timeout: TIMEOUT });
    end("paused pool");
  });

  step("a slash request shows in the operator's slash history, and the picker refuses new delegations to it", async () => {
    begin();
    const service = net.addresses.services[0];
    assert.ok(service);
    const x = net.operator("operator-x");
    await net.cli(["request-slash", "--pool", pool.pool, "--operator", x.operator, "--bps", "500", "--evidence", "double signing"], service.slasher.keypair);
    const card = page.locator(`[data-testid="operator-card"][data-operator="${x.operator}"]`);
    await waitText(card.getByTestId("operator-slashes"), /^Pending · 5 % requested .* · executable /);
    assert.match(text(await card.innerText()), /slash pending/);
    await tab("Delegate");
    const option = page.getByTestId("operator-option").filter({ hasText: "operator-x" });
    assert.match(text(await option.innerText()), /a slash is pending/);
    await page.getByRole("radio", { name: /operator-x/ }).check();
    await page.getByTestId("delegate-amount").fill("1");
    assert.equal(
      text(await page.getByTestId("delegate-amount-error").innerText()),
      "A slash is pending on this operator: it takes no new delegations until it is executed, vetoed or expired.",
    );
    assert.ok(await page.getByTestId("action-submit").isDisabled());
    await screenshot(page, "13-slash-pending");
    end("slash request");
  });

  step("phone width: one column, nothing wider than the screen", async () => {
    begin();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 390px screen`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "14-phone", false);
    await page.evaluate(() => document.getElementById("position-title")?.scrollIntoView({ block: "start" }));
    await screenshot(page, "15-phone-position", false);
    const tabs = page.getByRole("tab");
    for (let i = 0; i < (await tabs.count()); i += 1) {
      const box = await tabs.nth(i).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `tab ${i} is on screen`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    end("phone width");
  });
  test("the browser console stayed free of errors", () => {
    assert.deepEqual(consoleErrors, []);
  });

  test("npm run dev: the dev server (127.0.0.1) serves the app and the localnet's addresses file", async () => {
    begin();
    process.env.VITE_ADDRESSES = net.addressesFile;
    const { createServer } = await import("vite");
    const dev = await createServer({ root: WEB_DIR, configFile: path.join(WEB_DIR, "vite.config.ts"), server: { port: 0, host: "127.0.0.1" }, logLevel: "error" });
    try {
      await dev.listen();
      const url = dev.resolvedUrls?.local[0];
      assert.ok(url?.startsWith("http://127.0.0.1:"), `dev server on 127.0.0.1: ${url}`);
      const addresses = (await (await fetch(`${url}addresses.json`)).json()) as { rpcUrl: string };
      assert.equal(addresses.rpcUrl, net.rpcUrl);
      const devPage = await context.newPage();
      await devPage.goto(url as string);
      await devPage.getByTestId("pool-card").first().waitFor({ timeout: 60_000 });
      assert.equal(await devPage.getByTestId("pool-card").count(), net.addresses.pools.length);
      await devPage.getByRole("button", { name: /Connect E2E Test Wallet/ }).waitFor();
      await devPage.close();
    } finally {
      await dev.close();
      delete process.env.VITE_ADDRESSES;
    }
    end("dev server");
  });
});

// Keep REPO_ROOT referenced for readers of the harness (the CLI runs from there).
void REPO_ROOT;
