/** Unit tests of the app's amount, rate, percentage and duration formatting and parsing. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatAmount, formatBps, formatRate, formatShort, parseAmount, shortAddress, toInputString } from "../src/lib/amount";
import { formatDuration, formatUtc } from "../src/lib/time";

test("parseAmount reads decimals exactly and refuses what it cannot represent", () => {
  assert.deepEqual(parseAmount("12.5", 9), { ok: true, value: 12_500_000_000n });
  assert.deepEqual(parseAmount("1,000", 9), { ok: true, value: 1_000_000_000_000n });
  assert.deepEqual(parseAmount(".000000001", 9), { ok: true, value: 1n });
  assert.deepEqual(parseAmount("1.0000000001", 9), { ok: false, error: "Use at most 9 decimals." });
  assert.deepEqual(parseAmount("1.5", 0), { ok: false, error: "This token has no decimals: enter a whole number." });
  assert.deepEqual(parseAmount("", 9), { ok: false, error: "Enter an amount." });
  assert.deepEqual(parseAmount("0", 9), { ok: false, error: "Enter an amount greater than zero." });
  assert.deepEqual(parseAmount("-1", 9), { ok: false, error: "Enter a number, like 12.5." });
  assert.deepEqual(parseAmount("1e3", 9), { ok: false, error: "Enter a number, like 12.5." });
  assert.deepEqual(parseAmount("18446744073.709551616", 9), { ok: false, error: "That amount is too large." });
});

test("formatAmount groups thousands, never rounds up, and trims zeros", () => {
  assert.equal(formatAmount(1_234_567_890_000n, 9), "1,234.56789");
  assert.equal(formatAmount(4_761_904_760n, 9, 6), "4.761904");
  assert.equal(formatAmount(999_999_999_999n, 9, 6), "999.999999");
  assert.equal(formatAmount(0n, 6), "0");
  assert.equal(formatAmount(1_000_000n, 6, 2, 2), "1.00");
  assert.equal(formatShort(28_571_428_572n, 9), "28.571428");
  assert.equal(formatShort(1n, 9), "0.000000001");
  assert.equal(formatShort(0n, 9), "0");
  assert.equal(toInputString(28_571_428_572n, 9), "28.571428572");
  assert.deepEqual(parseAmount(toInputString(28_571_428_572n, 9), 9), { ok: true, value: 28_571_428_572n });
});

test("rates, basis points, addresses and durations read as people write them", () => {
  assert.equal(formatRate(1_050_000_000_000_000_000n), "1.050000");
  assert.equal(formatBps(1_000), "10 %");
  assert.equal(formatBps(250), "2.5 %");
  assert.equal(formatBps(5), "0.05 %");
  assert.equal(shortAddress("RSTKre5fcg7VzgKZBdQfDnp8o1V8AFHbBb9tJQ7ZFbq"), "RSTK…ZFbq");
  assert.equal(formatDuration(7n * 86_400n), "7 d");
  assert.equal(formatDuration(6n * 86_400n + 23n * 3_600n + 59n * 60n), "6 d 23 h");
  assert.equal(formatDuration(3_660), "1 h 1 min");
  assert.equal(formatDuration(42), "42 s");
  assert.equal(formatDuration(-5), "0 s");
  assert.equal(formatUtc(1_764_000_000n), "2025-11-24 16:00 UTC");
});
