//! Solana attack classes on the SBF binary (`target/deploy/restaking.so`) in LiteSVM, each a
//! named test `attack_<class>` aimed at real instructions (issue 15, part 2; STYLE "Tests"):
//! arbitrary CPI target, owner check, account data matching, non-canonical bump, PDA sharing
//! and sysvar spoofing. The classes tested natively in `tests/tests/attacks.rs` (missing signer,
//! type cosplay, PDA substitution, duplicate mutable accounts, reinitialisation, closing and
//! revival, first-depositor inflation, fake rate sources, `u64::MAX`) complement these.
//!
//! Each test starts from the fuzzer's world (`restaking_fuzz::world`): three pools (SPL Token
//! with an SPL stake pool, Token-2022 with a transfer fee and a manual rate, SPL Token with
//! Marinade), three operators with buckets and streams, two services, five stakers with
//! positions and delegations — the last one the attacker. Every refused instruction must fail
//! with the named error and change none of its accounts; where it matters, the same
//! instruction with the attack removed succeeds, so the refusal is the check under test.
//!
//! The binary is `$SBF_OUT_DIR/restaking.so` (default `target/deploy/restaking.so`, from
//! `scripts/build-sbf.sh`).
#![allow(clippy::arithmetic_side_effects)]

use anchor_lang::prelude::{Clock, Pubkey};
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::{AccountDeserialize, AccountSerialize};
use restaking::constants::SPL_STAKE_POOL_PROGRAM_ID;
use restaking::rate_source::fixtures::stake_pool_account_data;
use restaking::state::{
    Config, Delegation, Operator, OperatorPool, Pool, Position, RewardIndex, Service, ServiceLink,
    SlashRequest, UndelegationQueue, WithdrawalTicket,
};
use restaking_client::{self as client, PoolKeys, StreamKeys};
use restaking_fuzz::chain::Chain;
use restaking_fuzz::oracle::error_name;
use restaking_fuzz::world::{
    World, DAY, FAKE_PROGRAM, ONE, STAKE_POOL_SUPPLY, TOKEN_2022_PROGRAM, TOKEN_PROGRAM,
};
use solana_account::Account;

fn so() -> Vec<u8> {
    let dir = std::env::var("SBF_OUT_DIR")
        .unwrap_or_else(|_| format!("{}/../../target/deploy", env!("CARGO_MANIFEST_DIR")));
    let path = format!("{dir}/restaking.so");
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("cannot read {path}: {e} (build it with scripts/build-sbf.sh)"))
}

/// The world and the roles the tests use.
struct T {
    w: World,
    victim: Pubkey,
    attacker: Pubkey,
}

impl T {
    fn new() -> Self {
        let w = World::new(&so(), 0xA77AC4);
        Self {
            victim: w.stakers[0],
            attacker: w.attacker,
            w,
        }
    }

    fn keys(&self, pool: usize) -> PoolKeys {
        self.w.pools[pool].keys
    }

    fn chain(&self) -> Chain {
        Chain::scan(&self.w.svm)
    }

    fn read<T: AccountDeserialize>(&self, key: &Pubkey) -> T {
        let acc = self.w.svm.get_account(key).expect("account");
        T::try_deserialize(&mut acc.data.as_slice()).expect("deserialize")
    }

    fn ok(&mut self, ix: Instruction) {
        if let Err(e) = self.w.send(&ix) {
            panic!("expected success: {:?}\n{}", e.err, e.meta.logs.join("\n"));
        }
    }

    /// `ix` must fail with one of `expected` (error names) and change none of its accounts.
    fn refused(&mut self, what: &str, ix: Instruction, expected: &[&str]) {
        let keys: Vec<Pubkey> = ix.accounts.iter().map(|m| m.pubkey).collect();
        let before: Vec<Option<Account>> = keys.iter().map(|k| self.w.svm.get_account(k)).collect();
        match self.w.send(&ix) {
            Ok(meta) => panic!("{what}: succeeded\n{}", meta.logs.join("\n")),
            Err(e) => {
                let name = error_name(&format!("{:?}", e.err), &e.meta.logs);
                assert!(
                    expected.contains(&name.as_str()),
                    "{what}: failed with {name}, expected one of {expected:?}\n{}",
                    e.meta.logs.join("\n")
                );
            }
        }
        for (k, b) in keys.iter().zip(before) {
            let a = self.w.svm.get_account(k);
            let same = match (&a, &b) {
                (Some(a), Some(b)) => {
                    a.lamports == b.lamports && a.data == b.data && a.owner == b.owner
                }
                (None, None) => true,
                _ => false,
            };
            assert!(same, "{what}: refused but account {k} changed");
        }
    }

    fn token(&self, key: &Pubkey) -> u64 {
        self.w.token_amount(key).expect("token account")
    }

    /// A `Withdraw` ticket of `owner` in pool `p` for `amount` (requested now), and its key.
    fn withdraw_ticket(&mut self, owner: Pubkey, p: usize, amount: u64) -> Pubkey {
        let keys = self.keys(p);
        let position = keys.position(&owner);
        let nonce = self.read::<Position>(&position).ticket_nonce;
        self.ok(client::request_withdrawal(
            owner, &keys, nonce, amount, None,
        ));
        client::ticket_pda(&position, nonce)
    }

    /// Moves the clock by `secs`, keeping pool 0's stake-pool rate fresh.
    fn warp(&mut self, secs: i64) {
        self.w.warp(secs);
        let epoch = self.w.svm.get_sysvar::<Clock>().epoch;
        if let restaking_fuzz::world::Source::StakePool { epoch: e, .. } =
            &mut self.w.pools[0].source
        {
            *e = epoch;
        }
        self.w.write_source(0);
    }

