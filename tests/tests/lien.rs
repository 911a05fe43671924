//! The lien (SPEC §6): a position as collateral without custody. Scenario S9 with SPEC's
//! numbers, each lien instruction's successes and refusals, and the attacks on it: a lien set
//! without the holder's signature, a forged holder, the owner settling an enforcement ticket, a
//! lien over open tickets. The holder here is a keypair; `programs/lender` holds a lien with
//! its PDA by CPI and is tested on its own binary.
#![allow(clippy::arithmetic_side_effects)]

use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use restaking::error::RestakingError;
use restaking::state::{Position, WithdrawalTicket};
use restaking_tests::client;
use restaking_tests::solana_sdk::pubkey::Pubkey;
use restaking_tests::solana_sdk::signature::{Keypair, Signer};
use restaking_tests::*;

/// A 1:1 SPL-stake-pool LST, operator X with one stream, Alice with 110 LST in her wallet,
/// 100 deposited and 60 delegated to X, and a lender key with SOL for ticket rent.
struct World {
    env: Env,
    pool: TestPool,
    x: TestOperator,
    alice: User,
    lender: Keypair,
    /// The lender's token account of the LST.
    lender_lst: Pubkey,
}

impl World {
    async fn new() -> Self {
        let mut env = Env::new().await;
        let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
        let x = env.operator(&pool, 1_000).await;
        let mint = env.create_mint(MintKind::Spl, 6).await;
        env.add_stream(&x, mint).await;
        let alice = env.user(&pool, 110 * ONE).await;
        env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
        env.delegate(&pool, &alice, &x, 60 * ONE).await.unwrap();
        let lender = Keypair::new();
        env.airdrop(&lender.pubkey(), 10 * ONE).await;
        let lender_lst = env
            .create_token_account(&pool.keys.lst_mint, &lender.pubkey())
            .await;
        Self {
            env,
            pool,
            x,
            alice,
            lender,
            lender_lst,
        }
    }

    fn position_key(&self) -> Pubkey {
        self.pool.keys.position(&self.alice.key())
    }

    async fn position(&mut self) -> Position {
        let key = self.position_key();
        self.env.state(&key).await
    }

    fn set_lien_ix(&self) -> Instruction {
        client::set_lien(self.alice.key(), self.position_key(), self.lender.pubkey())
    }

    async fn set_lien(&mut self) {
        let ix = self.set_lien_ix();
        let (alice, lender) = (self.alice.kp.insecure_clone(), self.lender.insecure_clone());
        self.env.ok(&[ix], &[&alice, &lender]).await;
    }

    /// Every account a refused lien instruction must leave unchanged.
    fn watched(&self) -> Vec<Pubkey> {
        let position = self.position_key();
        vec![
            position,
            self.pool.keys.pool,
            self.pool.keys.vault,
            self.x.bucket,
            client::delegation_pda(&position, &self.x.bucket),
            self.alice.lst_account,
            self.lender_lst,
        ]
    }

    /// `undelegate` of `shares` from X signed by `authority` (the owner, or the holder alone).
    async fn undelegate_ix(&mut self, authority: Pubkey, shares: u64) -> (Instruction, Pubkey) {
        let nonce = self.position().await.ticket_nonce;
        let (owner, keys) = (self.alice.key(), self.pool.keys);
        let mut ix = if authority == owner {
            client::undelegate(owner, &keys, self.x.bucket, nonce, shares, None)
        } else {
            client::enforce_undelegate(authority, owner, &keys, self.x.bucket, nonce, shares)
        };
        ix.accounts
            .extend(self.env.reward_index_metas(&self.x).await);
        (ix, client::ticket_pda(&self.position_key(), nonce))
    }

    /// `request_withdrawal(amount)` signed by `authority` (the owner, or the holder alone).
    async fn withdraw_ix(&mut self, authority: Pubkey, amount: u64) -> (Instruction, Pubkey) {
        let nonce = self.position().await.ticket_nonce;
        let (owner, keys) = (self.alice.key(), self.pool.keys);
        let ix = if authority == owner {
            client::request_withdrawal(owner, &keys, nonce, amount, None)
        } else {
            client::enforce_withdrawal(authority, owner, &keys, nonce, amount)
        };
        (ix, client::ticket_pda(&self.position_key(), nonce))
    }

