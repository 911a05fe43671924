//! Seeded random-sequence fuzzer of the restaking program's SBF binary in LiteSVM.
//!
//! `World` sets up a config, three pools (SPL Token + SPL stake pool, Token-2022 with a
//! transfer fee + manual rate, SPL Token + Marinade), operators, streams, services and stakers
//! through the program's instructions; every sequence starts from a clone of it. `Gen` draws
//! the steps (every instruction, valid or mutated, clock warps, rate moves, rate-source
//! faults); `Runner` sends them and `oracle` judges each one (see its module doc).
pub mod chain;
pub mod gen;
pub mod oracle;
pub mod rng;
pub mod world;

use anchor_lang::prelude::Pubkey;
use chain::Chain;
use oracle::{initial_model, invariants, Model, Runner, Stats};
use world::World;

/// The world every sequence of a run starts from.
#[derive(Clone)]
pub struct Base {
    pub world: World,
    pub chain: Chain,
    pub model: Model,
}

impl Base {
    pub fn new(so: &[u8], seed: u64) -> Self {
        let world = World::new(so, seed);
        let chain = Chain::scan(&world.svm);
        if let Err(e) = invariants(&world, &chain) {
            panic!("the set-up world breaks an invariant: {e}");
        }
        let model = initial_model(&world, &chain);
        Self {
            world,
            chain,
            model,
        }
    }

    pub fn runner<'s>(&self, stats: &'s mut Stats) -> Runner<'s> {
        Runner {
            world: self.world.clone(),
            chain: self.chain.clone(),
            model: self.model.clone(),
            stats,
            last_logs: Vec::new(),
        }
    }
}

/// The position (staker, pool) a sequence seeded `seed` works to exit fully.
pub fn focus(world: &World, seed: u64) -> (Pubkey, usize) {
    let x = rng::mix(seed ^ 0xF0C5);
    let s = world.stakers[(x % world.stakers.len() as u64) as usize];
    (s, ((x >> 32) % 3) as usize)
}
