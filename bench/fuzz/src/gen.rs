//! The random steps of a sequence: every instruction of the program, valid or with mutated
//! arguments, accounts or signers, plus clock warps, rate moves and rate-source faults.
//!
//! Valid instructions are built by `restaking-client` from the participants the chain holds
//! now (stakers, positions, tickets, buckets, streams, requests). Amounts are drawn around the
//! balance that bounds them (all, one more, one less, 0, 1, `u64::MAX`, a random part). Then,
//! for about a third of the instructions, one mutation: a wrong signer, a missing signature,
//! an account of the right layout owned by another program, the fake token program, another
//! account of the same type (another user's position, ticket, delegation, bucket, a token
//! account of the right mint and another owner), a duplicated, swapped or dropped account, a
//! read-only flag, another stake-pool account, corrupted instruction data. Mutations that must
//! fail are marked so (`Case::must_fail`).
use crate::chain::Chain;
use crate::rng::Rng;
use crate::world::{World, FAKE_PROGRAM, TOKEN_2022_PROGRAM, TOKEN_PROGRAM};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::Discriminator;
use restaking::state::{
    Delegation, Position, RateSource, SlashStatus, TicketKind, WithdrawalTicket,
};
use restaking_client::{
    self as client, AddPoolArgs, InitializeConfigArgs, PoolKeys, StreamKeys, UpdateConfigArgs,
    UpdateOperatorArgs, UpdatePoolArgs,
};

/// What a step does, for the statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    InitializeConfig,
    UpdateConfig,
    TransferAdmin,
    AcceptAdmin,
    SetPause,
    AddPool,
    UpdatePool,
    PushRate,
    RegisterOperator,
    UpdateOperator,
    OpenOperatorPool,
    AddRewardMint,
    ClaimCommission,
    RegisterService,
    LinkService,
    UnlinkService,
    RequestSlash,
    VetoSlash,
    ExecuteSlash,
    OpenPosition,
    Deposit,
    Delegate,
    Undelegate,
    CloseDelegation,
    RequestWithdrawal,
    CompleteWithdrawal,
    CancelWithdrawal,
    SettleUndelegation,
    Claim,
    FundRewards,
    ClaimProtocolFees,
    Harvest,
    GetPositionValue,
    ClosePosition,
    SetLien,
    ReleaseLien,
    ApplyConfigUpdate,
    ApplyPoolUpdate,
    /// A plain token transfer into a vault (a donation).
    TokenDonation,
    /// A plain lamport transfer to a PDA before the program creates it.
    LamportDonation,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::InitializeConfig => "initialize_config",
            Kind::UpdateConfig => "update_config",
            Kind::TransferAdmin => "transfer_admin",
            Kind::AcceptAdmin => "accept_admin",
            Kind::SetPause => "set_pause",
            Kind::AddPool => "add_pool",
            Kind::UpdatePool => "update_pool",
            Kind::PushRate => "push_rate",
            Kind::RegisterOperator => "register_operator",
            Kind::UpdateOperator => "update_operator",
            Kind::OpenOperatorPool => "open_operator_pool",
            Kind::AddRewardMint => "add_reward_mint",
            Kind::ClaimCommission => "claim_commission",
            Kind::RegisterService => "register_service",
            Kind::LinkService => "link_service",
            Kind::UnlinkService => "unlink_service",
            Kind::RequestSlash => "request_slash",
            Kind::VetoSlash => "veto_slash",
            Kind::ExecuteSlash => "execute_slash",
            Kind::OpenPosition => "open_position",
            Kind::Deposit => "deposit",
            Kind::Delegate => "delegate",
            Kind::Undelegate => "undelegate",
            Kind::CloseDelegation => "close_delegation",
            Kind::RequestWithdrawal => "request_withdrawal",
            Kind::CompleteWithdrawal => "complete_withdrawal",
            Kind::CancelWithdrawal => "cancel_withdrawal",
            Kind::SettleUndelegation => "settle_undelegation",
            Kind::Claim => "claim",
            Kind::FundRewards => "fund_rewards",
            Kind::ClaimProtocolFees => "claim_protocol_fees",
            Kind::Harvest => "harvest",
            Kind::GetPositionValue => "get_position_value",
            Kind::ClosePosition => "close_position",
            Kind::SetLien => "set_lien",
            Kind::ReleaseLien => "release_lien",
            Kind::ApplyConfigUpdate => "apply_config_update",
            Kind::ApplyPoolUpdate => "apply_pool_update",
            Kind::TokenDonation => "token_donation",
            Kind::LamportDonation => "lamport_donation",
        }
    }

    /// Instructions that may move tokens out of a program-owned vault.
    pub fn pays_out(self) -> bool {
        matches!(
            self,
            Kind::CompleteWithdrawal
                | Kind::Claim
                | Kind::ExecuteSlash
                | Kind::ClaimCommission
                | Kind::ClaimProtocolFees
        )
    }
}

/// How much a predicted token movement is.
#[derive(Clone, Copy, Debug)]
pub enum Amount {
    /// The instruction's `u64` argument at this byte offset of its data (read after any
    /// mutation of the data).
    DataU64(usize),
    /// A ticket's `lst` before the instruction (the ticket at this account index).
    TicketLst(usize),
    /// What the pool's `total_yield_paid_lst` grew by (base yield paid by `claim`).
    YieldPaid,
    /// What the reward index at this account index paid (`total_paid` growth).
    IndexPaid(usize),
    /// The reward index's `commission_owed` before the instruction.
    CommissionOwed(usize),
    /// The reward index's `protocol_fees_owed` before the instruction.
    ProtocolFeesOwed(usize),
    /// The slash request's seized LST after the instruction.
    Seized(usize),
}

/// A predicted token movement: from the account at index `from` to the one at `to`, of the
/// mint of `from`; the receiver gets `amount` less the mint's transfer fee.
#[derive(Clone, Copy, Debug)]
pub struct Flow {
    pub from: usize,
    pub to: usize,
    pub amount: Amount,
}

/// One instruction of a sequence, with what the oracle needs to judge it.
#[derive(Clone, Debug)]
pub struct Case {
    pub kind: Kind,
    pub ix: Instruction,
    pub desc: String,
    pub mutation: Option<String>,
    /// The mutation must make the instruction fail.
    pub must_fail: bool,
    pub flows: Vec<Flow>,
    /// Index of the acting position in `ix.accounts` (its owner's books follow the flows).
    pub position: Option<usize>,
    /// Index of the pool in `ix.accounts`.
    pub pool: Option<usize>,
    /// For an unmutated claim: the position view to simulate first, whose figures the claim
    /// must pay exactly (`pending_base_yield`, and the rewards of the streams paid, by slot).
    pub view: Option<Instruction>,
    /// Move the clock to this time first (a ticket's maturity, a slash's execution window).
    pub warp_to: Option<i64>,
    /// Forged accounts to create first: (address, account whose layout and data it copies),
    /// owned by the fake program.
    pub forged: Vec<(Pubkey, Pubkey)>,
}

/// A fault of a rate-source account.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// Last updated in an earlier epoch (stale).
    StaleEpoch,
    /// Zero supply / price (an unusable rate).
    Zero,
    /// Truncated data (malformed).
    Truncated,
    /// Owned by another program.
    WrongOwner,
}

#[derive(Clone, Debug)]
pub enum Step {
    Tx(Box<Case>),
    /// Moves the clock; `refresh` rewrites the stake-pool sources for the new epoch.
    Warp {
        secs: i64,
        refresh: bool,
    },
    /// Moves pool `pool`'s SPL stake-pool or Marinade rate by `bps` (and repairs it).
    Rate {
        pool: usize,
        bps: i64,
    },
    /// Breaks pool `pool`'s rate source until the next rate move.
    SourceFault {
        pool: usize,
        fault: Fault,
    },
}

pub struct Gen<'a> {
    pub w: &'a World,
    pub c: &'a Chain,
    pub r: &'a mut Rng,
    /// Describe the steps (costly: base58 keys): for `--verbose` and for the replay of a
    /// sequence that found something.
    pub describe: bool,
    /// The position (staker, pool) whose full exit the sequence works towards
    /// ([`Gen::exit`]).
    pub focus: (Pubkey, usize),
}

fn idx(ix: &Instruction, key: &Pubkey) -> Option<usize> {
    ix.accounts.iter().position(|m| m.pubkey == *key)
}