    /// `complete_withdrawal` of `ticket` signed by `authority`, paying to `destination`.
    fn complete_ix(
        &self,
        authority: Pubkey,
        ticket: Pubkey,
        destination: Pubkey,
        undelegation: bool,
    ) -> Instruction {
        let bucket = undelegation.then_some(self.x.bucket);
        client::complete_ticket_by(
            authority,
            self.alice.key(),
            &self.pool.keys,
            ticket,
            destination,
            bucket,
        )
    }

    /// `cancel_withdrawal` of `ticket` signed by `authority`.
    async fn cancel_ix(
        &mut self,
        authority: Pubkey,
        ticket: Pubkey,
        undelegation: bool,
    ) -> Instruction {
        let (bucket, operator) = if undelegation {
            (Some(self.x.bucket), Some(self.x.operator))
        } else {
            (None, None)
        };
        let mut ix = client::cancel_ticket_by(
            authority,
            self.alice.key(),
            &self.pool.keys,
            ticket,
            bucket,
            operator,
        );
        if undelegation {
            ix.accounts
                .extend(self.env.reward_index_metas(&self.x).await);
        }
        ix
    }
}

/// S9 — lien. Alice deposits 100 and delegates 60 to X; a lender takes a lien (both sign).
/// Alice alone: `deposit` 10 and `claim` succeed; `request_withdrawal`, `undelegate`,
/// `delegate` and `close_position` fail with a named error and change nothing. The lender alone
/// undelegates the 60 and requests a withdrawal of the 50 idle: Alice can neither cancel nor
/// complete those tickets; when the delays have run (the undelegation returns to idle first,
/// as always, and the lender then requests it too) the lender holds all 110 LST in its own
/// token account. `release_lien` by anyone but the holder fails.
#[tokio::test]
async fn scenario_s9_lien() {
    let mut w = World::new().await;
    w.set_lien().await;
    assert_eq!(w.position().await.lien_holder, w.lender.pubkey());
    let alice = w.alice.kp.insecure_clone();
    let lender = w.lender.insecure_clone();
    let keys = w.pool.keys;

    // Alice alone keeps deposit and claim
    w.env.deposit(&w.pool, &w.alice, 10 * ONE).await.unwrap();
    w.env.claim(&w.pool, &w.alice).await.unwrap();
    assert_eq!(w.position().await.idle_lst, 50 * ONE);

    // ... and nothing that moves LST out or changes its exposure
    let watched = w.watched();
    let (ix, _) = w.withdraw_ix(alice.pubkey(), ONE).await;
    w.env
        .fails(
            &[ix],
            &[&alice],
            &watched,
            RestakingError::LienHolderSignatureRequired,
        )
        .await;
    let (ix, _) = w.undelegate_ix(alice.pubkey(), ONE).await;
    w.env
        .fails(
            &[ix],
            &[&alice],
            &watched,
            RestakingError::LienHolderSignatureRequired,
        )
        .await;
    let mut ix = client::delegate(alice.pubkey(), &keys, w.x.operator, ONE);
    ix.accounts.extend(w.env.reward_index_metas(&w.x).await);
    w.env
        .fails(
            &[ix],
            &[&alice],
            &watched,
            RestakingError::LienHolderSignatureRequired,
        )
        .await;
    let ix = client::close_position(alice.pubkey(), &keys);
    w.env
        .fails(
            &[ix],
            &[&alice],
            &watched,
            RestakingError::LienHolderSignatureRequired,
        )
        .await;

    // the lender alone enforces: undelegates the 60 and requests the 50 idle
    let shares = w.env.delegation(&w.pool, &w.alice, &w.x).await.shares;
    let (ix, undelegation) = w.undelegate_ix(lender.pubkey(), shares).await;
    w.env.ok(&[ix], &[&lender]).await;
    let (ix, withdrawal) = w.withdraw_ix(lender.pubkey(), 50 * ONE).await;
    w.env.ok(&[ix], &[&lender]).await;
    for ticket in [undelegation, withdrawal] {
        let t: WithdrawalTicket = w.env.state(&ticket).await;
        assert!(t.enforcement);
    }
    assert_eq!(w.position().await.enforcement_tickets, 2);

    // Alice can neither cancel nor complete them, before or after they mature
    for warp in [0, WITHDRAWAL_DELAY] {
        w.env.advance_time(warp).await;
        let mut watched = w.watched();
        watched.extend([undelegation, withdrawal]);
        for (ticket, undelegating) in [(undelegation, true), (withdrawal, false)] {
            let ix = w.complete_ix(alice.pubkey(), ticket, w.alice.lst_account, undelegating);
            w.env
                .fails(
                    &[ix],
                    &[&alice],
                    &watched,
                    RestakingError::NotTicketBeneficiary,
                )
                .await;
            let ix = w.cancel_ix(alice.pubkey(), ticket, undelegating).await;
            let ix = client::lien_cosigned(ix, lender.pubkey());
            w.env
                .fails(
                    &[ix],
                    &[&alice, &lender],
                    &watched,
                    RestakingError::NotTicketBeneficiary,
                )
                .await;
        }
    }

    // the holder may not release while its enforcement tickets are open
    let release = client::release_lien(lender.pubkey(), w.position_key());
    w.env
        .fails(
            std::slice::from_ref(&release),
            &[&lender],
            &w.watched(),
            RestakingError::EnforcementTicketsOpen,
        )
        .await;

    // matured: the withdrawal pays the lender; the undelegation returns to idle, which the
    // lender then requests too
    let ix = w.complete_ix(lender.pubkey(), withdrawal, w.lender_lst, false);
    w.env.ok(&[ix], &[&lender]).await;
    let ix = w.complete_ix(lender.pubkey(), undelegation, w.lender_lst, true);
    w.env.ok(&[ix], &[&lender]).await;
    assert_eq!(w.env.token_balance(&w.lender_lst).await, 50 * ONE);
    assert_eq!(w.position().await.idle_lst, 60 * ONE);
    let (ix, last) = w.withdraw_ix(lender.pubkey(), 60 * ONE).await;
    w.env.ok(&[ix], &[&lender]).await;
    w.env.advance_time(WITHDRAWAL_DELAY).await;
    let ix = w.complete_ix(lender.pubkey(), last, w.lender_lst, false);
    w.env.ok(&[ix], &[&lender]).await;
    assert_eq!(w.env.token_balance(&w.lender_lst).await, 110 * ONE);
    let p = w.position().await;
    assert_eq!(
        (p.idle_lst, p.open_tickets, p.enforcement_tickets),
        (0, 0, 0)
    );

    // release_lien by anyone but the holder fails; by the holder it succeeds
    let mallory = Keypair::new();
    w.env.airdrop(&mallory.pubkey(), ONE).await;
    for signer in [&alice, &mallory] {
        let ix = client::release_lien(signer.pubkey(), w.position_key());
        w.env
            .fails(
                &[ix],
                &[signer],
                &w.watched(),
                RestakingError::NotLienHolder,
            )
            .await;
    }
    w.env.ok(&[release], &[&lender]).await;
    assert!(!w.position().await.has_lien());

    // the vault backs every obligation exactly
    let pool = w.env.pool(&w.pool).await;
    assert_eq!(
        w.env.token_balance(&keys.vault).await,
        pool.obligations().unwrap()
    );
}