    /// Rewrites `key` with another owner (same address, same data), returning the original.
    fn reown(&mut self, key: &Pubkey, owner: Pubkey) -> Account {
        let original = self.w.svm.get_account(key).expect("account");
        let mut forged = original.clone();
        forged.owner = owner;
        self.w.svm.set_account(*key, forged).expect("set");
        original
    }

    fn restore(&mut self, key: &Pubkey, acc: Account) {
        self.w.svm.set_account(*key, acc).expect("restore");
    }

    /// The first stream of the bucket of operator `op` (index into the world's operators) in
    /// pool `p`.
    fn stream(&self, op: usize, p: usize) -> StreamKeys {
        let bucket = self.bucket(op, p);
        let mint = self.w.stream_mints(&bucket)[0];
        let info = self.w.mint_info(&mint).expect("mint");
        StreamKeys::new(bucket, mint, info.token_program)
    }

    fn bucket(&self, op: usize, p: usize) -> Pubkey {
        client::operator_pool_pda(
            &client::operator_pda(&self.w.operators[op]),
            &self.keys(p).pool,
        )
    }

    /// A claim of `owner`'s position in pool `p` with its delegation to operator `op`'s bucket,
    /// every stream paid to `owner`'s wallets.
    fn claim(&self, owner: Pubkey, p: usize, op: usize) -> Instruction {
        let keys = self.keys(p);
        let bucket = self.bucket(op, p);
        let dest = self.w.wallet(owner, &keys.lst_mint);
        let mut ix = client::claim_delegation(owner, &keys, dest, Some(bucket));
        for mint in self.w.stream_mints(&bucket) {
            let info = self.w.mint_info(&mint).expect("mint");
            let s = StreamKeys::new(bucket, mint, info.token_program);
            ix.accounts
                .extend(s.claim_group(self.w.wallet(owner, &mint)));
        }
        ix
    }

    /// A pending slash request of service 0 on operator 0's bucket in pool `p`, its veto
    /// window passed.
    fn executable_slash(&mut self, p: usize) -> (Pubkey, Pubkey) {
        let svc = self.w.services[0];
        let service = client::service_pda(&svc.authority);
        let operator = client::operator_pda(&self.w.operators[0]);
        let bucket = self.bucket(0, p);
        let nonce = self.read::<OperatorPool>(&bucket).slash_nonce;
        self.ok(client::request_slash(
            svc.slasher,
            service,
            operator,
            bucket,
            nonce,
            100,
            [1; 32],
        ));
        self.warp(DAY / 2 + 1);
        (bucket, client::slash_request_pda(&bucket, &service, nonce))
    }
}

/// Replaces every occurrence of `from` among `ix`'s accounts by `to`.
fn swap(mut ix: Instruction, from: Pubkey, to: Pubkey) -> Instruction {
    let mut n = 0;
    for m in ix.accounts.iter_mut().filter(|m| m.pubkey == from) {
        m.pubkey = to;
        n += 1;
    }
    assert!(n > 0, "{from} is not an account of the instruction");
    ix
}

const BAD_PROGRAM: &[&str] = &["InvalidProgramId", "InvalidTokenProgram"];

