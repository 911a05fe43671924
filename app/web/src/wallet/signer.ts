/**
 * A `@solana/kit` transaction signer backed by a Wallet Standard account's
 * `solana:signTransaction` feature. Several transactions go to the wallet in one request (one
 * approval), and the wallet must sign exactly what it was given: a changed message is refused.
 */
import {
  address,
  getTransactionDecoder,
  getTransactionEncoder,
  type Address,
  type SignatureDictionary,
  type Transaction,
  type TransactionPartialSigner,
} from "@solana/kit";
import { SolanaSignTransaction, type SolanaSignTransactionFeature } from "@solana/wallet-standard-features";
import { getWalletAccountFeature, type UiWalletAccount } from "@wallet-standard/react";
import { getWalletAccountForUiWalletAccount } from "@wallet-standard/ui-registry";

/** Whether the account's wallet can sign transactions for this app. */
export function canSignTransactions(account: UiWalletAccount): boolean {
  return account.features.includes(SolanaSignTransaction);
}

function sameBytes(a: Uint8Array | ArrayLike<number>, b: Uint8Array | ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** The wallet account as a kit `TransactionPartialSigner` (`chain` is sent when the account lists it). */
export function walletSigner(uiAccount: UiWalletAccount, chain: `solana:${string}`): TransactionPartialSigner {
  const signer: Address = address(uiAccount.address);
  return Object.freeze({
    address: signer,
    async signTransactions(transactions: readonly Transaction[]): Promise<readonly SignatureDictionary[]> {
      if (transactions.length === 0) return [];
      const feature = getWalletAccountFeature(uiAccount, SolanaSignTransaction) as SolanaSignTransactionFeature[typeof SolanaSignTransaction];
      const account = getWalletAccountForUiWalletAccount(uiAccount);
      const encoder = getTransactionEncoder();
      const withChain = uiAccount.chains.includes(chain);
      const inputs = transactions.map((tx) => ({
        account,
        transaction: new Uint8Array(encoder.encode(tx)),
        ...(withChain ? { chain } : {}),
      }));
      const outputs = await feature.signTransaction(...inputs);
      if (outputs.length !== transactions.length) throw new Error(`The wallet returned ${outputs.length} of ${transactions.length} transactions.`);
      const decoder = getTransactionDecoder();
      return outputs.map((output, i) => {
        const signed = decoder.decode(output.signedTransaction);
        const original = transactions[i] as Transaction;
        if (!sameBytes(signed.messageBytes, original.messageBytes)) {
          throw new Error("The wallet changed the transaction it was asked to sign; nothing was sent.");
        }
        const signature = signed.signatures[signer];
        if (!signature) throw new Error("The wallet returned the transaction without its signature; nothing was sent.");
        return Object.freeze({ [signer]: signature }) as SignatureDictionary;
      });
    },
  });
}

/** Whether `error` says the person declined in their wallet. */
export function isUserRejection(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth += 1) {
    if (typeof e === "object" && e !== null) {
      const code = (e as { code?: unknown }).code;
      if (code === 4001 || code === "ACTION_REJECTED") return true;
      const name = (e as { name?: unknown }).name;
      const message = (e as { message?: unknown }).message;
      const text = `${typeof name === "string" ? name : ""} ${typeof message === "string" ? message : ""}`;
      if (/reject|declin|denied|cancel(l)?ed by (the )?user/i.test(text)) return true;
      e = (e as { cause?: unknown }).cause;
    } else break;
  }
  return false;
}