/// With the holder's co-signature the owner keeps every action, and the tickets stay hers.
#[tokio::test]
async fn lien_holder_cosigning_lets_the_owner_act() {
    let mut w = World::new().await;
    w.set_lien().await;
    let alice = w.alice.kp.insecure_clone();
    let lender = w.lender.insecure_clone();
    let keys = w.pool.keys;

    let mut ix = client::delegate(alice.pubkey(), &keys, w.x.operator, 10 * ONE);
    ix.accounts.extend(w.env.reward_index_metas(&w.x).await);
    w.env
        .ok(
            &[client::lien_cosigned(ix, lender.pubkey())],
            &[&alice, &lender],
        )
        .await;
    let (ix, undelegation) = w.undelegate_ix(alice.pubkey(), 10 * ONE).await;
    w.env
        .ok(
            &[client::lien_cosigned(ix, lender.pubkey())],
            &[&alice, &lender],
        )
        .await;
    let (ix, withdrawal) = w.withdraw_ix(alice.pubkey(), 5 * ONE).await;
    w.env
        .ok(
            &[client::lien_cosigned(ix, lender.pubkey())],
            &[&alice, &lender],
        )
        .await;
    let p = w.position().await;
    assert_eq!((p.open_tickets, p.enforcement_tickets), (2, 0));

    // the lender cannot settle the owner's tickets
    w.env.advance_time(WITHDRAWAL_DELAY).await;
    let ix = w.complete_ix(lender.pubkey(), withdrawal, w.lender_lst, false);
    w.env
        .fails(
            &[ix],
            &[&lender],
            &w.watched(),
            RestakingError::NotTicketBeneficiary,
        )
        .await;

    // cancel needs the co-signature; complete is the owner's alone
    let ix = w.cancel_ix(alice.pubkey(), undelegation, true).await;
    w.env
        .fails(
            std::slice::from_ref(&ix),
            &[&alice],
            &w.watched(),
            RestakingError::LienHolderSignatureRequired,
        )
        .await;
    w.env
        .ok(
            &[client::lien_cosigned(ix, lender.pubkey())],
            &[&alice, &lender],
        )
        .await;
    let ix = w.complete_ix(alice.pubkey(), withdrawal, w.alice.lst_account, false);
    w.env.ok(&[ix], &[&alice]).await;
    assert_eq!(w.env.token_balance(&w.alice.lst_account).await, 15 * ONE);

    // released, the owner acts alone again
    w.env
        .ok(
            &[client::release_lien(lender.pubkey(), w.position_key())],
            &[&lender],
        )
        .await;
    let (ix, _) = w.withdraw_ix(alice.pubkey(), ONE).await;
    w.env.ok(&[ix], &[&alice]).await;
}