/// Arbitrary CPI target: every account the program invokes (a token program) is pinned. The
/// fake program accepts any instruction and moves nothing, so a program that invoked it would
/// book a transfer that never happened.
#[test]
fn attack_arbitrary_cpi_target() {
    let mut t = T::new();
    let (a, v) = (t.attacker, t.victim);
    let keys = t.keys(0);
    let wallet = t.w.wallet(a, &keys.lst_mint);

    // the fake program does accept a transfer_checked (and moves nothing)
    let mut data = vec![12u8];
    data.extend_from_slice(&ONE.to_le_bytes());
    data.push(9);
    let fake_transfer = Instruction {
        program_id: FAKE_PROGRAM,
        accounts: vec![
            AccountMeta::new(keys.vault, false),
            AccountMeta::new_readonly(keys.lst_mint, false),
            AccountMeta::new(wallet, false),
            AccountMeta::new_readonly(keys.pool, false),
        ],
        data,
    };
    let vault_before = t.token(&keys.vault);
    t.ok(fake_transfer);
    assert_eq!(t.token(&keys.vault), vault_before);

    // deposit: the LST "sent" through the fake program
    let ix = client::deposit(a, &keys, wallet, 10 * ONE, 0);
    t.refused(
        "deposit",
        swap(ix.clone(), TOKEN_PROGRAM, FAKE_PROGRAM),
        BAD_PROGRAM,
    );
    // the other real token program is not the mint's either
    t.refused(
        "deposit (Token-2022 for an SPL mint)",
        swap(ix.clone(), TOKEN_PROGRAM, TOKEN_2022_PROGRAM),
        BAD_PROGRAM,
    );
    t.ok(ix);

    // complete_withdrawal: the vault "pays" through the fake program
    let ticket = t.withdraw_ticket(a, 0, 5 * ONE);
    t.warp(2 * DAY + 1);
    let ix = client::complete_withdrawal(a, &keys, ticket, wallet);
    t.refused(
        "complete_withdrawal",
        swap(ix.clone(), TOKEN_PROGRAM, FAKE_PROGRAM),
        BAD_PROGRAM,
    );
    t.ok(ix);

    // claim: the pool's token program and a stream's (in the claim group)
    t.w.pools[0].source = restaking_fuzz::world::Source::StakePool {
        account: keys.rate_source.expect("source"),
        lamports: STAKE_POOL_SUPPLY / 100 * 110,
        epoch: t.w.svm.get_sysvar::<Clock>().epoch,
    };
    t.w.write_source(0);
    t.warp(3_600);
    let ix = t.claim(a, 0, 0);
    let pool_leg = {
        let mut x = ix.clone();
        let i = x
            .accounts
            .iter()
            .position(|m| m.pubkey == TOKEN_PROGRAM)
            .expect("token program");
        x.accounts[i].pubkey = FAKE_PROGRAM;
        x
    };
    t.refused("claim (pool leg)", pool_leg, BAD_PROGRAM);
    let stream_leg = {
        let mut x = ix.clone();
        let i = x.accounts.len() - 1; // the last group's token program
        x.accounts[i].pubkey = FAKE_PROGRAM;
        x
    };
    t.refused("claim (stream group)", stream_leg, BAD_PROGRAM);
    t.ok(ix);

    // fund_rewards, claim_commission, claim_protocol_fees
    let s = t.stream(0, 0);
    let funder = t.w.wallet(t.w.funder, &s.reward_mint);
    let operator = client::operator_pda(&t.w.operators[0]);
    let tp = s.token_program;
    let ix = client::fund_rewards(t.w.funder, operator, &s, funder, 1_000_000);
    t.refused(
        "fund_rewards",
        swap(ix.clone(), tp, FAKE_PROGRAM),
        BAD_PROGRAM,
    );
    t.ok(ix);
    let dest = t.w.wallet(t.w.operators[0], &s.reward_mint);
    let ix = client::claim_commission(t.w.operators[0], &s, dest);
    t.refused(
        "claim_commission",
        swap(ix.clone(), tp, FAKE_PROGRAM),
        BAD_PROGRAM,
    );
    t.ok(ix);
    let treasury = t.w.wallet(t.w.treasury, &s.reward_mint);
    let ix = client::claim_protocol_fees(&s, treasury);
    t.refused(
        "claim_protocol_fees",
        swap(ix.clone(), tp, FAKE_PROGRAM),
        BAD_PROGRAM,
    );
    t.ok(ix);

    // execute_slash: the seized LST "sent" through the fake program
    let (bucket, request) = t.executable_slash(0);
    let service = client::service_pda(&t.w.services[0].authority);
    let dest = t.w.wallet(t.w.services[0].destination, &keys.lst_mint);
    let ix = client::execute_slash(&keys, bucket, request, service, dest);
    t.refused(
        "execute_slash",
        swap(ix.clone(), TOKEN_PROGRAM, FAKE_PROGRAM),
        BAD_PROGRAM,
    );
    t.ok(ix);

    // add_pool and add_reward_mint create token accounts through the token program
    let spare = t.w.pools[3].clone();
    let ix = client::add_pool(
        t.w.admin,
        &spare.keys,
        client::AddPoolArgs {
            rate_source: spare.rate_source,
            initial_rate: 1_000_000_000_000_000_000,
            deposit_cap_value: u64::MAX,
            withdrawal_delay_secs: 2 * DAY,
            accepted_freeze_authority: None,
        },
    );
    t.refused(
        "add_pool",
        swap(ix, TOKEN_PROGRAM, FAKE_PROGRAM),
        BAD_PROGRAM,
    );
    let bucket = t.bucket(2, 0);
    let mint = t.w.rewards[2].clone();
    let s = StreamKeys::new(bucket, mint.key, FAKE_PROGRAM);
    let o2 = t.w.operators[2];
    let ix = client::add_reward_mint(o2, client::operator_pda(&o2), bucket, &s);
    t.refused("add_reward_mint", ix, BAD_PROGRAM);
    let _ = v;
}

