//! Token instructions the client crate does not cover (the CLI's own builders): creating a
//! mint and minting to an account, for either token program.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token_2022::spl_token_2022;
use anyhow::Result;

/// Size of a mint without extensions (SPL Token and Token-2022 alike).
pub const MINT_LEN: usize = 82;

/// `create_account` + `initialize_mint2` of `mint` (a fresh keypair that must sign).
pub fn create_mint(
    payer: &Pubkey,
    mint: &Pubkey,
    authority: &Pubkey,
    decimals: u8,
    token_program: &Pubkey,
    lamports: u64,
) -> Result<Vec<Instruction>> {
    #[allow(deprecated)]
    let create = anchor_lang::solana_program::system_instruction::create_account(
        payer,
        mint,
        lamports,
        MINT_LEN as u64,
        token_program,
    );
    let init = spl_token_2022::instruction::initialize_mint2(
        token_program,
        mint,
        authority,
        None,
        decimals,
    )
    .map_err(|e| anyhow::anyhow!("initialize_mint2: {e}"))?;
    Ok(vec![create, init])
}

pub fn mint_to(
    token_program: &Pubkey,
    mint: &Pubkey,
    account: &Pubkey,
    authority: &Pubkey,
    amount: u64,
) -> Result<Instruction> {
    spl_token_2022::instruction::mint_to(token_program, mint, account, authority, &[], amount)
        .map_err(|e| anyhow::anyhow!("mint_to: {e}"))
}