/// The holder cancels its own enforcement tickets (a repaid loan): the LST goes back to where
/// it was, and the lien can then be released.
#[tokio::test]
async fn lien_holder_cancels_its_enforcement_tickets() {
    let mut w = World::new().await;
    w.set_lien().await;
    let lender = w.lender.insecure_clone();
    let (ix, undelegation) = w.undelegate_ix(lender.pubkey(), 20 * ONE).await;
    w.env.ok(&[ix], &[&lender]).await;
    let (ix, withdrawal) = w.withdraw_ix(lender.pubkey(), 40 * ONE).await;
    w.env.ok(&[ix], &[&lender]).await;

    let ix = w.cancel_ix(lender.pubkey(), undelegation, true).await;
    w.env.ok(&[ix], &[&lender]).await;
    let ix = w.cancel_ix(lender.pubkey(), withdrawal, false).await;
    w.env.ok(&[ix], &[&lender]).await;
    let p = w.position().await;
    assert_eq!(
        (p.idle_lst, p.open_tickets, p.enforcement_tickets),
        (40 * ONE, 0, 0)
    );
    assert_eq!(w.env.delegated_lst(&w.pool, &w.alice, &w.x).await, 60 * ONE);
    w.env
        .ok(
            &[client::release_lien(lender.pubkey(), w.position_key())],
            &[&lender],
        )
        .await;
}

#[tokio::test]
async fn set_lien_refusals() {
    let mut w = World::new().await;
    let alice = w.alice.kp.insecure_clone();
    let lender = w.lender.insecure_clone();
    let watched = w.watched();

    // no lien to release
    let ix = client::release_lien(lender.pubkey(), w.position_key());
    w.env
        .fails(&[ix], &[&lender], &watched, RestakingError::NoLien)
        .await;
    // the holder must not be the owner
    let ix = client::set_lien(alice.pubkey(), w.position_key(), alice.pubkey());
    w.env
        .fails(
            &[ix],
            &[&alice],
            &watched,
            RestakingError::InvalidLienHolder,
        )
        .await;
    // only the owner may pledge the position
    let mallory = Keypair::new();
    w.env.airdrop(&mallory.pubkey(), ONE).await;
    let ix = client::set_lien(mallory.pubkey(), w.position_key(), lender.pubkey());
    w.env
        .fails(
            &[ix],
            &[&mallory, &lender],
            &watched,
            RestakingError::NotPositionOwner,
        )
        .await;

    // one lien at a time
    w.set_lien().await;
    let other = Keypair::new();
    let ix = client::set_lien(alice.pubkey(), w.position_key(), other.pubkey());
    w.env
        .fails(
            &[ix],
            &[&alice, &other],
            &w.watched(),
            RestakingError::LienAlreadySet,
        )
        .await;
    w.env
        .ok(
            &[client::release_lien(lender.pubkey(), w.position_key())],
            &[&lender],
        )
        .await;
}
/// attack: a lien set without the holder's signature (the holder's account passed unsigned).
#[tokio::test]
async fn attack_lien_without_holder_signature() {
    let mut w = World::new().await;
    let alice = w.alice.kp.insecure_clone();
    let mut ix = w.set_lien_ix();
    ix.accounts[1] = AccountMeta::new_readonly(w.lender.pubkey(), false);
    let watched = w.watched();
    w.env
        .fails(
            &[ix],
            &[&alice],
            &watched,
            anchor_lang::error::ErrorCode::AccountNotSigner,
        )
        .await;
}

