/**
 * Token amounts as people type and read them: decimal strings ⇄ base units (bigint), with the
 * mint's decimals. Parsing never rounds: more decimals than the mint has is an error.
 */

/** Why a typed amount is not acceptable, as a sentence; `null` when it is. */
export type AmountCheck = { readonly ok: true; readonly value: bigint } | { readonly ok: false; readonly error: string };

const NUMBER = /^\d*(?:\.(\d*))?$/;

/** Parses `text` (e.g. "12.5", "1,000.25") into base units of a mint with `decimals`. */
export function parseAmount(text: string, decimals: number): AmountCheck {
  const clean = text.trim().replace(/[,_\s]/g, "");
  if (clean === "" || clean === ".") return { ok: false, error: "Enter an amount." };
  const m = NUMBER.exec(clean);
  if (!m) return { ok: false, error: "Enter a number, like 12.5." };
  const [whole = "", frac = ""] = clean.split(".");
  if (frac.length > decimals) {
    return { ok: false, error: decimals === 0 ? "This token has no decimals: enter a whole number." : `Use at most ${decimals} decimals.` };
  }
  const value = BigInt(whole === "" ? "0" : whole) * 10n ** BigInt(decimals) + BigInt((frac + "0".repeat(decimals)).slice(0, decimals) || "0");
  if (value === 0n) return { ok: false, error: "Enter an amount greater than zero." };
  if (value > 0xffff_ffff_ffff_ffffn) return { ok: false, error: "That amount is too large." };
  return { ok: true, value };
}

function group(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * `raw` base units as a decimal string with thousands separators, showing at most `maxFraction`
 * decimals (rounded down: never shows more than there is) and no trailing zeros beyond
 * `minFraction`.
 */
export function formatAmount(raw: bigint, decimals: number, maxFraction = decimals, minFraction = 0): string {
  const negative = raw < 0n;
  const abs = negative ? -raw : raw;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  let frac = (abs % scale).toString().padStart(decimals, "0").slice(0, Math.min(maxFraction, decimals));
  while (frac.length > minFraction && frac.endsWith("0")) frac = frac.slice(0, -1);
  return `${negative ? "-" : ""}${group(whole.toString())}${frac ? `.${frac}` : ""}`;
}

/**
 * `raw` with at most `maxFraction` decimals, unless that would show a non-zero amount as 0:
 * then with all the mint's decimals ("0.000000001").
 */
export function formatShort(raw: bigint, decimals: number, maxFraction = 6): string {
  const short = formatAmount(raw, decimals, maxFraction);
  return raw !== 0n && /^-?0$/.test(short) ? formatAmount(raw, decimals) : short;
}

/** `raw` as a plain decimal string (no separators) for an input field. */
export function toInputString(raw: bigint, decimals: number): string {
  return formatAmount(raw, decimals).replace(/,/g, "");
}

/** Fixed-point scale of rates (`RATE_SCALE`). */
export const RATE_DECIMALS = 18;

/** A rate (× 10^18) as "1.050000". */
export function formatRate(rate: bigint, fraction = 6): string {
  return formatAmount(rate, RATE_DECIMALS, fraction, fraction);
}

/** Basis points as a percentage: 1000 → "10 %", 250 → "2.5 %". */
export function formatBps(bps: number): string {
  const whole = Math.floor(bps / 100);
  const frac = bps % 100;
  return `${whole}${frac ? `.${String(frac).padStart(2, "0").replace(/0$/, "")}` : ""} %`;
}

/** A shortened address: `7xKX…9fQe`. */
export function shortAddress(address: string): string {
  return address.length > 10 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address;
}