/// Owner check: an account at the very address the program expects, with the right layout and
/// data, but owned by another program, is refused — for every account type an instruction
/// reads.
#[test]
fn attack_owner_check() {
    let mut t = T::new();
    let (a, v) = (t.attacker, t.victim);
    let keys = t.keys(0);
    let position = keys.position(&a);
    let ticket = t.withdraw_ticket(a, 0, 5 * ONE);
    t.warp(2 * DAY + 1);
    let wallet = t.w.wallet(a, &keys.lst_mint);
    let wrong_owner = &["AccountOwnedByWrongProgram", "InvalidRateSourceOwner"];

    // each account of a withdrawal's completion, in turn, owned by the fake program
    let complete = client::complete_withdrawal(a, &keys, ticket, wallet);
    for (what, key) in [
        ("pool", keys.pool),
        ("position", position),
        ("ticket", ticket),
        ("pool vault", keys.vault),
        ("destination", wallet),
    ] {
        let original = t.reown(&key, FAKE_PROGRAM);
        t.refused(
            &format!("complete_withdrawal, {what} owned by another program"),
            complete.clone(),
            wrong_owner,
        );
        t.restore(&key, original);
    }

    // a forged position at the attacker's address that claims far more idle LST
    let original = t.w.svm.get_account(&position).expect("position");
    let mut p: Position = t.read(&position);
    p.idle_lst = 1_000_000 * ONE;
    let mut data = Vec::new();
    p.try_serialize(&mut data).expect("serialize");
    let mut forged = original.clone();
    forged.data[..data.len()].copy_from_slice(&data);
    forged.owner = FAKE_PROGRAM;
    t.w.svm.set_account(position, forged).expect("set");
    let nonce = p.ticket_nonce;
    t.refused(
        "request_withdrawal from a forged position",
        client::request_withdrawal(a, &keys, nonce, 1_000 * ONE, None),
        wrong_owner,
    );
    t.restore(&position, original);
    t.ok(complete);

    // delegate: config, operator, bucket, the existing delegation record, a reward index
    let op = client::operator_pda(&t.w.operators[0]);
    let bucket = t.bucket(0, 0);
    let delegation = client::delegation_pda(&position, &bucket);
    let mints = t.w.stream_mints(&bucket);
    let mut delegate = client::delegate(a, &keys, op, ONE);
    delegate
        .accounts
        .extend(client::reward_index_metas(&bucket, &mints));
    let index = client::reward_index_pda(&bucket, &mints[0]);
    for (what, key) in [
        ("config", client::config_pda()),
        ("operator", op),
        ("bucket", bucket),
        ("reward index", index),
        ("rate source", keys.rate_source.expect("source")),
    ] {
        let original = t.reown(&key, FAKE_PROGRAM);
        t.refused(
            &format!("delegate, {what} owned by another program"),
            delegate.clone(),
            wrong_owner,
        );
        t.restore(&key, original);
    }
    // the delegation record is an unchecked account: one the program does not own is taken for
    // a new record, whose creation at an address already in use fails
    let original = t.reown(&delegation, FAKE_PROGRAM);
    t.refused(
        "delegate, delegation owned by another program",
        delegate.clone(),
        &["AccountAlreadyExists"],
    );
    t.restore(&delegation, original);
    t.ok(delegate);

    // undelegate and the queue; claim and the reward vault; execute_slash and its request
    let shares = t.read::<Delegation>(&delegation).shares;
    let nonce = t.read::<Position>(&position).ticket_nonce;
    let mut undelegate = client::undelegate(a, &keys, bucket, nonce, shares / 2, None);
    undelegate
        .accounts
        .extend(client::reward_index_metas(&bucket, &mints));
    let queue = client::queue_pda(&bucket);
    let original = t.reown(&queue, FAKE_PROGRAM);
    t.refused(
        "undelegate, queue owned by another program",
        undelegate.clone(),
        wrong_owner,
    );
    t.restore(&queue, original);
    t.ok(undelegate);
    let claim = t.claim(v, 0, 0);
    let s = t.stream(0, 0);
    let original = t.reown(&s.reward_index, FAKE_PROGRAM);
    t.refused(
        "claim, reward index owned by another program",
        claim.clone(),
        wrong_owner,
    );
    t.restore(&s.reward_index, original);
    // the reward vault's address is pinned to the index's (and is a token account the program
    // created): its owner is the token program's to check, which refuses to debit it
    let original = t.reown(&s.reward_vault, FAKE_PROGRAM);
    t.refused(
        "claim, reward vault owned by another program",
        claim.clone(),
        &[
            "spl-token: ExternalAccountDataModified",
            "AccountOwnedByWrongProgram",
        ],
    );
    t.restore(&s.reward_vault, original);
    t.ok(claim);
    let (bucket, request) = t.executable_slash(0);
    let service = client::service_pda(&t.w.services[0].authority);
    let dest = t.w.wallet(t.w.services[0].destination, &keys.lst_mint);
    let execute = client::execute_slash(&keys, bucket, request, service, dest);
    for key in [request, service] {
        let original = t.reown(&key, FAKE_PROGRAM);
        t.refused(
            "execute_slash, an account owned by another program",
            execute.clone(),
            wrong_owner,
        );
        t.restore(&key, original);
    }
    t.ok(execute);
}

/// Account data matching: an account of the right type whose data names another owner, pool,
/// position, bucket, stream or mint is refused where that matters.
#[test]
fn attack_account_data_matching() {
    let mut t = T::new();
    let (a, v) = (t.attacker, t.victim);
    let keys = t.keys(0);
    let other = t.keys(2);

    // deposit from the victim's LST account (right mint, another owner)
    let victim_wallet = t.w.wallet(v, &keys.lst_mint);
    let ix = client::deposit(a, &keys, victim_wallet, ONE, 0);
    t.refused(
        "deposit from another owner's account",
        ix,
        &["spl-token: Custom(4)"],
    );
    // into another pool's vault
    let wallet = t.w.wallet(a, &keys.lst_mint);
    let ix = swap(
        client::deposit(a, &keys, wallet, ONE, 0),
        keys.vault,
        other.vault,
    );
    t.refused("deposit into another pool's vault", ix, &["InvalidVault"]);

    // the victim's ticket completed through the attacker's position, and signed by the attacker
    let ticket = t.withdraw_ticket(v, 0, 5 * ONE);
    t.warp(2 * DAY + 1);
    let ix = client::complete_ticket_by(a, a, &keys, ticket, wallet, None);
    t.refused("complete another position's ticket", ix, &["WrongTicket"]);
    let ix = client::complete_ticket_by(a, v, &keys, ticket, wallet, None);
    t.refused(
        "complete the victim's ticket as the attacker",
        ix,
        &["NotTicketBeneficiary"],
    );
    let ix = client::cancel_ticket_by(a, v, &keys, ticket, None, None);
    t.refused(
        "cancel the victim's ticket as the attacker",
        ix,
        &["NotTicketBeneficiary", "NotPositionOwner"],
    );

    // claim: the victim's delegation with the attacker's position
    let bucket = t.bucket(0, 0);
    let mut ix = t.claim(a, 0, 0);
    let mine = client::delegation_pda(&keys.position(&a), &bucket);
    let theirs = client::delegation_pda(&keys.position(&v), &bucket);
    ix = swap(ix, mine, theirs);
    t.refused(
        "claim with another position's delegation",
        ix,
        &["WrongDelegation"],
    );
    // a stream group naming another bucket's index, another stream's vault, another mint
    let s0 = t.stream(0, 0);
    let s1 = t.stream(0, 1);
    let claim = t.claim(a, 0, 0);
    t.refused(
        "claim group with another bucket's index",
        swap(claim.clone(), s0.reward_index, s1.reward_index),
        &["RewardStreamMismatch"],
    );
    t.refused(
        "claim group with another stream's vault",
        swap(claim.clone(), s0.reward_vault, s1.reward_vault),
        &["InvalidRewardVault"],
    );
    let lst_wallet = t.w.wallet(a, &keys.lst_mint);
    let reward_wallet = t.w.wallet(a, &s0.reward_mint);
    let mut x = claim.clone();
    let i = x
        .accounts
        .iter()
        .rposition(|m| m.pubkey == reward_wallet)
        .expect("reward wallet");
    x.accounts[i].pubkey = lst_wallet;
    t.refused(
        "claim group paying into an account of another mint",
        x,
        &["InvalidMint"],
    );
    t.ok(claim);

    // protocol fees to an account the treasury does not own; commission of another operator
    let ix = client::claim_protocol_fees(&s0, t.w.wallet(a, &s0.reward_mint));
    t.refused(
        "protocol fees to a non-treasury account",
        ix,
        &["InvalidTreasuryAccount"],
    );
    let o1 = t.w.operators[1];
    let ix = client::claim_commission(o1, &s0, t.w.wallet(o1, &s0.reward_mint));
    t.refused(
        "commission of another operator's stream",
        ix,
        &["WrongDelegation", "NotOperatorAuthority"],
    );
    // funding from an account of another mint
    let op = client::operator_pda(&t.w.operators[0]);
    let funder_other = t.w.wallet(t.w.funder, &t.w.rewards[3].key);
    let ix = client::fund_rewards(t.w.funder, op, &s0, funder_other, 1_000);
    t.refused("fund from an account of another mint", ix, &["InvalidMint"]);

    // seized LST to an account the service's destination does not own
    let (bucket, request) = t.executable_slash(0);
    let service = client::service_pda(&t.w.services[0].authority);
    let ix = client::execute_slash(&keys, bucket, request, service, wallet);
    t.refused(
        "slash to the attacker's account",
        ix,
        &["InvalidSlashDestination"],
    );
    // a request of another service
    let service1 = client::service_pda(&t.w.services[1].authority);
    let dest1 = t.w.wallet(t.w.services[1].destination, &keys.lst_mint);
    let ix = client::execute_slash(&keys, bucket, request, service1, dest1);
    t.refused("slash naming another service", ix, &["ServiceNotLinked"]);
    let dest = t.w.wallet(t.w.services[0].destination, &keys.lst_mint);
    t.ok(client::execute_slash(&keys, bucket, request, service, dest));
}