/// attack: a forged holder — another key co-signing, or enforcing, in the holder's place.
#[tokio::test]
async fn attack_forged_lien_holder() {
    let mut w = World::new().await;
    w.set_lien().await;
    let alice = w.alice.kp.insecure_clone();
    let mallory = Keypair::new();
    w.env.airdrop(&mallory.pubkey(), 10 * ONE).await;
    let watched = w.watched();

    // co-signing in the holder's place
    let (ix, _) = w.withdraw_ix(alice.pubkey(), ONE).await;
    let ix = client::lien_cosigned(ix, mallory.pubkey());
    w.env
        .fails(
            &[ix],
            &[&alice, &mallory],
            &watched,
            RestakingError::LienHolderSignatureRequired,
        )
        .await;
    // enforcing in the holder's place
    let (ix, _) = w.withdraw_ix(mallory.pubkey(), ONE).await;
    w.env
        .fails(
            &[ix],
            &[&mallory],
            &watched,
            RestakingError::NotPositionOwner,
        )
        .await;
    let (ix, _) = w.undelegate_ix(mallory.pubkey(), ONE).await;
    w.env
        .fails(
            &[ix],
            &[&mallory],
            &watched,
            RestakingError::NotPositionOwner,
        )
        .await;
    // releasing in the holder's place
    let ix = client::release_lien(mallory.pubkey(), w.position_key());
    w.env
        .fails(&[ix], &[&mallory], &watched, RestakingError::NotLienHolder)
        .await;
    // without a lien nobody but the owner acts: a would-be holder cannot enforce
    w.env
        .ok(
            &[client::release_lien(w.lender.pubkey(), w.position_key())],
            &[&w.lender.insecure_clone()],
        )
        .await;
    let lender = w.lender.insecure_clone();
    let (ix, _) = w.withdraw_ix(lender.pubkey(), ONE).await;
    w.env
        .fails(
            &[ix],
            &[&lender],
            &w.watched(),
            RestakingError::NotPositionOwner,
        )
        .await;
}

/// attack: the owner completing or cancelling the holder's enforcement tickets (S9 covers the
/// pair on both kinds; this one redirects the payout to her own account and co-signs too).
#[tokio::test]
async fn attack_owner_settles_enforcement_ticket() {
    let mut w = World::new().await;
    w.set_lien().await;
    let alice = w.alice.kp.insecure_clone();
    let lender = w.lender.insecure_clone();
    let (ix, ticket) = w.withdraw_ix(lender.pubkey(), 40 * ONE).await;
    w.env.ok(&[ix], &[&lender]).await;
    w.env.advance_time(WITHDRAWAL_DELAY).await;
    let mut watched = w.watched();
    watched.push(ticket);
    let ix = w.complete_ix(alice.pubkey(), ticket, w.alice.lst_account, false);
    w.env
        .fails(
            &[ix],
            &[&alice],
            &watched,
            RestakingError::NotTicketBeneficiary,
        )
        .await;
    let ix = w.cancel_ix(alice.pubkey(), ticket, false).await;
    let ix = client::lien_cosigned(ix, lender.pubkey());
    w.env
        .fails(
            &[ix],
            &[&alice, &lender],
            &watched,
            RestakingError::NotTicketBeneficiary,
        )
        .await;
    // the holder completes it to an account of its choosing
    let ix = w.complete_ix(lender.pubkey(), ticket, w.lender_lst, false);
    w.env.ok(&[ix], &[&lender]).await;
    assert_eq!(w.env.token_balance(&w.lender_lst).await, 40 * ONE);
}

/// attack: a lien over open tickets — they would settle to the owner outside the lien.
#[tokio::test]
async fn attack_lien_on_position_with_open_tickets() {
    let mut w = World::new().await;
    let alice = w.alice.kp.insecure_clone();
    let lender = w.lender.insecure_clone();
    let (ix, ticket) = w.withdraw_ix(alice.pubkey(), 40 * ONE).await;
    w.env.ok(&[ix], &[&alice]).await;
    let ix = w.set_lien_ix();
    w.env
        .fails(
            &[ix],
            &[&alice, &lender],
            &w.watched(),
            RestakingError::TicketsOpen,
        )
        .await;
    // settled, the lien can be set
    let ix = client::cancel_ticket(alice.pubkey(), &w.pool.keys, ticket, None, None);
    w.env.ok(&[ix], &[&alice]).await;
    w.set_lien().await;
}
