//! Instruction builders of the reference lender (`programs/lender`, crate `restaking-lender`,
//! binary `restaking_lender.so`) for the measurements of its `borrow`, after
//! `tests/tests/lender.rs`: one market lending a 9-decimal loan token against a restaking pool.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::{InstructionData, ToAccountMetas};
use restaking_client::{self as client, PoolKeys};
use restaking_lender::instructions::InitMarketArgs;
use restaking_lender::pda;

/// The markets' terms, as in `tests/tests/lender.rs`: lend up to 80 % of the collateral's
/// value, liquidate below 120 % of the debt, the loan token priced 1:1 against the numeraire.
pub const MARKET_ARGS: InitMarketArgs = InitMarketArgs {
    ltv_bps: 8_000,
    maintenance_bps: 12_000,
    price_num: 1,
    price_den: 1,
};

fn lender_ix(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: restaking_lender::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// A market's addresses.
pub struct MarketKeys {
    pub market: Pubkey,
    pub authority: Pubkey,
    pub liquidity_vault: Pubkey,
    pub collateral_vault: Pubkey,
    pub loan_mint: Pubkey,
    pub loan_token_program: Pubkey,
    pub pool: PoolKeys,
}

impl MarketKeys {
    pub fn new(admin: &Pubkey, pool: PoolKeys, loan_mint: Pubkey, token_program: Pubkey) -> Self {
        let market = pda::market_address(admin, &pool.pool, &loan_mint).0;
        Self {
            market,
            authority: pda::authority_address(&market).0,
            liquidity_vault: pda::liquidity_vault_address(&market).0,
            collateral_vault: pda::collateral_vault_address(&market).0,
            loan_mint,
            loan_token_program: token_program,
            pool,
        }
    }

    pub fn loan(&self, borrower: &Pubkey) -> Pubkey {
        pda::loan_address(&self.market, borrower).0
    }

    pub fn init_market(&self, admin: Pubkey, args: InitMarketArgs) -> Instruction {
        lender_ix(
            restaking_lender::accounts::InitMarket {
                admin,
                pool: self.pool.pool,
                lst_mint: self.pool.lst_mint,
                lst_token_program: self.pool.token_program,
                loan_mint: self.loan_mint,
                loan_token_program: self.loan_token_program,
                market: self.market,
                market_authority: self.authority,
                liquidity_vault: self.liquidity_vault,
                collateral_vault: self.collateral_vault,
                system_program: anchor_lang::system_program::ID,
            },
            restaking_lender::instruction::InitMarket { args },
        )
    }

    pub fn fund_liquidity(&self, admin: Pubkey, from: Pubkey, amount: u64) -> Instruction {
        lender_ix(
            restaking_lender::accounts::FundLiquidity {
                admin,
                market: self.market,
                admin_loan_account: from,
                liquidity_vault: self.liquidity_vault,
                loan_mint: self.loan_mint,
                loan_token_program: self.loan_token_program,
            },
            restaking_lender::instruction::FundLiquidity { amount },
        )
    }

    /// `open_loan` of `borrower` pledging their position: the market's authority takes a lien
    /// on it by CPI to the restaking program's `set_lien`.
    pub fn open_loan(&self, borrower: Pubkey) -> Instruction {
        lender_ix(
            restaking_lender::accounts::OpenLoan {
                borrower,
                market: self.market,
                market_authority: self.authority,
                position: self.pool.position(&borrower),
                loan: self.loan(&borrower),
                restaking_event_authority: client::event_authority(),
                restaking_program: restaking::ID,
                system_program: anchor_lang::system_program::ID,
            },
            restaking_lender::instruction::OpenLoan {},
        )
    }

    /// `borrow(amount)` into `to` with the view's delegation `groups` (the lender values the
    /// position by CPI to `get_position_value`).
    pub fn borrow(
        &self,
        borrower: Pubkey,
        to: Pubkey,
        amount: u64,
        groups: &[AccountMeta],
    ) -> Instruction {
        let mut ix = lender_ix(
            restaking_lender::accounts::Borrow {
                borrower,
                market: self.market,
                loan: self.loan(&borrower),
                market_authority: self.authority,
                pool: self.pool.pool,
                position: self.pool.position(&borrower),
                rate_source: self.pool.rate_source,
                liquidity_vault: self.liquidity_vault,
                borrower_loan_account: to,
                loan_mint: self.loan_mint,
                loan_token_program: self.loan_token_program,
                restaking_program: restaking::ID,
            },
            restaking_lender::instruction::Borrow { amount },
        );
        ix.accounts.extend_from_slice(groups);
        ix
    }
}