/// The address `seeds` + `bump` for the first bump below the canonical one that gives a valid
/// (off-curve) address: a PDA the program would also sign for, but not the canonical one.
fn non_canonical(seeds: &[&[u8]]) -> Pubkey {
    let (_, canonical) = Pubkey::find_program_address(seeds, &restaking::ID);
    for bump in (0..canonical).rev() {
        let mut s: Vec<&[u8]> = seeds.to_vec();
        let b = [bump];
        s.push(&b);
        if let Ok(k) = Pubkey::create_program_address(&s, &restaking::ID) {
            return k;
        }
    }
    panic!("no non-canonical bump")
}

/// Non-canonical bump: an account the program creates at a PDA, offered at the same seeds with
/// another valid bump, is refused; and every record the program created stores its canonical
/// bump (the one it signs with).
#[test]
fn attack_non_canonical_bump() {
    let mut t = T::new();
    let a = t.attacker;
    let keys = t.keys(0);
    let position = keys.position(&a);
    let seeds_err = &["ConstraintSeeds"];

    // a withdrawal ticket
    let nonce = t.read::<Position>(&position).ticket_nonce;
    let bad = non_canonical(&[
        WithdrawalTicket::SEED,
        position.as_ref(),
        &nonce.to_le_bytes(),
    ]);
    let ix = client::request_withdrawal(a, &keys, nonce, ONE, None);
    let good = client::ticket_pda(&position, nonce);
    t.refused(
        "ticket at a non-canonical bump",
        swap(ix.clone(), good, bad),
        seeds_err,
    );
    t.ok(ix);

    // a position
    let fresh = t.w.spare[0];
    let bad = non_canonical(&[Position::SEED, keys.pool.as_ref(), fresh.as_ref()]);
    let ix = client::open_position(fresh, &keys);
    t.refused(
        "position at a non-canonical bump",
        swap(ix.clone(), keys.position(&fresh), bad),
        seeds_err,
    );
    t.ok(ix);

    // a delegation (first delegation to operator 2's bucket, created by `delegate`)
    let op = client::operator_pda(&t.w.operators[2]);
    let bucket = t.bucket(2, 0);
    let bad = non_canonical(&[Delegation::SEED, position.as_ref(), bucket.as_ref()]);
    let ix = client::delegate(a, &keys, op, ONE);
    let good = client::delegation_pda(&position, &bucket);
    t.refused(
        "delegation at a non-canonical bump",
        swap(ix.clone(), good, bad),
        &["WrongDelegation"],
    );
    t.ok(ix);

    // an operator, a service, a reward stream, a slash request
    let spare = t.w.spare[1];
    let ix = client::register_operator(spare, 0, "x");
    let bad = non_canonical(&[Operator::SEED, spare.as_ref()]);
    t.refused(
        "operator at a non-canonical bump",
        swap(ix.clone(), client::operator_pda(&spare), bad),
        seeds_err,
    );
    t.ok(ix);
    let ix = client::register_service(spare, spare, spare, "x");
    let bad = non_canonical(&[Service::SEED, spare.as_ref()]);
    t.refused(
        "service at a non-canonical bump",
        swap(ix.clone(), client::service_pda(&spare), bad),
        seeds_err,
    );
    t.ok(ix);
    let mint = t.w.rewards[3].clone();
    let s = StreamKeys::new(bucket, mint.key, mint.token_program);
    let o2 = t.w.operators[2];
    let ix = client::add_reward_mint(o2, op, bucket, &s);
    let bad = non_canonical(&[RewardIndex::SEED, bucket.as_ref(), mint.key.as_ref()]);
    t.refused(
        "reward index at a non-canonical bump",
        swap(ix.clone(), s.reward_index, bad),
        seeds_err,
    );
    t.ok(ix);
    let svc = t.w.services[0];
    let service = client::service_pda(&svc.authority);
    let b0 = t.bucket(0, 0);
    let nonce = t.read::<OperatorPool>(&b0).slash_nonce;
    let op0 = client::operator_pda(&t.w.operators[0]);
    let ix = client::request_slash(svc.slasher, service, op0, b0, nonce, 10, [0; 32]);
    let bad = non_canonical(&[
        SlashRequest::SEED,
        b0.as_ref(),
        service.as_ref(),
        &nonce.to_le_bytes(),
    ]);
    t.refused(
        "slash request at a non-canonical bump",
        swap(
            ix.clone(),
            client::slash_request_pda(&b0, &service, nonce),
            bad,
        ),
        seeds_err,
    );
    t.ok(ix);

    // every record stores the canonical bump of its address
    let c = t.chain();
    let canonical = |seeds: &[&[u8]]| Pubkey::find_program_address(seeds, &restaking::ID);
    let check = |what: &str, key: &Pubkey, bump: u8, seeds: &[&[u8]]| {
        let (k, b) = canonical(seeds);
        assert_eq!((k, b), (*key, bump), "{what} {key}: stored bump {bump}");
    };
    let config: Config = t.read(&client::config_pda());
    check(
        "config",
        &client::config_pda(),
        config.bump,
        &[Config::SEED],
    );
    for (k, p) in &c.pools {
        check("pool", k, p.bump, &[Pool::SEED, p.lst_mint.as_ref()]);
        check(
            "pool vault",
            &p.vault,
            p.vault_bump,
            &[Pool::VAULT_SEED, k.as_ref()],
        );
    }
    for (k, p) in &c.positions {
        check(
            "position",
            k,
            p.bump,
            &[Position::SEED, p.pool.as_ref(), p.owner.as_ref()],
        );
    }
    for (k, d) in &c.delegations {
        check(
            "delegation",
            k,
            d.bump,
            &[
                Delegation::SEED,
                d.position.as_ref(),
                d.operator_pool.as_ref(),
            ],
        );
    }
    for (k, x) in &c.tickets {
        check(
            "ticket",
            k,
            x.bump,
            &[
                WithdrawalTicket::SEED,
                x.position.as_ref(),
                &x.nonce.to_le_bytes(),
            ],
        );
    }
    for (k, b) in &c.buckets {
        check(
            "bucket",
            k,
            b.bump,
            &[OperatorPool::SEED, b.operator.as_ref(), b.pool.as_ref()],
        );
    }
    for (k, q) in &c.queues {
        check(
            "queue",
            k,
            q.bump,
            &[UndelegationQueue::SEED, q.operator_pool.as_ref()],
        );
    }
    for (k, i) in &c.indexes {
        check(
            "reward index",
            k,
            i.bump,
            &[
                RewardIndex::SEED,
                i.operator_pool.as_ref(),
                i.reward_mint.as_ref(),
            ],
        );
        check(
            "reward vault",
            &i.reward_vault,
            i.vault_bump,
            &[RewardIndex::VAULT_SEED, k.as_ref()],
        );
    }
    for (k, o) in &c.operators {
        check(
            "operator",
            k,
            o.bump,
            &[Operator::SEED, o.authority.as_ref()],
        );
    }
    for (k, s) in &c.services {
        check("service", k, s.bump, &[Service::SEED, s.authority.as_ref()]);
    }
    for (k, l) in &c.links {
        check(
            "service link",
            k,
            l.bump,
            &[ServiceLink::SEED, l.service.as_ref(), l.operator.as_ref()],
        );
    }
    for (k, r) in &c.requests {
        check(
            "slash request",
            k,
            r.bump,
            &[
                SlashRequest::SEED,
                r.operator_pool.as_ref(),
                r.service.as_ref(),
                &r.nonce.to_le_bytes(),
            ],
        );
    }
}

