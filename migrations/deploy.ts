// Deploy hook for `anchor migrate`: initialises the config right after the program is deployed,
// in the deployer's own transaction, so nobody else can be first to call `initialize_config`.
//
// Settings come from the environment; every one is required on mainnet:
//   RESTAKING_GUARDIAN, RESTAKING_TREASURY, RESTAKING_PROTOCOL_FEE_BPS,
//   RESTAKING_MAX_COMMISSION_BPS, RESTAKING_MIN_WITHDRAWAL_DELAY_SECS, RESTAKING_SLASH_VETO_SECS
import * as anchor from "@anchor-lang/core";

function env(name: string, fallback?: string): string {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
}

module.exports = async function (provider: anchor.AnchorProvider) {
  anchor.setProvider(provider);
  const program = anchor.workspace.Restaking as anchor.Program;
  const [config] = anchor.web3.PublicKey.findProgramAddressSync(
    [Buffer.from("config")],
    program.programId,
  );
  if (await provider.connection.getAccountInfo(config)) {
    console.log(`config ${config.toBase58()} already initialised`);
    return;
  }
  const args = {
    guardian: new anchor.web3.PublicKey(env("RESTAKING_GUARDIAN")),
    treasury: new anchor.web3.PublicKey(env("RESTAKING_TREASURY")),
    protocolFeeBps: Number(env("RESTAKING_PROTOCOL_FEE_BPS", "0")),
    maxCommissionBps: Number(env("RESTAKING_MAX_COMMISSION_BPS", "2000")),
    minWithdrawalDelaySecs: new anchor.BN(env("RESTAKING_MIN_WITHDRAWAL_DELAY_SECS", "259200")),
    slashVetoSecs: new anchor.BN(env("RESTAKING_SLASH_VETO_SECS", "172800")),
  };
  const sig = await program.methods
    .initializeConfig(args)
    .accounts({ admin: provider.wallet.publicKey })
    .rpc();
  console.log(`config ${config.toBase58()} initialised: ${sig}`);
};
