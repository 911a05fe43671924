/**
 * The README's example, type-checked by `npm run build`: deposit, claim everything, read the
 * view, over a JSON-RPC endpoint (e.g. the localnet).
 */
import {
  appendTransactionMessageInstructions,
  assertIsTransactionWithBlockhashLifetime,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  createTransactionMessage,
  pipe,
  sendAndConfirmTransactionFactory,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type KeyPairSigner,
} from "@solana/kit";
import {
  buildClaimEverythingTransactions,
  decodeTransactionError,
  describeProgramError,
  eventCpiAccounts,
  fetchOperatorPool,
  fetchPool,
  findConfigAddress,
  findPositionAddress,
  getDepositInstruction,
  getPoolKeys,
  simulatePositionValue,
} from "../src/index";

export async function example(owner: KeyPairSigner, lstMint: Address, ownerLstAccount: Address, bucket: Address, rewardAccount: Address) {
  const rpc = createSolanaRpc("http://127.0.0.1:8899");
  const rpcSubscriptions = createSolanaRpcSubscriptions("ws://127.0.0.1:8900");
  const sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions });
  const send = async (instructions: readonly Instruction[]) => {
    const { value: latestBlockhash } = await rpc.getLatestBlockhash().send();
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(owner, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
      (m) => appendTransactionMessageInstructions(instructions, m),
    );
    const signed = await signTransactionMessageWithSigners(message);
    assertIsTransactionWithBlockhashLifetime(signed);
    try {
      await sendAndConfirm(signed, { commitment: "confirmed" });
    } catch (e) {
      const info = decodeTransactionError(e); // e.g. "InsufficientIdle: Amount exceeds ..."
      throw new Error(info ? describeProgramError(info) : String(e));
    }
  };

  // The pool's keys (its rate source read from the Pool account).
  const pool = await fetchPool(rpc, (await getPoolKeys(lstMint, "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA" as Address)).pool);
  const source = pool.data.rateSource;
  const rateSource = source.__kind === "SplStakePool" ? source.stakePool : source.__kind === "Marinade" ? source.state : undefined;
  const keys = await getPoolKeys(lstMint, pool.data.tokenProgram, rateSource);

  // Deposit 10 LST (9 decimals) with the generated builder.
  await send([
    getDepositInstruction({
      owner,
      config: await findConfigAddress(),
      pool: keys.pool,
      position: await findPositionAddress(keys.pool, owner.address),
      lstMint,
      ownerLstAccount,
      poolVault: keys.vault,
      rateSource: keys.rateSource,
      tokenProgram: keys.tokenProgram,
      ...(await eventCpiAccounts()),
      amount: 10_000_000_000n,
      minValue: 0n,
    }),
  ]);

  // Read the view: what a claim would pay now.
  const bucketAccount = await fetchOperatorPool(rpc, bucket);
  const rewardMints = bucketAccount.data.rewardMints.slice(0, bucketAccount.data.rewardMintCount);
  const view = await simulatePositionValue(rpc, { owner: owner.address, pool: keys, delegations: [{ operatorPool: bucket, rewardMints }] });
  if (view.ok) console.log(`pending base yield ${view.value.pendingBaseYield}, rewards ${view.value.delegations[0]?.rewards}`);

  // Claim everything: one claim per delegation, packed into legacy-sized transactions.
  const batches = await buildClaimEverythingTransactions({
    owner,
    pool: keys,
    ownerLstAccount,
    delegations: [
      {
        operatorPool: bucket,
        streams: rewardMints.map((rewardMint) => ({
          rewardMint,
          tokenProgram: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA" as Address,
          ownerRewardAccount: rewardAccount, // one token account per reward mint in practice
        })),
      },
    ],
  });
  for (const batch of batches) await send(batch.instructions);
}