/// PDA sharing: each vault's signer is a PDA of that pool or stream alone, and what one user
/// (or one lien holder) may make the shared pool PDA sign is bound to that user's own position
/// and tickets.
#[test]
fn attack_pda_sharing() {
    let mut t = T::new();
    let (a, v) = (t.attacker, t.victim);
    let c = t.chain();

    // one signer per vault: the pool PDA for its vault, the stream's index PDA for its reward
    // vault; no two vaults share one, and no position or user key signs for any
    let mut signers = Vec::new();
    for (k, p) in &c.pools {
        let vault = t.w.svm.get_account(&p.vault).expect("vault");
        let authority = Pubkey::try_from(&vault.data[32..64]).expect("owner");
        assert_eq!(
            authority, *k,
            "pool vault {} is signed for by its pool",
            p.vault
        );
        signers.push(authority);
    }
    for (k, i) in &c.indexes {
        let vault = t.w.svm.get_account(&i.reward_vault).expect("vault");
        let authority = Pubkey::try_from(&vault.data[32..64]).expect("owner");
        assert_eq!(
            authority, *k,
            "reward vault {} is signed for by its index",
            i.reward_vault
        );
        signers.push(authority);
    }
    let n = signers.len();
    signers.sort();
    signers.dedup();
    assert_eq!(signers.len(), n, "two vaults share a signer");

    // pool A's PDA cannot be made to pay out of pool B's vault
    let keys = t.keys(0);
    let other = t.keys(2);
    let ticket = t.withdraw_ticket(a, 0, 5 * ONE);
    t.warp(3 * DAY);
    let wallet = t.w.wallet(a, &keys.lst_mint);
    let ix = client::complete_withdrawal(a, &keys, ticket, wallet);
    let cross = swap(
        swap(ix.clone(), keys.vault, other.vault),
        keys.lst_mint,
        other.lst_mint,
    );
    t.refused(
        "pool A's ticket paid from pool B's vault",
        cross,
        &["InvalidVault", "InvalidMint"],
    );
    let claim = t.claim(a, 0, 0);
    t.refused(
        "claim paid from another pool's vault",
        swap(claim, keys.vault, other.vault),
        &["InvalidVault"],
    );
    // a stream's PDA cannot pay another stream's vault
    let s0 = t.stream(0, 0);
    let s1 = t.stream(1, 0);
    let o0 = t.w.operators[0];
    let ix = swap(
        client::claim_commission(o0, &s0, t.w.wallet(o0, &s0.reward_mint)),
        s0.reward_vault,
        s1.reward_vault,
    );
    t.refused(
        "commission paid from another stream's vault",
        ix,
        &["InvalidRewardVault", "InvalidMint"],
    );

    // the shared pool PDA pays a user's ticket and yield only to that user's signature
    let victim_ticket = t.withdraw_ticket(v, 0, 5 * ONE);
    t.warp(3 * DAY);
    let ix = client::complete_ticket_by(a, v, &keys, victim_ticket, wallet, None);
    t.refused(
        "the victim's ticket paid to the attacker",
        ix,
        &["NotTicketBeneficiary"],
    );
    let dest = t.w.wallet(a, &keys.lst_mint);
    let ix = client::claim_delegation(a, &keys, dest, None);
    let ix = swap(ix, keys.position(&a), keys.position(&v));
    t.refused(
        "the victim's yield claimed by the attacker",
        ix,
        &["NotPositionOwner"],
    );
    t.ok(client::complete_withdrawal(a, &keys, ticket, wallet));
    let victim_wallet = t.w.wallet(v, &keys.lst_mint);
    t.ok(client::complete_withdrawal(
        v,
        &keys,
        victim_ticket,
        victim_wallet,
    ));

    // a lien holder of one position cannot enforce on another
    let lender = t.w.lenders[0];
    let pv = keys.position(&v);
    t.ok(client::set_lien(v, pv, lender));
    let nonce = t.read::<Position>(&keys.position(&a)).ticket_nonce;
    let ix = client::enforce_withdrawal(lender, a, &keys, nonce, ONE);
    t.refused(
        "a lien holder enforcing on a position it holds no lien on",
        ix,
        &["NotPositionOwner"],
    );
    let nonce = t.read::<Position>(&pv).ticket_nonce;
    t.ok(client::enforce_withdrawal(lender, v, &keys, nonce, ONE));
}

