/**
 * Sending a person's transactions: build each legacy transaction message with `@solana/kit`,
 * simulate the first before asking for a signature (a transaction the program would refuse
 * never reaches the wallet), ask the wallet to sign all of them at once, then send them in
 * order and wait for each to be confirmed. Every step is reported through `onUpdate`;
 * failures are sentences from the client's error map.
 */
import {
  appendTransactionMessageInstructions,
  compileTransaction,
  createTransactionMessage,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  isSolanaError,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  type Address,
  type Instruction,
  type Signature,
  type Transaction,
  type TransactionPartialSigner,
} from "@solana/kit";
import { decodeTransactionError, type ProgramErrorInfo } from "@restaking/client";
import { isUserRejection } from "../wallet/signer";
import { jsonText, type AppRpc } from "./reads";

/** One transaction to send: a label for people and its instructions. */
export type TxPlan = { readonly label: string; readonly instructions: readonly Instruction[] };

export type TxStatus = "queued" | "checking" | "signing" | "sending" | "confirming" | "confirmed" | "failed" | "rejected" | "skipped";

export type TxState = {
  readonly label: string;
  readonly status: TxStatus;
  readonly signature?: Signature;
  /** A sentence for a person. */
  readonly error?: string;
  /** The program's error name, when the program refused. */
  readonly errorName?: string;
};

/** What went wrong, for a person. */
export type Failure = { readonly sentence: string; readonly errorName?: string; readonly rejected?: boolean };

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function fromProgram(info: ProgramErrorInfo): Failure {
  return { sentence: sentence(info.message), errorName: info.name };
}

function logsOf(error: unknown): readonly string[] {
  if (isSolanaError(error, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE)) return error.context.logs ?? [];
  return [];
}

/** A failure of a send, a simulation or the wallet, as a sentence (the program's own when it refused). */
export function describeFailure(error: unknown, programAddress: Address, logs: readonly string[] = logsOf(error)): Failure {
  if (isUserRejection(error)) return { sentence: "You declined the signature in your wallet, so nothing was sent.", rejected: true };
  const info = decodeTransactionError(error, logs, programAddress);
  if (info) return fromProgram(info);
  const insufficient = logs.find((l) => /insufficient (funds|lamports)/i.test(l));
  if (insufficient) return { sentence: "Not enough SOL in the wallet to pay for this transaction." };
  if (isSolanaError(error)) {
    const cause = (error as { cause?: unknown }).cause;
    const causeText = cause instanceof Error ? ` (${cause.message})` : "";
    return { sentence: sentence(`${error.message}${causeText}`) };
  }
  if (error instanceof Error) return { sentence: sentence(error.message) };
  return { sentence: sentence(`Unexpected failure: ${jsonText(error)}`) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function confirm(rpc: AppRpc, signature: Signature, programAddress: Address, timeoutMs = 60_000): Promise<Failure | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { value } = await rpc.getSignatureStatuses([signature]).send();
    const status = value[0];
    if (status?.err) return describeFailure(status.err, programAddress);
    if (status && (status.confirmationStatus === "confirmed" || status.confirmationStatus === "finalized")) return null;
    if (Date.now() > deadline) return { sentence: `Not confirmed within ${timeoutMs / 1000} s; check the signature in an explorer before retrying.` };
    await sleep(300);
  }
}

/**
 * Builds, checks, signs (one wallet request for all) and sends `plans` in order. Stops at the
 * first failure (the rest are marked skipped). Resolves `true` when all are confirmed.
 */
export async function sendPlans(
  rpc: AppRpc,
  signer: TransactionPartialSigner,
  programAddress: Address,
  plans: readonly TxPlan[],
  onUpdate: (index: number, state: Partial<TxState>) => void,
): Promise<boolean> {
  const fail = (index: number, failure: Failure) => {
    onUpdate(index, { status: failure.rejected ? "rejected" : "failed", error: failure.sentence, ...(failure.errorName ? { errorName: failure.errorName } : {}) });
    for (let j = index + 1; j < plans.length; j += 1) {
      onUpdate(j, failure.rejected ? { status: "rejected" } : { status: "skipped", error: "Not sent: an earlier transaction failed." });
    }
    return false;
  };
  let transactions: Transaction[];
  try {
    onUpdate(0, { status: "checking" });
    const { value: blockhash } = await rpc.getLatestBlockhash({ commitment: "confirmed" }).send();
    transactions = plans.map((plan) =>
      compileTransaction(
        pipe(
          createTransactionMessage({ version: "legacy" }),
          (m) => setTransactionMessageFeePayerSigner(signer, m),
          (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
          (m) => appendTransactionMessageInstructions(plan.instructions, m),
        ),
      ),
    );
    // The first transaction is checked before the wallet is asked; later ones may depend on it.
    const first = transactions[0] as Transaction;
    const { value: sim } = await rpc
      .simulateTransaction(getBase64EncodedWireTransaction(first), { encoding: "base64", sigVerify: false, replaceRecentBlockhash: true, commitment: "confirmed" })
      .send();
    if (sim.err) return fail(0, describeFailure(sim.err, programAddress, sim.logs ?? []));
  } catch (e) {
    return fail(0, describeFailure(e, programAddress));
  }

  plans.forEach((_, i) => onUpdate(i, { status: "signing" }));
  let signed: Transaction[];
  try {
    const dictionaries = await signer.signTransactions(transactions as unknown as Parameters<TransactionPartialSigner["signTransactions"]>[0]);
    signed = transactions.map((tx, i) => Object.freeze({ ...tx, signatures: Object.freeze({ ...tx.signatures, ...dictionaries[i] }) }));
  } catch (e) {
    return fail(0, describeFailure(e, programAddress));
  }
  plans.forEach((_, i) => onUpdate(i, { status: "queued" }));

  for (let i = 0; i < signed.length; i += 1) {
    const tx = signed[i] as Transaction;
    const signature = getSignatureFromTransaction(tx);
    try {
      onUpdate(i, { status: "sending", signature });
      await rpc.sendTransaction(getBase64EncodedWireTransaction(tx), { encoding: "base64", preflightCommitment: "confirmed" }).send();
      onUpdate(i, { status: "confirming" });
      const failure = await confirm(rpc, signature, programAddress);
      if (failure) return fail(i, failure);
      onUpdate(i, { status: "confirmed" });
    } catch (e) {
      return fail(i, describeFailure(e, programAddress));
    }
  }
  return true;
}