impl Gen<'_> {
    /// `args` formatted, when describing.
    fn d(&self, args: std::fmt::Arguments) -> String {
        if self.describe {
            args.to_string()
        } else {
            String::new()
        }
    }

    pub fn step(&mut self) -> Step {
        let w = [
            // instructions
            6u32, // admin and setup family
            10,   // deposit
            10,   // delegate
            8,    // undelegate
            6,    // request_withdrawal
            9,    // complete_withdrawal
            4,    // cancel_withdrawal
            10,   // claim
            2,    // close_delegation
            2,    // close / open position
            3,    // harvest
            6,    // fund_rewards
            3,    // commission / protocol fees
            3,    // request_slash
            2,    // veto_slash
            3,    // execute_slash
            2,    // operators and services
            4,    // push_rate
            3,    // get_position_value
            2,    // donations
            3,    // lien: set, release, enforce
            5,    // the next step of a position's full exit
            // the world
            7, // warp
            5, // rate move
            1, // rate-source fault
        ];
        let case = match self.r.weighted(&w) {
            0 => self.admin(),
            1 => self.deposit(),
            2 => self.delegate(),
            3 => self.undelegate(),
            4 => self.request_withdrawal(),
            5 => self.complete(),
            6 => self.cancel(),
            7 => self.claim(),
            8 => self.close_delegation(),
            9 => {
                if self.r.chance(1, 2) {
                    self.close_position()
                } else {
                    self.open_position()
                }
            }
            10 => self.harvest(),
            11 => self.fund(),
            12 => self.fees(),
            13 => self.request_slash(),
            14 => self.veto(),
            15 => self.execute_slash(),
            16 => self.operators_and_services(),
            17 => self.push_rate(),
            18 => self.view_ix(),
            19 => self.donation(),
            20 => self.lien(),
            21 => self.exit(),
            22 => {
                let secs = match self.r.below(6) {
                    0 => self.r.range(1, 60) as i64,
                    1 => self.r.range(60, 3_600) as i64,
                    2 => self.r.range(3_600, 86_400) as i64,
                    3 => self.r.range(86_400, 4 * 86_400) as i64,
                    4 => 86_400,
                    _ => self.r.range(4 * 86_400, 12 * 86_400) as i64,
                };
                return Step::Warp {
                    secs,
                    refresh: self.r.chance(9, 10),
                };
            }
            23 => {
                let pool = self.r.index(self.w.pools.len());
                let bps = match self.r.below(5) {
                    0 => -(self.r.range(1, 1_000) as i64),
                    1 => 0,
                    2 => self.r.range(1, 50) as i64,
                    _ => self.r.range(1, 800) as i64,
                };
                return Step::Rate { pool, bps };
            }
            _ => {
                let pool = self.r.index(self.w.pools.len());
                let fault = match self.r.below(4) {
                    0 => Fault::StaleEpoch,
                    1 => Fault::Zero,
                    2 => Fault::Truncated,
                    _ => Fault::WrongOwner,
                };
                return Step::SourceFault { pool, fault };
            }
        };
        let mut case = case;
        if self.r.chance(1, 3) {
            self.mutate(&mut case);
        }
        Step::Tx(Box::new(case))
    }

    fn case(&self, kind: Kind, ix: Instruction, desc: String) -> Case {
        Case {
            kind,
            ix,
            desc,
            mutation: None,
            must_fail: false,
            flows: Vec::new(),
            position: None,
            pool: None,
            view: None,
            warp_to: None,
            forged: Vec::new(),
        }
    }

    // --- participants ---------------------------------------------------------------------

    fn staker(&mut self) -> Pubkey {
        *self.r.pick(&self.w.stakers).expect("stakers")
    }

    /// A pool index, mostly one that exists.
    fn pool(&mut self) -> usize {
        let live: Vec<usize> = (0..self.w.pools.len())
            .filter(|&i| self.c.pools.contains_key(&self.w.pools[i].keys.pool))
            .collect();
        if live.is_empty() || self.r.chance(1, 30) {
            self.r.index(self.w.pools.len())
        } else {
            *self.r.pick(&live).expect("live")
        }
    }

    fn keys(&self, pool: usize) -> PoolKeys {
        self.w.pools[pool].keys
    }

    /// A (staker, pool) whose position exists, mostly.
    fn position(&mut self) -> (Pubkey, usize) {
        for _ in 0..8 {
            let (s, p) = (self.staker(), self.pool());
            if self.c.positions.contains_key(&self.w.position_key(&s, p)) || self.r.chance(1, 20) {
                return (s, p);
            }
        }
        (self.staker(), self.pool())
    }

    fn position_state(&self, staker: &Pubkey, pool: usize) -> Option<&Position> {
        self.c.positions.get(&self.w.position_key(staker, pool))
    }

    /// Operator accounts (PDAs) on chain, with their authority.
    fn operators(&self) -> Vec<(Pubkey, Pubkey)> {
        self.c
            .operators
            .iter()
            .map(|(k, o)| (*k, o.authority))
            .collect()
    }

    /// An operator (PDA) of a bucket of `pool`, mostly one with a bucket.
    fn operator_for(&mut self, pool: usize) -> Pubkey {
        let pool_key = self.keys(pool).pool;
        let with: Vec<Pubkey> = self
            .c
            .buckets_of(&pool_key)
            .map(|(_, b)| b.operator)
            .collect();
        if !with.is_empty() && !self.r.chance(1, 15) {
            return *self.r.pick(&with).expect("bucket");
        }
        let ops = self.operators();
        match self.r.pick(&ops) {
            Some((k, _)) => *k,
            None => client::operator_pda(&self.w.operators[0]),
        }
    }

    fn token_program_of(&self, mint: &Pubkey) -> Pubkey {
        self.w
            .mint_info(mint)
            .map_or(TOKEN_PROGRAM, |m| m.token_program)
    }

    fn stream_keys(&self, bucket: &Pubkey, mint: &Pubkey) -> StreamKeys {
        StreamKeys::new(*bucket, *mint, self.token_program_of(mint))
    }

    fn bucket_mints(&self, bucket: &Pubkey) -> Vec<Pubkey> {
        match self.c.buckets.get(bucket) {
            Some(b) => b.reward_mints[..usize::from(b.reward_mint_count).min(4)].to_vec(),
            None => Vec::new(),
        }
    }

    fn reward_metas(&self, bucket: &Pubkey) -> Vec<AccountMeta> {
        client::reward_index_metas(bucket, &self.bucket_mints(bucket))
    }

    fn balance(&self, key: &Pubkey) -> u64 {
        self.w.token_amount(key).unwrap_or(0)
    }

    /// A token account of `mint` to receive into: the owner's wallet mostly, else another
    /// owner's account of the mint (allowed where "any token account of the mint" is).
    fn receiver(&mut self, owner: Pubkey, mint: &Pubkey) -> Pubkey {
        if self.r.chance(1, 10) {
            let other = self.staker();
            if let Some(k) = self.w.try_wallet(other, mint) {
                return k;
            }
        }
        self.w
            .try_wallet(owner, mint)
            .or_else(|| self.w.try_wallet(self.w.stakers[0], mint))
            .unwrap_or(*mint)
    }

    // --- stakers ----------------------------------------------------------------------------

    fn open_position(&mut self) -> Case {
        let (s, p) = (self.staker(), self.pool());
        let ix = client::open_position(s, &self.keys(p));
        let mut c = self.case(
            Kind::OpenPosition,
            ix,
            self.d(format_args!("open_position {s} pool{p}")),
        );
        c.pool = idx(&c.ix, &self.keys(p).pool);
        c
    }

    fn deposit(&mut self) -> Case {
        let (s, p) = self.position();
        let keys = self.keys(p);
        let wallet = if self.r.chance(1, 25) {
            // another staker's account of the right mint: not theirs to move
            let o = self.staker();
            self.w.wallet(o, &keys.lst_mint)
        } else {
            self.w.wallet(s, &keys.lst_mint)
        };
        let amount = self.r.amount_around(self.balance(&wallet));
        let min_value = if self.r.chance(9, 10) {
            0
        } else {
            self.r.amount_around(amount)
        };
        let ix = client::deposit(s, &keys, wallet, amount, min_value);
        let mut c = self.case(
            Kind::Deposit,
            ix,
            self.d(format_args!(
                "deposit {s} pool{p} amount={amount} min_value={min_value}"
            )),
        );
        c.flows.push(Flow {
            from: idx(&c.ix, &wallet).expect("wallet"),
            to: idx(&c.ix, &keys.vault).expect("vault"),
            amount: Amount::DataU64(8),
        });
        c.position = idx(&c.ix, &self.w.position_key(&s, p));
        c.pool = idx(&c.ix, &keys.pool);
        c
    }

    /// The lien holder of (staker, pool)'s position, if it has a lien.
    fn lien_of(&self, s: &Pubkey, p: usize) -> Option<Pubkey> {
        self.position_state(s, p)
            .filter(|x| x.has_lien())
            .map(|x| x.lien_holder)
    }

    /// `ix` (built for the owner) co-signed by the position's lien holder, when it has one —
    /// mostly (without it the program must refuse).
    fn cosign(&mut self, ix: Instruction, s: &Pubkey, p: usize) -> Instruction {
        match self.lien_of(s, p) {
            Some(holder) if !self.r.chance(1, 5) => client::lien_cosigned(ix, holder),
            _ => ix,
        }
    }

    fn staker_case(&self, kind: Kind, ix: Instruction, desc: String, s: &Pubkey, p: usize) -> Case {
        let mut c = self.case(kind, ix, desc);
        c.position = idx(&c.ix, &self.w.position_key(s, p));
        c.pool = idx(&c.ix, &self.keys(p).pool);
        c
    }

    fn delegate(&mut self) -> Case {
        let (s, p) = self.position();
        let idle = self.position_state(&s, p).map_or(0, |x| x.idle_lst);
        let amount = self.r.amount_around(idle);
        let op = self.operator_for(p);
        self.build_delegate(s, p, op, amount)
    }

    fn build_delegate(&mut self, s: Pubkey, p: usize, op: Pubkey, amount: u64) -> Case {
        let keys = self.keys(p);
        let bucket = self.c.bucket_key(&op, &keys.pool);
        let mut ix = client::delegate(s, &keys, op, amount);
        ix.accounts.extend(self.reward_metas(&bucket));
        let ix = self.cosign(ix, &s, p);
        let d = self.d(format_args!(
            "delegate {s} pool{p} operator {op} amount={amount}"
        ));
        self.staker_case(Kind::Delegate, ix, d, &s, p)
    }

    /// A delegation of (staker, pool) and its bucket, mostly an existing one.
    fn delegation(&mut self, s: &Pubkey, p: usize) -> (Pubkey, Option<Delegation>) {
        let position = self.w.position_key(s, p);
        let mine: Vec<(Pubkey, Delegation)> = self
            .c
            .delegations_of(&position)
            .map(|(_, d)| (d.operator_pool, d.clone()))
            .collect();
        if !mine.is_empty() && !self.r.chance(1, 15) {
            let (b, d) = self.r.pick(&mine).expect("delegation").clone();
            return (b, Some(d));
        }
        let op = self.operator_for(p);
        let bucket = self.c.bucket_key(&op, &self.keys(p).pool);
        let d = mine.into_iter().find(|(b, _)| *b == bucket).map(|(_, d)| d);
        (bucket, d)
    }

    fn undelegate(&mut self) -> Case {
        let (s, p) = self.position();
        let (bucket, d) = self.delegation(&s, p);
        let shares = self.r.amount_around(d.map_or(0, |d| d.shares));
        self.build_undelegate(s, p, bucket, shares, None)
    }

    /// `undelegate` by the owner, or by `enforcer` (the lien holder) alone.
    fn build_undelegate(
        &mut self,
        s: Pubkey,
        p: usize,
        bucket: Pubkey,
        shares: u64,
        enforcer: Option<Pubkey>,
    ) -> Case {
        let keys = self.keys(p);
        let nonce = self.position_state(&s, p).map_or(0, |x| x.ticket_nonce);
        let mut ix = match enforcer {
            Some(h) => client::enforce_undelegate(h, s, &keys, bucket, nonce, shares),
            None => client::undelegate(s, &keys, bucket, nonce, shares, None),
        };
        ix.accounts.extend(self.reward_metas(&bucket));
        let ix = if enforcer.is_none() {
            self.cosign(ix, &s, p)
        } else {
            ix
        };
        let d = self.d(format_args!(
            "undelegate {s} pool{p} bucket {bucket} shares={shares} nonce={nonce} enforcer={enforcer:?}"
        ));
        self.staker_case(Kind::Undelegate, ix, d, &s, p)
    }

    fn request_withdrawal(&mut self) -> Case {
        let (s, p) = self.position();
        let idle = self.position_state(&s, p).map_or(0, |x| x.idle_lst);
        let amount = self.r.amount_around(idle);
        self.build_request(s, p, amount, None)
    }

    /// `request_withdrawal` by the owner, or by `enforcer` (the lien holder) alone.
    fn build_request(
        &mut self,
        s: Pubkey,
        p: usize,
        amount: u64,
        enforcer: Option<Pubkey>,
    ) -> Case {
        let keys = self.keys(p);
        let nonce = self.position_state(&s, p).map_or(0, |x| x.ticket_nonce);
        let nonce = if self.r.chance(1, 30) {
            nonce.wrapping_add(1)
        } else {
            nonce
        };
        let ix = match enforcer {
            Some(h) => client::enforce_withdrawal(h, s, &keys, nonce, amount),
            None => {
                let ix = client::request_withdrawal(s, &keys, nonce, amount, None);
                self.cosign(ix, &s, p)
            }
        };
        let d = self.d(format_args!(
            "request_withdrawal {s} pool{p} amount={amount} nonce={nonce} enforcer={enforcer:?}"
        ));
        self.staker_case(Kind::RequestWithdrawal, ix, d, &s, p)
    }

    /// An open ticket of (staker, pool), mostly; else a ticket address that may not exist.
    fn ticket(&mut self, s: &Pubkey, p: usize) -> (Pubkey, Option<WithdrawalTicket>) {
        let position = self.w.position_key(s, p);
        let open: Vec<(Pubkey, WithdrawalTicket)> = self
            .c
            .tickets_of(&position)
            .map(|(k, t)| (*k, t.clone()))
            .collect();
        if !open.is_empty() && !self.r.chance(1, 20) {
            let (k, t) = self.r.pick(&open).expect("ticket").clone();
            return (k, Some(t));
        }
        let nonce = self
            .position_state(s, p)
            .map_or(0, |x| x.ticket_nonce)
            .saturating_sub(self.r.below(3));
        let ticket = client::ticket_pda(&position, nonce);
        (ticket, self.c.tickets.get(&ticket).cloned())
    }

    /// A (staker, pool) with an open ticket, if any.
    fn ticket_holder(&mut self) -> Option<(Pubkey, usize)> {
        let holders: Vec<(Pubkey, usize)> = self
            .w
            .stakers
            .iter()
            .flat_map(|s| (0..self.w.pools.len()).map(move |p| (*s, p)))
            .filter(|(s, p)| {
                self.c
                    .tickets_of(&self.w.position_key(s, *p))
                    .next()
                    .is_some()
            })
            .collect();
        self.r.pick(&holders).copied()
    }

    fn complete(&mut self) -> Case {
        let Some((s, p)) = self.ticket_holder().filter(|_| !self.r.chance(1, 20)) else {
            return if self.r.chance(1, 2) {
                self.request_withdrawal()
            } else {
                self.undelegate()
            };
        };
        let (ticket, t) = self.ticket(&s, p);
        let warp = self.r.chance(2, 3);
        let settle = t.as_ref().is_some_and(|t| t.kind == TicketKind::Undelegate);
        if let Some(u) = t.as_ref().filter(|_| settle && self.r.chance(1, 4)) {
            return self.build_settle(s, p, ticket, u, warp);
        }
        self.build_complete(s, p, ticket, t, warp)
    }

    /// `settle_undelegation` of `s`'s `Undelegate` ticket by anyone (half the time the
    /// attacker), its rent to the ticket's beneficiary (now and then to the cranker, which must
    /// fail), moving the clock to its maturity first when `warp`.
    fn build_settle(
        &mut self,
        s: Pubkey,
        p: usize,
        ticket: Pubkey,
        t: &WithdrawalTicket,
        warp: bool,
    ) -> Case {
        let keys = self.keys(p);
        let cranker = if self.r.chance(1, 2) {
            self.w.attacker
        } else {
            self.position().0
        };
        let beneficiary = match self.lien_of(&s, p) {
            Some(h) if t.enforcement => h,
            _ => s,
        };
        let beneficiary = if self.r.chance(1, 10) {
            cranker
        } else {
            beneficiary
        };
        let ix =
            client::settle_undelegation(cranker, s, beneficiary, &keys, ticket, t.operator_pool);
        let d = self.d(format_args!(
            "settle_undelegation {s} pool{p} ticket {ticket} by {cranker}, rent to {beneficiary}"
        ));
        let mut c = self.staker_case(Kind::SettleUndelegation, ix, d, &s, p);
        if warp && t.unlock_ts > self.w.now() {
            c.warp_to = Some(t.unlock_ts + self.r.below(3) as i64 * 86_400);
        }
        c
    }

    /// `complete_withdrawal` by the ticket's beneficiary (mostly), moving the clock to its
    /// maturity first when `warp`.
    fn build_complete(
        &mut self,
        s: Pubkey,
        p: usize,
        ticket: Pubkey,
        t: Option<WithdrawalTicket>,
        warp: bool,
    ) -> Case {
        let keys = self.keys(p);
        let enforcement = t.as_ref().is_some_and(|t| t.enforcement);
        let holder = self.lien_of(&s, p);
        let authority = match (enforcement, holder) {
            (true, Some(h)) if !self.r.chance(1, 10) => h,
            (false, Some(h)) if self.r.chance(1, 10) => h,
            _ => s,
        };
        let dest = self.receiver(authority, &keys.lst_mint);
        let bucket = t
            .as_ref()
            .and_then(|t| (t.kind == TicketKind::Undelegate).then_some(t.operator_pool));
        let ix = client::complete_ticket_by(authority, s, &keys, ticket, dest, bucket);
        let d = self.d(format_args!(
            "complete_withdrawal {s} pool{p} ticket {ticket} by {authority} to {dest}"
        ));
        let mut c = self.staker_case(Kind::CompleteWithdrawal, ix, d, &s, p);
        if let Some(t) = &t {
            if warp && t.unlock_ts > self.w.now() {
                // wait for it (and, now and then, for a slash that holds it)
                c.warp_to = Some(t.unlock_ts + self.r.below(3) as i64 * 86_400);
            }
        }
        // whatever ticket the (possibly mutated) instruction names: a `Withdraw` one pays its
        // LST, an `Undelegate` one nothing (`Amount::TicketLst` is 0 for it)
        let ti = idx(&c.ix, &ticket).expect("ticket");
        c.flows.push(Flow {
            from: idx(&c.ix, &keys.vault).expect("vault"),
            to: idx(&c.ix, &dest).expect("dest"),
            amount: Amount::TicketLst(ti),
        });
        c
    }

    fn cancel(&mut self) -> Case {
        let Some((s, p)) = self.ticket_holder().filter(|_| !self.r.chance(1, 20)) else {
            return self.request_withdrawal();
        };
        let (ticket, t) = self.ticket(&s, p);
        let keys = self.keys(p);
        let bucket = t
            .as_ref()
            .and_then(|t| (t.kind == TicketKind::Undelegate).then_some(t.operator_pool));
        let operator = bucket.and_then(|b| self.c.buckets.get(&b).map(|b| b.operator));
        let enforcement = t.as_ref().is_some_and(|t| t.enforcement);
        let holder = self.lien_of(&s, p);
        let authority = match (enforcement, holder) {
            (true, Some(h)) if !self.r.chance(1, 10) => h,
            _ => s,
        };
        let mut ix = client::cancel_ticket_by(authority, s, &keys, ticket, bucket, operator);
        if let Some(b) = bucket {
            ix.accounts.extend(self.reward_metas(&b));
        }
        let ix = if authority == s {
            self.cosign(ix, &s, p)
        } else {
            ix
        };
        let d = self.d(format_args!(
            "cancel_withdrawal {s} pool{p} ticket {ticket} by {authority}"
        ));
        self.staker_case(Kind::CancelWithdrawal, ix, d, &s, p)
    }

    fn claim(&mut self) -> Case {
        let (s, p) = self.position();
        let bucket = if self.r.chance(7, 10) {
            let (b, d) = self.delegation(&s, p);
            (d.is_some() || self.r.chance(1, 5)).then_some(b)
        } else {
            None
        };
        let subset = self.r.chance(1, 4);
        self.build_claim(s, p, bucket, subset)
    }

    /// `claim` of the idle leg and, with `bucket`, that delegation's leg with every stream (or,
    /// with `subset`, some of them in any order).
    fn build_claim(&mut self, s: Pubkey, p: usize, bucket: Option<Pubkey>, subset: bool) -> Case {
        let keys = self.keys(p);
        let position = self.w.position_key(&s, p);
        let dest = self.receiver(s, &keys.lst_mint);
        let mut ix = client::claim_delegation(s, &keys, dest, bucket);
        let mut flows = Vec::new();
        let mut all_streams = true;
        if let Some(b) = bucket {
            let mints = self.bucket_mints(&b);
            let mut order: Vec<usize> = (0..mints.len()).collect();
            if subset {
                order.retain(|_| self.r.chance(2, 3));
                for i in (1..order.len()).rev() {
                    let j = self.r.index(i + 1);
                    order.swap(i, j);
                }
                all_streams = order.len() == mints.len();
            }
            for i in order {
                let stream = self.stream_keys(&b, &mints[i]);
                let to = self.receiver(s, &mints[i]);
                let at = ix.accounts.len();
                ix.accounts.extend(stream.claim_group(to));
                flows.push(Flow {
                    from: at + 1,
                    to: at + 3,
                    amount: Amount::IndexPaid(at),
                });
            }
        }
        let view = all_streams.then(|| {
            let mut v = client::get_position_value(s, &keys);
            if let Some(b) = bucket {
                v.accounts.extend(client::view_delegation_metas(
                    &position,
                    &b,
                    &self.bucket_mints(&b),
                ));
            }
            v
        });
        let d = self.d(format_args!(
            "claim {s} pool{p} bucket {bucket:?} to {dest}"
        ));
        let mut c = self.staker_case(Kind::Claim, ix, d, &s, p);
        c.flows.push(Flow {
            from: idx(&c.ix, &keys.vault).expect("vault"),
            to: idx(&c.ix, &dest).expect("dest"),
            amount: Amount::YieldPaid,
        });
        c.flows.extend(flows);
        c.view = view;
        c
    }

    fn close_delegation(&mut self) -> Case {
        let (s, p) = self.position();
        let (bucket, _) = self.delegation(&s, p);
        let forfeit = self.r.chance(1, 3);
        self.build_close_delegation(s, p, bucket, forfeit)
    }

    fn build_close_delegation(
        &mut self,
        s: Pubkey,
        p: usize,
        bucket: Pubkey,
        forfeit: bool,
    ) -> Case {
        let keys = self.keys(p);
        let ix = if forfeit {
            let mints = self.bucket_mints(&bucket);
            client::close_delegation_forfeiting(s, &keys, bucket, &mints)
        } else {
            client::close_delegation(s, &keys, bucket)
        };
        let d = self.d(format_args!(
            "close_delegation {s} pool{p} bucket {bucket} forfeit={forfeit}"
        ));
        self.staker_case(Kind::CloseDelegation, ix, d, &s, p)
    }

    fn close_position(&mut self) -> Case {
        let (s, p) = self.position();
        self.build_close_position(s, p)
    }

    fn build_close_position(&mut self, s: Pubkey, p: usize) -> Case {
        let keys = self.keys(p);
        let ix = client::close_position(s, &keys);
        let ix = self.cosign(ix, &s, p);
        let d = self.d(format_args!("close_position {s} pool{p}"));
        self.staker_case(Kind::ClosePosition, ix, d, &s, p)
    }

    /// Liens (SPEC §6): set one (owner and holder sign), release it (holder), or enforce it
    /// (the holder alone undelegates or requests a withdrawal, for itself).
    fn lien(&mut self) -> Case {
        let (s, p) = self.position();
        let position = self.w.position_key(&s, p);
        let lender = *self.r.pick(&self.w.lenders).expect("lender");
        match self.lien_of(&s, p) {
            None => {
                let holder = if self.r.chance(1, 20) { s } else { lender };
                let ix = client::set_lien(s, position, holder);
                let d = self.d(format_args!("set_lien {s} pool{p} holder {holder}"));
                let mut c = self.staker_case(Kind::SetLien, ix, d, &s, p);
                c.pool = None;
                c
            }
            Some(holder) => match self.r.below(3) {
                0 => {
                    let signer = if self.r.chance(1, 10) { s } else { holder };
                    let ix = client::release_lien(signer, position);
                    let d = self.d(format_args!("release_lien {s} pool{p} by {signer}"));
                    let mut c = self.staker_case(Kind::ReleaseLien, ix, d, &s, p);
                    c.pool = None;
                    c
                }
                1 => {
                    let (bucket, dl) = self.delegation(&s, p);
                    let shares = self.r.amount_around(dl.map_or(0, |d| d.shares));
                    self.build_undelegate(s, p, bucket, shares, Some(holder))
                }
                _ => {
                    let idle = self.position_state(&s, p).map_or(0, |x| x.idle_lst);
                    let amount = self.r.amount_around(idle);
                    self.build_request(s, p, amount, Some(holder))
                }
            },
        }
    }

    /// The next step of a position's full exit: undelegate everything, complete every ticket,
    /// withdraw the idle LST, claim what is owed, close the delegations, release the lien,
    /// close the position (and open it again). Random steps rarely empty a position; this
    /// reaches the closing paths.
    fn exit(&mut self) -> Case {
        let (s, p) = self.focus;
        let position = self.w.position_key(&s, p);
        let Some(pos) = self.c.positions.get(&position).cloned() else {
            return self.open_position_of(s, p);
        };
        let holder = self.lien_of(&s, p);
        let enforcer = holder.filter(|_| self.r.chance(1, 3));
        let delegations: Vec<(Pubkey, Delegation)> = self
            .c
            .delegations_of(&position)
            .map(|(k, d)| (*k, d.clone()))
            .collect();
        if let Some((_, d)) = delegations.iter().find(|(_, d)| d.shares > 0) {
            let (bucket, shares) = (d.operator_pool, d.shares);
            return self.build_undelegate(s, p, bucket, shares, enforcer);
        }
        let tickets: Vec<(Pubkey, WithdrawalTicket)> = self
            .c
            .tickets_of(&position)
            .map(|(k, t)| (*k, t.clone()))
            .collect();
        if let Some((k, t)) = self.r.pick(&tickets).cloned() {
            return self.build_complete(s, p, k, Some(t), true);
        }
        if pos.idle_lst > 0 {
            return self.build_request(s, p, pos.idle_lst, enforcer);
        }
        if let Some((_, d)) = delegations
            .iter()
            .find(|(_, d)| d.unclaimed_base_yield > 0 || d.reward_owed.iter().any(|o| *o > 0))
        {
            let bucket = d.operator_pool;
            return if self.r.chance(1, 2) {
                self.build_claim(s, p, Some(bucket), false)
            } else {
                self.build_close_delegation(s, p, bucket, true)
            };
        }
        if pos.unclaimed_yield > 0 {
            return self.build_claim(s, p, None, false);
        }
        if let Some((_, d)) = delegations.first() {
            let bucket = d.operator_pool;
            let forfeit = self.r.chance(1, 2);
            return self.build_close_delegation(s, p, bucket, forfeit);
        }
        if let Some(h) = holder {
            let ix = client::release_lien(h, position);
            let d = self.d(format_args!("release_lien {s} pool{p} by {h}"));
            return self.staker_case(Kind::ReleaseLien, ix, d, &s, p);
        }
        self.build_close_position(s, p)
    }

    fn open_position_of(&mut self, s: Pubkey, p: usize) -> Case {
        let ix = client::open_position(s, &self.keys(p));
        let d = self.d(format_args!("open_position {s} pool{p}"));
        let mut c = self.case(Kind::OpenPosition, ix, d);
        c.pool = idx(&c.ix, &self.keys(p).pool);
        c
    }

    fn harvest(&mut self) -> Case {
        let (s, p) = self.position();
        let keys = self.keys(p);
        let position = self.r.chance(2, 3).then(|| self.w.position_key(&s, p));
        let bucket = self.r.chance(2, 3).then(|| {
            let op = self.operator_for(p);
            self.c.bucket_key(&op, &keys.pool)
        });
        let ix = client::harvest_accounts(&keys, position, bucket);
        let mut c = self.case(
            Kind::Harvest,
            ix,
            self.d(format_args!(
                "harvest pool{p} position {position:?} bucket {bucket:?}"
            )),
        );
        c.pool = idx(&c.ix, &keys.pool);
        c
    }

    fn view_ix(&mut self) -> Case {
        let (s, p) = self.position();
        let keys = self.keys(p);
        let position = self.w.position_key(&s, p);
        let mut ix = client::get_position_value(s, &keys);
        let delegations: Vec<Pubkey> = self
            .c
            .delegations_of(&position)
            .map(|(_, d)| d.operator_pool)
            .collect();
        for b in delegations {
            if self.r.chance(3, 4) {
                ix.accounts.extend(client::view_delegation_metas(
                    &position,
                    &b,
                    &self.bucket_mints(&b),
                ));
            }
        }
        let tickets: Vec<(Pubkey, WithdrawalTicket)> = self
            .c
            .tickets_of(&position)
            .map(|(k, t)| (*k, t.clone()))
            .collect();
        for (k, t) in tickets {
            if self.r.chance(1, 2) {
                ix.accounts.push(AccountMeta::new_readonly(k, false));
                if t.kind == TicketKind::Undelegate {
                    ix.accounts.push(AccountMeta::new_readonly(
                        self.c
                            .queue_keys
                            .get(&t.operator_pool)
                            .copied()
                            .unwrap_or_default(),
                        false,
                    ));
                }
            }
        }
        self.case(
            Kind::GetPositionValue,
            ix,
            self.d(format_args!("get_position_value {s} pool{p}")),
        )
    }

    // --- rewards ----------------------------------------------------------------------------

    /// An existing stream: (bucket, reward mint).
    fn stream(&mut self) -> Option<(Pubkey, Pubkey)> {
        let all: Vec<(Pubkey, Pubkey)> = self
            .c
            .indexes
            .values()
            .map(|i| (i.operator_pool, i.reward_mint))
            .collect();
        self.r.pick(&all).copied()
    }

    fn fund(&mut self) -> Case {
        let (bucket, mint) = self
            .stream()
            .unwrap_or((Pubkey::default(), self.w.rewards[0].key));
        let operator = self
            .c
            .buckets
            .get(&bucket)
            .map_or(Pubkey::default(), |b| b.operator);
        let stream = self.stream_keys(&bucket, &mint);
        let funder = if self.r.chance(4, 5) {
            self.w.funder
        } else {
            self.staker()
        };
        let from = self.w.try_wallet(funder, &mint).unwrap_or(mint);
        let decimals = self.w.mint_info(&mint).map_or(6, |m| m.decimals);
        let reference = match self.r.below(3) {
            0 => self.balance(&from),
            1 => 1_000 * 10u64.pow(u32::from(decimals)),
            _ => 1_000,
        };
        let amount = self.r.amount_around(reference);
        let min = self
            .c
            .indexes
            .get(&stream.reward_index)
            .map_or(0, |i| i.min_duration_secs);
        let duration = match self.r.below(8) {
            0 => 0,
            1 => min,
            2 => min.saturating_sub(1),
            3 => self.r.range(1, 3_600) as u32,
            4 => self.r.range(3_600, 30 * 86_400) as u32,
            5 => 365 * 86_400,
            6 => 365 * 86_400 + 1,
            _ => self.r.range(u64::from(min), u64::from(min) + 14 * 86_400) as u32,
        };
        let ix = client::fund_rewards_over(funder, operator, &stream, from, amount, duration);
        let mut c = self.case(
            Kind::FundRewards,
            ix,
            self.d(format_args!(
                "fund_rewards {funder} stream {} amount={amount} duration={duration}",
                stream.reward_index
            )),
        );
        c.flows.push(Flow {
            from: idx(&c.ix, &from).expect("from"),
            to: idx(&c.ix, &stream.reward_vault).expect("vault"),
            amount: Amount::DataU64(8),
        });
        c
    }

    fn fees(&mut self) -> Case {
        let (bucket, mint) = self
            .stream()
            .unwrap_or((Pubkey::default(), self.w.rewards[0].key));
        let stream = self.stream_keys(&bucket, &mint);
        if self.r.chance(1, 2) {
            let authority = self
                .c
                .buckets
                .get(&bucket)
                .and_then(|b| self.c.operators.get(&b.operator))
                .map_or(self.w.operators[0], |o| o.authority);
            let dest = self.receiver(authority, &mint);
            let ix = client::claim_commission(authority, &stream, dest);
            let mut c = self.case(
                Kind::ClaimCommission,
                ix,
                self.d(format_args!(
                    "claim_commission {authority} stream {}",
                    stream.reward_index
                )),
            );
            let ii = idx(&c.ix, &stream.reward_index).expect("index");
            c.flows.push(Flow {
                from: idx(&c.ix, &stream.reward_vault).expect("vault"),
                to: idx(&c.ix, &dest).expect("dest"),
                amount: Amount::CommissionOwed(ii),
            });
            c
        } else {
            let owner = if self.r.chance(9, 10) {
                self.w.treasury
            } else {
                self.staker()
            };
            let dest = self.w.try_wallet(owner, &mint).unwrap_or(mint);
            let ix = client::claim_protocol_fees(&stream, dest);
            let mut c = self.case(
                Kind::ClaimProtocolFees,
                ix,
                self.d(format_args!(
                    "claim_protocol_fees stream {} to {dest}",
                    stream.reward_index
                )),
            );
            let ii = idx(&c.ix, &stream.reward_index).expect("index");
            c.flows.push(Flow {
                from: idx(&c.ix, &stream.reward_vault).expect("vault"),
                to: idx(&c.ix, &dest).expect("dest"),
                amount: Amount::ProtocolFeesOwed(ii),
            });
            c
        }
    }

    // --- slashing ---------------------------------------------------------------------------

    fn request_slash(&mut self) -> Case {
        let svc_i = self.r.index(self.w.services.len());
        let svc = self.w.services[svc_i];
        let service = client::service_pda(&svc.authority);
        // mostly a bucket of an operator linked to the service
        let linked: Vec<Pubkey> = self
            .c
            .links
            .values()
            .filter(|l| l.service == service)
            .flat_map(|l| {
                self.c
                    .buckets
                    .iter()
                    .filter(move |(_, b)| b.operator == l.operator)
                    .map(|(k, _)| *k)
            })
            .collect();
        let bucket = match self.r.pick(&linked) {
            Some(b) if !self.r.chance(1, 10) => *b,
            _ => {
                let p = self.pool();
                let operator = self.operator_for(p);
                self.c.bucket_key(&operator, &self.keys(p).pool)
            }
        };
        let operator = self.c.buckets.get(&bucket).map_or_else(
            || client::operator_pda(&self.w.operators[0]),
            |b| b.operator,
        );
        let nonce = self.c.buckets.get(&bucket).map_or(0, |b| b.slash_nonce);
        let max = self
            .c
            .links
            .get(&client::service_link_pda(&service, &operator))
            .map_or(1_000, |l| l.max_slash_bps);
        // (the link's address is derived once per request_slash)
        let bps = match self.r.below(8) {
            0 => 0,
            1 => 1,
            2 => max,
            3 => max.saturating_add(1),
            4 => 10_000,
            5 => u16::MAX,
            _ => self.r.range(1, u64::from(max.max(1))) as u16,
        };
        let slasher = if self.r.chance(19, 20) {
            svc.slasher
        } else {
            svc.authority
        };
        let mut hash = [0u8; 32];
        hash[..8].copy_from_slice(&self.r.next_u64().to_le_bytes());
        let ix = client::request_slash(slasher, service, operator, bucket, nonce, bps, hash);
        self.case(
            Kind::RequestSlash,
            ix,
            self.d(format_args!(
                "request_slash service{svc_i} bucket {bucket} bps={bps} nonce={nonce}"
            )),
        )
    }

    /// A slash request, mostly a pending one.
    fn slash_request(&mut self) -> Option<(Pubkey, restaking::state::SlashRequest)> {
        let all: Vec<(Pubkey, restaking::state::SlashRequest)> = self
            .c
            .requests
            .iter()
            .map(|(k, r)| (*k, r.clone()))
            .collect();
        let now = self.w.now();
        let pending: Vec<(Pubkey, restaking::state::SlashRequest)> = all
            .iter()
            .filter(|(_, r)| r.status == SlashStatus::Pending && now < r.expires_ts)
            .cloned()
            .collect();
        if !pending.is_empty() && !self.r.chance(1, 10) {
            return self.r.pick(&pending).cloned();
        }
        if pending.is_empty() && !self.r.chance(1, 5) {
            return None; // request one instead
        }
        self.r.pick(&all).cloned()
    }

    fn veto(&mut self) -> Case {
        let Some((request, r)) = self.slash_request() else {
            return self.request_slash();
        };
        let operator = self
            .c
            .buckets
            .get(&r.operator_pool)
            .map_or(Pubkey::default(), |b| b.operator);
        let link = client::service_link_pda(&r.service, &operator);
        let guardian = self
            .c
            .config
            .as_ref()
            .map_or(self.w.guardian, |c| c.guardian);
        let ix = client::veto_slash(guardian, r.operator_pool, request, link);
        self.case(
            Kind::VetoSlash,
            ix,
            self.d(format_args!("veto_slash {request}")),
        )
    }

    fn execute_slash(&mut self) -> Case {
        let Some((request, r)) = self.slash_request() else {
            return self.request_slash();
        };
        let Some(b) = self.c.buckets.get(&r.operator_pool) else {
            return self.request_slash();
        };
        let Some(p) = self.w.pools.iter().position(|x| x.keys.pool == b.pool) else {
            return self.request_slash();
        };
        let keys = self.keys(p);
        let owner = self
            .c
            .services
            .get(&r.service)
            .map_or(self.w.services[0].destination, |s| s.destination);
        let dest = if self.r.chance(19, 20) {
            self.w
                .try_wallet(owner, &keys.lst_mint)
                .unwrap_or(keys.vault)
        } else {
            self.w.wallet(self.w.attacker, &keys.lst_mint)
        };
        let ix = client::execute_slash(&keys, r.operator_pool, request, r.service, dest);
        let mut c = self.case(
            Kind::ExecuteSlash,
            ix,
            self.d(format_args!(
                "execute_slash {request} bps={} to {dest}",
                r.bps
            )),
        );
        if self.r.chance(2, 3) && r.executable_ts > self.w.now() {
            c.warp_to = Some(r.executable_ts + self.r.below(3_600) as i64);
        }
        let ri = idx(&c.ix, &request).expect("request");
        c.flows.push(Flow {
            from: idx(&c.ix, &keys.vault).expect("vault"),
            to: idx(&c.ix, &dest).expect("dest"),
            amount: Amount::Seized(ri),
        });
        c.pool = idx(&c.ix, &keys.pool);
        c
    }

    // --- operators and services -------------------------------------------------------------

    fn operator_authority(&mut self) -> Pubkey {
        let ops = self.operators();
        if !ops.is_empty() && self.r.chance(9, 10) {
            self.r.pick(&ops).expect("op").1
        } else {
            *self.r.pick(&self.w.spare).expect("spare")
        }
    }

    fn operators_and_services(&mut self) -> Case {
        let svc_i = self.r.index(self.w.services.len());
        let service_authority = if self.r.chance(9, 10) {
            self.w.services[svc_i].authority
        } else {
            *self.r.pick(&self.w.spare).expect("spare")
        };
        let service = client::service_pda(&service_authority);
        match self.r.below(8) {
            0 => {
                let a = *self
                    .r
                    .pick(&[&self.w.spare[..], &self.w.operators[..]].concat())
                    .expect("key");
                let bps = self.r.amount_around(5_000).min(u64::from(u16::MAX)) as u16;
                let uri = "u".repeat(self.r.range(0, 110) as usize);
                let ix = client::register_operator(a, bps, &uri);
                self.case(
                    Kind::RegisterOperator,
                    ix,
                    self.d(format_args!(
                        "register_operator {a} commission={bps} uri_len={}",
                        uri.len()
                    )),
                )
            }
            1 => {
                let a = self.operator_authority();
                let args = UpdateOperatorArgs {
                    commission_bps: self
                        .r
                        .chance(1, 2)
                        .then(|| self.r.amount_around(5_000).min(u64::from(u16::MAX)) as u16),
                    metadata_uri: self
                        .r
                        .chance(1, 4)
                        .then(|| "m".repeat(self.r.range(0, 110) as usize).into()),
                    active: self.r.chance(1, 3).then(|| self.r.chance(3, 4)),
                };
                let d = self.d(format_args!("update_operator {a} {args:?}"));
                self.case(Kind::UpdateOperator, client::update_operator(a, args), d)
            }
            2 => {
                let a = self.operator_authority();
                let p = self.pool();
                let ix = client::open_operator_pool(a, self.keys(p).pool);
                self.case(
                    Kind::OpenOperatorPool,
                    ix,
                    self.d(format_args!("open_operator_pool {a} pool{p}")),
                )
            }
            3 => {
                let p = self.pool();
                let operator = self.operator_for(p);
                let bucket = self.c.bucket_key(&operator, &self.keys(p).pool);
                let mint = if self.r.chance(1, 10) {
                    self.w.banned[0].clone()
                } else {
                    self.r.pick(&self.w.rewards).expect("mint").clone()
                };
                let stream = StreamKeys::new(bucket, mint.key, mint.token_program);
                let signer = match self.r.below(3) {
                    0 => self.c.config.as_ref().map_or(self.w.admin, |c| c.admin),
                    _ => self
                        .c
                        .operators
                        .get(&operator)
                        .map_or(self.w.operators[0], |o| o.authority),
                };
                let min = match self.r.below(3) {
                    0 => 0,
                    1 => self.r.range(1, 86_400) as u32,
                    _ => self.r.range(0, 400 * 86_400) as u32,
                };
                let ix = client::add_reward_mint_with_min_duration(
                    signer, operator, bucket, &stream, min,
                );
                self.case(
                    Kind::AddRewardMint,
                    ix,
                    self.d(format_args!(
                        "add_reward_mint bucket {bucket} mint {} min={min}",
                        mint.label
                    )),
                )
            }
            4 => {
                let slasher = *self.r.pick(&self.w.spare).expect("spare");
                let dest = *self.r.pick(&self.w.spare).expect("spare");
                let uri = "s".repeat(self.r.range(0, 110) as usize);
                let ix = client::register_service(service_authority, slasher, dest, &uri);
                self.case(
                    Kind::RegisterService,
                    ix,
                    self.d(format_args!("register_service {service_authority}")),
                )
            }
            5 | 6 => {
                let a = self.operator_authority();
                let bps = match self.r.below(5) {
                    0 => 0,
                    1 => 10_001,
                    _ => self.r.range(1, 10_000) as u16,
                };
                let ix = client::link_service(a, service, bps);
                self.case(
                    Kind::LinkService,
                    ix,
                    self.d(format_args!("link_service {a} service {service} bps={bps}")),
                )
            }
            _ => {
                let a = self.operator_authority();
                let ix = client::unlink_service(a, service);
                self.case(
                    Kind::UnlinkService,
                    ix,
                    self.d(format_args!("unlink_service {a} service {service}")),
                )
            }
        }
    }

    // --- admin ------------------------------------------------------------------------------

    fn admin_key(&self) -> Pubkey {
        self.c.config.as_ref().map_or(self.w.admin, |c| c.admin)
    }

    fn delay(&mut self) -> i64 {
        match self.r.below(7) {
            0 => 0,
            1 => 86_399,
            2 => 86_400,
            3 => 60 * 86_400 + 1,
            4 => self.r.range(86_400, 4 * 86_400) as i64,
            5 => self.r.range(3 * 86_400, 30 * 86_400) as i64,
            _ => -1,
        }
    }

    fn push_rate(&mut self) -> Case {
        let manual: Vec<usize> = (0..self.w.pools.len())
            .filter(|&i| matches!(self.w.pools[i].rate_source, RateSource::Manual { .. }))
            .filter(|&i| {
                self.c.pools.contains_key(&self.w.pools[i].keys.pool) || self.r.chance(1, 20)
            })
            .collect();
        if manual.is_empty() {
            return self.deposit();
        }
        let p = *self.r.pick(&manual).expect("a manual pool");
        let pool = self.keys(p).pool;
        let current = self.c.pools.get(&pool).map_or(1u128 << 60, |x| x.rate);
        let updater = match &self.c.pools.get(&pool).map(|x| x.rate_source) {
            Some(RateSource::Manual { updater, .. }) if self.r.chance(19, 20) => *updater,
            _ => self.w.attacker,
        };
        let rate = match self.r.below(10) {
            0 => 0,
            1 => u128::from(u64::MAX),
            2 => u128::from(u64::MAX) + 1,
            3 => current + current / 5 + 1,
            4 => current,
            5..=7 => current + current * u128::from(self.r.range(0, 1_000)) / 10_000,
            _ => current - current * u128::from(self.r.range(0, 1_000)) / 10_000,
        };
        let ix = client::push_rate(updater, pool, rate);
        self.case(
            Kind::PushRate,
            ix,
            self.d(format_args!("push_rate pool{p} rate={rate}")),
        )
    }

    fn admin(&mut self) -> Case {
        let admin = self.admin_key();
        match self.r.below(14) {
            0 => {
                let ix = client::initialize_config(
                    self.w.attacker,
                    InitializeConfigArgs {
                        guardian: self.w.attacker,
                        treasury: self.w.attacker,
                        protocol_fee_bps: 0,
                        max_commission_bps: 10_000,
                        min_withdrawal_delay_secs: 86_400,
                        slash_veto_secs: 0,
                    },
                );
                self.case(Kind::InitializeConfig, ix, "initialize_config again".into())
            }
            1 | 2 => {
                let guardian = self.w.guardian;
                let treasury = self.w.treasury;
                let args = UpdateConfigArgs {
                    guardian: self.r.chance(1, 8).then_some(guardian),
                    treasury: self.r.chance(1, 8).then(|| {
                        if self.r.chance(1, 2) {
                            treasury
                        } else {
                            Pubkey::default()
                        }
                    }),
                    protocol_fee_bps: self
                        .r
                        .chance(1, 3)
                        .then(|| self.r.amount_around(5_000).min(u64::from(u16::MAX)) as u16),
                    max_commission_bps: self
                        .r
                        .chance(1, 3)
                        .then(|| self.r.amount_around(10_000).min(u64::from(u16::MAX)) as u16),
                    min_withdrawal_delay_secs: self.r.chance(1, 4).then(|| self.delay()),
                    slash_veto_secs: self.r.chance(1, 4).then(|| match self.r.below(4) {
                        0 => 0,
                        1 => 43_200,
                        2 => 43_199,
                        _ => 6 * 86_400,
                    }),
                };
                let d = self.d(format_args!("update_config {args:?}"));
                self.case(Kind::UpdateConfig, client::update_config(admin, args), d)
            }
            3 => {
                let signer = match self.r.below(4) {
                    0 => self.w.guardian,
                    1 => self.w.attacker,
                    _ => admin,
                };
                let flags = match self.r.below(6) {
                    0..=2 => 0,
                    3 => 1,
                    4 => 2,
                    _ => self.r.below(256) as u8,
                };
                let ix = client::set_pause(signer, flags);
                self.case(
                    Kind::SetPause,
                    ix,
                    self.d(format_args!("set_pause {signer} flags={flags}")),
                )
            }
            4 => {
                let to = if self.r.chance(1, 4) {
                    Pubkey::default()
                } else if self.r.chance(1, 2) {
                    self.w.admin
                } else {
                    *self.r.pick(&self.w.spare).expect("spare")
                };
                let ix = client::transfer_admin(admin, to);
                self.case(
                    Kind::TransferAdmin,
                    ix,
                    self.d(format_args!("transfer_admin to {to}")),
                )
            }
            5 => {
                let pending = self
                    .c
                    .config
                    .as_ref()
                    .map_or(Pubkey::default(), |c| c.pending_admin);
                let signer = if pending != Pubkey::default() && self.r.chance(4, 5) {
                    pending
                } else {
                    self.w.attacker
                };
                let ix = client::accept_admin(signer);
                self.case(
                    Kind::AcceptAdmin,
                    ix,
                    self.d(format_args!("accept_admin {signer}")),
                )
            }
            6 | 7 => {
                let (keys, source, mint) = if self.r.chance(1, 6) {
                    let m = self.w.banned[0].clone();
                    let source = RateSource::Manual {
                        updater: self.w.updater,
                        max_change_bps: 1_000,
                        max_age_secs: 86_400,
                    };
                    (
                        PoolKeys::new(m.key, m.token_program, &source),
                        source,
                        m.label,
                    )
                } else {
                    let p = self.r.index(self.w.pools.len());
                    let spec = &self.w.pools[p];
                    (spec.keys, spec.rate_source, spec.mint.label)
                };
                let args = AddPoolArgs {
                    rate_source: source,
                    initial_rate: match self.r.below(4) {
                        0 => 0,
                        1 => u128::from(u64::MAX) + 1,
                        _ => 1_000_000_000_000_000_000,
                    },
                    deposit_cap_value: self.r.amount_around(u64::MAX),
                    withdrawal_delay_secs: self.delay(),
                    accepted_freeze_authority: self.r.chance(1, 10).then_some(self.w.attacker),
                };
                let d = self.d(format_args!("add_pool {mint} {args:?}"));
                self.case(Kind::AddPool, client::add_pool(admin, &keys, args), d)
            }
            8 | 9 => {
                let p = self.pool();
                let manual = matches!(self.w.pools[p].rate_source, RateSource::Manual { .. });
                let args = UpdatePoolArgs {
                    deposit_cap_value: self.r.chance(1, 3).then(|| {
                        if self.r.chance(1, 2) {
                            u64::MAX
                        } else {
                            self.r.amount_around(1_000_000 * 1_000_000_000)
                        }
                    }),
                    withdrawal_delay_secs: self.r.chance(1, 3).then(|| self.delay()),
                    rate_source: self.r.chance(1, 3).then(|| {
                        if manual && self.r.chance(3, 4) {
                            RateSource::Manual {
                                updater: self.w.updater,
                                max_change_bps: match self.r.below(3) {
                                    0 => 0,
                                    1 => 10_001,
                                    _ => self.r.range(1, 10_000) as u16,
                                },
                                max_age_secs: self.r.range(0, 7 * 86_400) as u32,
                            }
                        } else {
                            RateSource::SplStakePool {
                                stake_pool: self.w.evil_stake_pool,
                            }
                        }
                    }),
                };
                let pool = self.keys(p).pool;
                let d = self.d(format_args!("update_pool pool{p} {args:?}"));
                self.case(Kind::UpdatePool, client::update_pool(admin, pool, args), d)
            }
            10 => {
                // a timelocked config change, applied (the clock moved to its time, mostly)
                let ix = client::apply_config_update();
                let mut c = self.case(Kind::ApplyConfigUpdate, ix, "apply_config_update".into());
                let due = self.c.config.as_ref().map_or(0, |c| c.pending_effective_ts);
                if due > self.w.now() && self.r.chance(2, 3) {
                    c.warp_to = Some(due);
                }
                c
            }
            11 => {
                let pending: Vec<usize> = (0..self.w.pools.len())
                    .filter(|&i| {
                        self.c
                            .pools
                            .get(&self.w.pools[i].keys.pool)
                            .is_some_and(|x| x.pending_mask != 0)
                    })
                    .collect();
                let p = match self.r.pick(&pending) {
                    Some(p) if self.r.chance(4, 5) => *p,
                    _ => self.pool(),
                };
                let pool = self.keys(p).pool;
                let ix = client::apply_pool_update(pool);
                let d = self.d(format_args!("apply_pool_update pool{p}"));
                let mut c = self.case(Kind::ApplyPoolUpdate, ix, d);
                let due = self
                    .c
                    .pools
                    .get(&pool)
                    .map_or(0, |x| x.pending_effective_ts);
                if due > self.w.now() && self.r.chance(2, 3) {
                    c.warp_to = Some(due);
                }
                c
            }
            _ => {
                // unpause: pauses would otherwise starve the sequence of deposits
                let ix = client::set_pause(admin, 0);
                self.case(Kind::SetPause, ix, "set_pause admin flags=0".into())
            }
        }
    }

    // --- outside the program ----------------------------------------------------------------

    fn donation(&mut self) -> Case {
        let s = self.staker();
        if self.r.chance(1, 2) {
            // tokens straight into a pool vault or a reward vault
            let (vault, mint) = if self.r.chance(1, 2) {
                let p = self.pool();
                (self.keys(p).vault, self.w.pools[p].mint.clone())
            } else {
                let Some((bucket, mint)) = self.stream() else {
                    return self.deposit();
                };
                let info = self.w.mint_info(&mint).cloned().expect("mint");
                (self.stream_keys(&bucket, &mint).reward_vault, info)
            };
            let from = self.w.wallet(s, &mint.key);
            let amount = self.r.range(1, self.balance(&from).clamp(1, 1_000_000));
            let mut data = vec![12u8];
            data.extend_from_slice(&amount.to_le_bytes());
            data.push(mint.decimals);
            let ix = Instruction {
                program_id: mint.token_program,
                accounts: vec![
                    AccountMeta::new(from, false),
                    AccountMeta::new_readonly(mint.key, false),
                    AccountMeta::new(vault, false),
                    AccountMeta::new_readonly(s, true),
                ],
                data,
            };
            let mut c = self.case(
                Kind::TokenDonation,
                ix,
                self.d(format_args!(
                    "token donation {amount} {} into {vault}",
                    mint.label
                )),
            );
            c.flows.push(Flow {
                from: 0,
                to: 2,
                amount: Amount::DataU64(1),
            });
            c
        } else {
            // lamports to an address the program will create later: the next ticket, a
            // position not opened yet, a delegation not made yet
            let (s2, p) = self.position();
            let keys = self.keys(p);
            let position = self.w.position_key(&s2, p);
            let target = match self.r.below(3) {
                0 => client::ticket_pda(
                    &position,
                    self.position_state(&s2, p).map_or(0, |x| x.ticket_nonce),
                ),
                1 => position,
                _ => {
                    let op = self.operator_for(p);
                    client::delegation_pda(&position, &self.c.bucket_key(&op, &keys.pool))
                }
            };
            let lamports = self.r.range(1, 3_000_000);
            let mut data = 2u32.to_le_bytes().to_vec();
            data.extend_from_slice(&lamports.to_le_bytes());
            let ix = Instruction {
                program_id: anchor_lang::system_program::ID,
                accounts: vec![AccountMeta::new(s, true), AccountMeta::new(target, false)],
                data,
            };
            self.case(
                Kind::LamportDonation,
                ix,
                self.d(format_args!("lamport donation {lamports} to {target}")),
            )
        }
    }

    // --- mutations --------------------------------------------------------------------------

    /// Applies one mutation to `case`, describing it and saying whether it must fail.
    pub fn mutate(&mut self, case: &mut Case) {
        let outside = matches!(case.kind, Kind::TokenDonation | Kind::LamportDonation);
        let n = case.ix.accounts.len();
        if n == 0 {
            return;
        }
        let ours = case.ix.program_id == restaking::ID;
        for _ in 0..6 {
            let choice = self.r.below(14);
            let i = self.r.index(n);
            let meta = case.ix.accounts[i].clone();
            let placeholder = meta.pubkey == restaking::ID;
            let (desc, must_fail) =
                match choice {
                    // a signer replaced by the attacker (or, for the attacker's own, another staker)
                    0 | 1 => {
                        let Some(si) = case.ix.accounts.iter().position(|m| m.is_signer) else {
                            continue;
                        };
                        let old = case.ix.accounts[si].pubkey;
                        let Some(new) = self.outsider(&case.ix) else {
                            continue;
                        };
                        case.ix.accounts[si].pubkey = new;
                        // (anyone may send a donation or settle a matured undelegation)
                        (
                            self.d(format_args!("signer #{si} {old} replaced by {new}")),
                            !matches!(case.kind, Kind::LamportDonation | Kind::SettleUndelegation),
                        )
                    }
                    // a signature missing
                    2 => {
                        let Some(si) = case.ix.accounts.iter().position(|m| m.is_signer) else {
                            continue;
                        };
                        let key = case.ix.accounts[si].pubkey;
                        for m in case.ix.accounts.iter_mut().filter(|m| m.pubkey == key) {
                            m.is_signer = false;
                        }
                        (
                            self.d(format_args!("signer #{si} {key} does not sign")),
                            true,
                        )
                    }
                    // an account of the right layout owned by another program
                    3 | 4 => {
                        if meta.is_signer || placeholder || is_program(&meta.pubkey) {
                            continue;
                        }
                        let forged = self.forge();
                        case.forged.push((forged, meta.pubkey));
                        case.ix.accounts[i].pubkey = forged;
                        (
                            self.d(format_args!(
                                "account #{i} {} forged (owned by the fake program) as {forged}",
                                meta.pubkey
                            )),
                            case.kind != Kind::LamportDonation,
                        )
                    }
                    // the fake token program
                    5 => {
                        let Some(ti) = case.ix.accounts.iter().position(|m| {
                            m.pubkey == TOKEN_PROGRAM || m.pubkey == TOKEN_2022_PROGRAM
                        }) else {
                            continue;
                        };
                        if outside {
                            continue;
                        }
                        case.ix.accounts[ti].pubkey = FAKE_PROGRAM;
                        (
                            self.d(format_args!(
                                "token program #{ti} replaced by the fake program"
                            )),
                            true,
                        )
                    }
                    // another account of the same type
                    6 | 7 => {
                        if placeholder || meta.is_signer {
                            continue;
                        }
                        let Some(other) = self.same_type(&meta.pubkey) else {
                            continue;
                        };
                        case.ix.accounts[i].pubkey = other;
                        (
                            self.d(format_args!(
                                "account #{i} {} replaced by {other} of the same type",
                                meta.pubkey
                            )),
                            false,
                        )
                    }
                    // duplicated account
                    8 => {
                        let j = self.r.index(n);
                        if i == j || meta.is_signer || case.ix.accounts[j].is_signer {
                            continue;
                        }
                        let k = case.ix.accounts[j].pubkey;
                        case.ix.accounts[i].pubkey = k;
                        (
                            self.d(format_args!(
                                "account #{i} {} replaced by account #{j} {k}",
                                meta.pubkey
                            )),
                            false,
                        )
                    }
                    // two accounts swapped
                    9 => {
                        let j = self.r.index(n);
                        if i == j {
                            continue;
                        }
                        let a = case.ix.accounts[i].pubkey;
                        case.ix.accounts[i].pubkey = case.ix.accounts[j].pubkey;
                        case.ix.accounts[j].pubkey = a;
                        (
                            self.d(format_args!("accounts #{i} and #{j} swapped")),
                            false,
                        )
                    }
                    // trailing accounts dropped
                    10 => {
                        let keep = self.r.index(n);
                        case.ix.accounts.truncate(keep);
                        (
                            self.d(format_args!("accounts from #{keep} on dropped")),
                            false,
                        )
                    }
                    // a writable account passed read-only
                    11 => {
                        if !meta.is_writable {
                            continue;
                        }
                        case.ix.accounts[i].is_writable = false;
                        (
                            self.d(format_args!("account #{i} {} read-only", meta.pubkey)),
                            false,
                        )
                    }
                    // another SPL stake-pool account as the rate source
                    12 => {
                        let Some(si) = case
                            .ix
                            .accounts
                            .iter()
                            .position(|m| Some(m.pubkey) == self.w.pools[0].keys.rate_source)
                        else {
                            continue;
                        };
                        case.ix.accounts[si].pubkey = self.w.evil_stake_pool;
                        (
                            self.d(format_args!(
                                "rate source #{si} replaced by another stake pool"
                            )),
                            true,
                        )
                    }
                    // corrupted instruction data
                    _ => {
                        if !ours || case.ix.data.len() < 8 {
                            continue;
                        }
                        match self.r.below(4) {
                            0 => {
                                let b = self.r.index(8);
                                case.ix.data[b] ^= 1 << self.r.below(8);
                                // a flipped discriminator names no instruction (another one's
                                // discriminator is 2^-64 away)
                                ("discriminator bit flipped".into(), true)
                            }
                            1 if case.ix.data.len() > 8 => {
                                let len = self.r.range(0, case.ix.data.len() as u64 - 1) as usize;
                                case.ix.data.truncate(len);
                                (self.d(format_args!("data truncated to {len} bytes")), true)
                            }
                            2 if case.ix.data.len() > 8 => {
                                let b = self.r.range(8, case.ix.data.len() as u64 - 1) as usize;
                                case.ix.data[b] ^= 1 << self.r.below(8);
                                (self.d(format_args!("argument byte {b} bit flipped")), false)
                            }
                            _ => {
                                case.ix
                                    .data
                                    .extend_from_slice(&self.r.next_u64().to_le_bytes());
                                ("8 bytes appended to the data".into(), false)
                            }
                        }
                    }
                };
            case.mutation = Some(desc);
            case.must_fail = must_fail;
            case.view = None;
            return;
        }
    }

    /// A staker with no part in `ix`: not one of its accounts, not the owner or lien holder
    /// of a position it names (directly or through a ticket or delegation), not the owner of a
    /// wallet it names. The attacker when possible.
    fn outsider(&self, ix: &Instruction) -> Option<Pubkey> {
        let mut involved: Vec<Pubkey> = Vec::new();
        for m in &ix.accounts {
            involved.push(m.pubkey);
            let position = if self.c.positions.contains_key(&m.pubkey) {
                Some(m.pubkey)
            } else if let Some(t) = self.c.tickets.get(&m.pubkey) {
                Some(t.position)
            } else {
                self.c.delegations.get(&m.pubkey).map(|d| d.position)
            };
            if let Some(p) = position.and_then(|p| self.c.positions.get(&p)) {
                involved.extend([p.owner, p.lien_holder]);
            }
            if let Some(o) = self.w.wallet_owners.get(&m.pubkey) {
                involved.push(*o);
            }
        }
        std::iter::once(&self.w.attacker)
            .chain(self.w.stakers.iter())
            .find(|k| !involved.contains(k))
            .copied()
    }

    /// Another existing account of the same kind as `key`: a program account with the same
    /// discriminator, or a token account of the same mint (another owner) or of another mint.
    fn same_type(&mut self, key: &Pubkey) -> Option<Pubkey> {
        if let Some(raw) = self.c.raw.get(key) {
            let others: Vec<Pubkey> = self
                .c
                .raw
                .iter()
                .filter(|(k, r)| r.kind == raw.kind && *k != key)
                .map(|(k, _)| *k)
                .collect();
            return self.r.pick(&others).copied();
        }
        if let Some(mint) = self.w.token_accounts.get(key) {
            let same_mint = self.r.chance(3, 4);
            let others: Vec<Pubkey> = self
                .w
                .token_accounts
                .iter()
                .filter(|(k, m)| *k != key && ((**m == *mint) == same_mint))
                .map(|(k, _)| *k)
                .collect();
            return self.r.pick(&others).copied();
        }
        None
    }

    /// A fresh address for a forged account.
    fn forge(&mut self) -> Pubkey {
        let mut b = [0xF0; 32];
        b[..8].copy_from_slice(&self.r.next_u64().to_le_bytes());
        Pubkey::new_from_array(b)
    }
}

/// Program ids and sysvars: not worth forging (their checks are the runtime's).
fn is_program(key: &Pubkey) -> bool {
    *key == anchor_lang::system_program::ID
        || *key == TOKEN_PROGRAM
        || *key == TOKEN_2022_PROGRAM
        || *key == restaking::ID
}

/// Whether `data` is a program account of type `T` (by discriminator).
pub fn is_type<T: Discriminator>(data: &[u8]) -> bool {
    data.get(..8) == Some(T::DISCRIMINATOR)
}