/// Sysvar spoofing: no instruction takes a sysvar account (the clock and rent are read with
/// syscalls), so a forged clock has nowhere to go; an extra "clock" account changes nothing.
#[test]
fn attack_sysvar_spoofing() {
    let mut t = T::new();
    let a = t.attacker;
    let keys = t.keys(0);
    let s = t.stream(0, 0);
    let bucket = t.bucket(0, 0);
    let op = client::operator_pda(&t.w.operators[0]);
    let wallet = t.w.wallet(a, &keys.lst_mint);
    let position = keys.position(&a);
    let service = client::service_pda(&t.w.services[0].authority);
    let request = client::slash_request_pda(&bucket, &service, 0);
    let ticket = client::ticket_pda(&position, 0);

    // one of every instruction the client builds
    let every = vec![
        client::initialize_config(
            a,
            client::InitializeConfigArgs {
                guardian: a,
                treasury: a,
                protocol_fee_bps: 0,
                max_commission_bps: 0,
                min_withdrawal_delay_secs: DAY,
                slash_veto_secs: 0,
            },
        ),
        client::update_config(a, Default::default()),
        client::transfer_admin(a, a),
        client::accept_admin(a),
        client::set_pause(a, 0),
        client::add_pool(
            a,
            &keys,
            client::AddPoolArgs {
                rate_source: t.w.pools[0].rate_source,
                initial_rate: 0,
                deposit_cap_value: 0,
                withdrawal_delay_secs: DAY,
                accepted_freeze_authority: None,
            },
        ),
        client::update_pool(a, keys.pool, Default::default()),
        client::push_rate(a, keys.pool, 1),
        client::register_operator(a, 0, ""),
        client::update_operator(a, Default::default()),
        client::open_operator_pool(a, keys.pool),
        client::add_reward_mint(a, op, bucket, &s),
        client::claim_commission(a, &s, wallet),
        client::register_service(a, a, a, ""),
        client::link_service(a, service, 1),
        client::unlink_service(a, service),
        client::request_slash(a, service, op, bucket, 0, 1, [0; 32]),
        client::veto_slash(a, bucket, request, client::service_link_pda(&service, &op)),
        client::execute_slash(&keys, bucket, request, service, wallet),
        client::open_position(a, &keys),
        client::deposit(a, &keys, wallet, 1, 0),
        client::delegate(a, &keys, op, 1),
        client::undelegate(a, &keys, bucket, 0, 1, None),
        client::close_delegation(a, &keys, bucket),
        client::request_withdrawal(a, &keys, 0, 1, None),
        client::complete_ticket(a, &keys, ticket, wallet, Some(bucket)),
        client::cancel_ticket(a, &keys, ticket, Some(bucket), Some(op)),
        client::claim_delegation(a, &keys, wallet, Some(bucket)),
        client::fund_rewards(a, op, &s, wallet, 1),
        client::claim_protocol_fees(&s, wallet),
        client::harvest_accounts(&keys, Some(position), Some(bucket)),
        client::get_position_value(a, &keys),
        client::close_position(a, &keys),
        client::set_lien(a, position, a),
        client::release_lien(a, position),
    ];
    let sysvars: Vec<Pubkey> = [
        "SysvarC1ock11111111111111111111111111111111",
        "SysvarRent111111111111111111111111111111111",
        "SysvarEpochSchedu1e111111111111111111111111",
        "SysvarFees111111111111111111111111111111111",
        "Sysvar1nstructions1111111111111111111111111",
        "SysvarRecentB1ockHashes11111111111111111111",
        "SysvarS1otHashes111111111111111111111111111",
        "SysvarS1otHistory11111111111111111111111111",
        "SysvarStakeHistory1111111111111111111111111",
        "SysvarEpochRewards1111111111111111111111111",
        "SysvarLastRestartS1ot1111111111111111111111",
    ]
    .iter()
    .map(|s| s.parse().expect("sysvar id"))
    .collect();
    for ix in &every {
        for m in &ix.accounts {
            assert!(
                !sysvars.contains(&m.pubkey),
                "an instruction takes the sysvar {}",
                m.pubkey
            );
        }
    }

    // a forged clock, a year ahead, passed along with an unmatured ticket changes nothing
    let ticket = t.withdraw_ticket(a, 0, 5 * ONE);
    let mut clock: Clock = t.w.svm.get_sysvar();
    clock.unix_timestamp += 365 * DAY;
    clock.epoch += 200;
    let forged_clock = t.w.fresh_key();
    let data = bincode_clock(&clock);
    t.w.set_raw(forged_clock, FAKE_PROGRAM, data.clone());
    let mut ix = client::complete_withdrawal(a, &keys, ticket, wallet);
    ix.accounts
        .push(AccountMeta::new_readonly(forged_clock, false));
    t.refused(
        "complete with a forged clock",
        ix.clone(),
        &["TicketNotMatured"],
    );
    // the real clock's address, holding forged data, cannot be passed either: the runtime owns
    // it (writing it is refused) and the program does not read it
    let real_clock: Pubkey = sysvars[0];
    let mut ix2 = client::complete_withdrawal(a, &keys, ticket, wallet);
    ix2.accounts
        .push(AccountMeta::new_readonly(real_clock, false));
    t.refused(
        "complete with the clock sysvar appended",
        ix2,
        &["TicketNotMatured"],
    );
    // a stake pool that claims a future epoch is stale, whatever it says
    let sp = keys.rate_source.expect("source");
    let epoch = t.w.svm.get_sysvar::<Clock>().epoch;
    let original = t.w.svm.get_account(&sp).expect("stake pool");
    t.w.set_raw(
        sp,
        SPL_STAKE_POOL_PROGRAM_ID,
        stake_pool_account_data(
            &keys.lst_mint,
            STAKE_POOL_SUPPLY * 2,
            STAKE_POOL_SUPPLY,
            epoch + 1,
        ),
    );
    t.refused(
        "deposit with a stake pool from a future epoch",
        client::deposit(a, &keys, wallet, ONE, 0),
        &["StaleRate"],
    );
    t.restore(&sp, original);
    // at maturity, by the real clock, the same completion goes through
    t.warp(2 * DAY);
    t.ok(ix);
}

