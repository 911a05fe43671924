//! A snapshot of every account the program owns, decoded by type: what the generator picks
//! participants from and what the invariants are checked over.
use anchor_lang::prelude::Pubkey;
use anchor_lang::{AccountDeserialize, Discriminator};
use litesvm::LiteSVM;
use restaking::state::{
    Config, Delegation, Operator, OperatorPool, Pool, Position, RewardIndex, Service, ServiceLink,
    SlashRequest, UndelegationQueue, WithdrawalTicket,
};
use std::collections::BTreeMap;

/// One program account's raw facts, for size and rent checks.
#[derive(Clone, Debug)]
pub struct Raw {
    pub kind: &'static str,
    pub lamports: u64,
    pub len: usize,
}

#[derive(Clone, Default)]
pub struct Chain {
    pub config: Option<Config>,
    pub pools: BTreeMap<Pubkey, Pool>,
    pub positions: BTreeMap<Pubkey, Position>,
    pub delegations: BTreeMap<Pubkey, Delegation>,
    pub tickets: BTreeMap<Pubkey, WithdrawalTicket>,
    pub buckets: BTreeMap<Pubkey, OperatorPool>,
    /// Undelegation queues by address.
    pub queues: BTreeMap<Pubkey, Box<UndelegationQueue>>,
    pub indexes: BTreeMap<Pubkey, RewardIndex>,
    pub operators: BTreeMap<Pubkey, Operator>,
    pub services: BTreeMap<Pubkey, Service>,
    pub links: BTreeMap<Pubkey, ServiceLink>,
    pub requests: BTreeMap<Pubkey, SlashRequest>,
    pub raw: BTreeMap<Pubkey, Raw>,
    /// Bucket → its undelegation queue's address.
    pub queue_keys: BTreeMap<Pubkey, Pubkey>,
    /// (position, bucket) → the delegation's address.
    pub delegation_keys: BTreeMap<(Pubkey, Pubkey), Pubkey>,
    /// (operator, pool) → the bucket's address.
    pub bucket_keys: BTreeMap<(Pubkey, Pubkey), Pubkey>,
    /// (bucket, reward mint) → the stream's `RewardIndex` address.
    pub index_keys: BTreeMap<(Pubkey, Pubkey), Pubkey>,
    /// Program accounts that are none of the above (or fail to decode): a finding.
    pub unknown: Vec<(Pubkey, String)>,
}

fn decode<T: AccountDeserialize>(data: &[u8]) -> Result<T, String> {
    T::try_deserialize(&mut &data[..]).map_err(|e| e.to_string())
}

impl Chain {
    pub fn scan(svm: &LiteSVM) -> Self {
        let mut c = Chain::default();
        for (key, acc) in svm.get_program_accounts(&restaking::ID) {
            let data = acc.data.as_slice();
            let disc = data.get(..8).unwrap_or(&[]);
            macro_rules! take {
                ($ty:ty, $field:ident) => {{
                    match decode::<$ty>(data) {
                        Ok(v) => {
                            c.$field.insert(key, v);
                        }
                        Err(e) => c.unknown.push((key, format!("{}: {e}", stringify!($ty)))),
                    }
                    stringify!($ty)
                }};
            }
            let kind = if disc == Pool::DISCRIMINATOR {
                take!(Pool, pools)
            } else if disc == Position::DISCRIMINATOR {
                take!(Position, positions)
            } else if disc == Delegation::DISCRIMINATOR {
                take!(Delegation, delegations)
            } else if disc == WithdrawalTicket::DISCRIMINATOR {
                take!(WithdrawalTicket, tickets)
            } else if disc == OperatorPool::DISCRIMINATOR {
                take!(OperatorPool, buckets)
            } else if disc == RewardIndex::DISCRIMINATOR {
                take!(RewardIndex, indexes)
            } else if disc == Operator::DISCRIMINATOR {
                take!(Operator, operators)
            } else if disc == Service::DISCRIMINATOR {
                take!(Service, services)
            } else if disc == ServiceLink::DISCRIMINATOR {
                take!(ServiceLink, links)
            } else if disc == SlashRequest::DISCRIMINATOR {
                take!(SlashRequest, requests)
            } else if disc == Config::DISCRIMINATOR {
                match decode::<Config>(data) {
                    Ok(v) => c.config = Some(v),
                    Err(e) => c.unknown.push((key, format!("Config: {e}"))),
                }
                "Config"
            } else if disc == UndelegationQueue::DISCRIMINATOR {
                let size = core::mem::size_of::<UndelegationQueue>();
                match data.get(8..8 + size) {
                    Some(body) => {
                        let q: UndelegationQueue = bytemuck::pod_read_unaligned(body);
                        c.queues.insert(key, Box::new(q));
                    }
                    None => c.unknown.push((key, "UndelegationQueue: short".into())),
                }
                "UndelegationQueue"
            } else {
                c.unknown
                    .push((key, format!("unknown discriminator {disc:?}")));
                "unknown"
            };
            c.raw.insert(
                key,
                Raw {
                    kind,
                    lamports: acc.lamports,
                    len: data.len(),
                },
            );
        }
        for (k, q) in &c.queues {
            c.queue_keys.insert(q.operator_pool, *k);
        }
        for (k, d) in &c.delegations {
            c.delegation_keys.insert((d.position, d.operator_pool), *k);
        }
        for (k, b) in &c.buckets {
            c.bucket_keys.insert((b.operator, b.pool), *k);
        }
        for (k, i) in &c.indexes {
            c.index_keys.insert((i.operator_pool, i.reward_mint), *k);
        }
        c
    }

    /// Positions of `pool`.
    pub fn positions_of(&self, pool: &Pubkey) -> impl Iterator<Item = (&Pubkey, &Position)> {
        let pool = *pool;
        self.positions.iter().filter(move |(_, p)| p.pool == pool)
    }

    /// Buckets of `pool`.
    pub fn buckets_of(&self, pool: &Pubkey) -> impl Iterator<Item = (&Pubkey, &OperatorPool)> {
        let pool = *pool;
        self.buckets.iter().filter(move |(_, b)| b.pool == pool)
    }

    /// Open tickets of `position`.
    pub fn tickets_of(
        &self,
        position: &Pubkey,
    ) -> impl Iterator<Item = (&Pubkey, &WithdrawalTicket)> {
        let position = *position;
        self.tickets
            .iter()
            .filter(move |(_, t)| t.position == position)
    }

    /// Delegations of `position`.
    pub fn delegations_of(
        &self,
        position: &Pubkey,
    ) -> impl Iterator<Item = (&Pubkey, &Delegation)> {
        let position = *position;
        self.delegations
            .iter()
            .filter(move |(_, d)| d.position == position)
    }

    /// The queue of `bucket`.
    pub fn queue_of(&self, bucket: &Pubkey) -> Option<&UndelegationQueue> {
        self.queue_keys
            .get(bucket)
            .and_then(|k| self.queues.get(k))
            .map(|q| &**q)
    }

    /// The bucket of `operator` in `pool` (derived when it does not exist).
    pub fn bucket_key(&self, operator: &Pubkey, pool: &Pubkey) -> Pubkey {
        self.bucket_keys
            .get(&(*operator, *pool))
            .copied()
            .unwrap_or_else(|| restaking_client::operator_pool_pda(operator, pool))
    }

    /// The pool of the LST `mint`, if added.
    pub fn pool_key_of_mint(&self, mint: &Pubkey) -> Option<Pubkey> {
        self.pools
            .iter()
            .find(|(_, p)| p.lst_mint == *mint)
            .map(|(k, _)| *k)
    }
}