/// A `Clock` as the runtime lays it out (bincode: five little-endian 8-byte fields).
fn bincode_clock(c: &Clock) -> Vec<u8> {
    let mut d = Vec::with_capacity(40);
    d.extend_from_slice(&c.slot.to_le_bytes());
    d.extend_from_slice(&c.epoch_start_timestamp.to_le_bytes());
    d.extend_from_slice(&c.epoch.to_le_bytes());
    d.extend_from_slice(&c.leader_schedule_epoch.to_le_bytes());
    d.extend_from_slice(&c.unix_timestamp.to_le_bytes());
    d
}

/// FINDING (fuzzer, seed 2026, sequence 2956, step 39), fixed: a `String` argument whose Borsh
/// length prefix exceeded the SBF heap made the program panic (`ProgramFailedToComplete`, ~1,300
/// CU) instead of failing with a named error: Borsh 1.x pre-allocates `min(len, 1 MiB)` bytes for
/// a string before reading it, and the heap is 32 KiB. `register_operator` and
/// `register_service` (`metadata_uri`) and `update_operator` (`args.metadata_uri`) now read their
/// strings as `ArgString` (programs/restaking/src/arg_string.rs), which refuses a length no
/// transaction can carry before allocating: `InstructionDidNotDeserialize`, nothing written.
#[test]
fn finding_oversized_string_argument_panics() {
    let mut t = T::new();
    let spare = t.w.spare[2];
    let operator = t.w.operators[0];
    let claim = |mut ix: Instruction, keep: usize, len: u32| {
        ix.data.truncate(keep);
        ix.data.extend_from_slice(&len.to_le_bytes());
        ix
    };
    for len in [40_000, 1_233, u32::MAX] {
        // discriminator (8) + commission_bps (2), then the uri's u32 length and no bytes
        t.refused(
            &format!("register_operator with a {len}-byte uri length"),
            claim(client::register_operator(spare, 0, ""), 10, len),
            &["InstructionDidNotDeserialize"],
        );
        // discriminator (8) + slasher (32) + destination (32), then the length
        t.refused(
            &format!("register_service with a {len}-byte uri length"),
            claim(client::register_service(spare, spare, spare, ""), 72, len),
            &["InstructionDidNotDeserialize"],
        );
        // discriminator (8) + commission None (1) + uri Some (1), then the length
        let mut ix = client::update_operator(operator, Default::default());
        ix.data.truncate(8);
        ix.data.extend_from_slice(&[0, 1]);
        t.refused(
            &format!("update_operator with a {len}-byte uri length"),
            claim(ix, 10, len),
            &["InstructionDidNotDeserialize"],
        );
    }
}
