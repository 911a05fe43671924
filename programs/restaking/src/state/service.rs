//! `Service`, `ServiceLink` and `SlashRequest`: what operators secure, and how it punishes them.
use crate::constants::MAX_WITHDRAWAL_DELAY_SECS;
use crate::error::RestakingError;
use anchor_lang::prelude::*;

/// A service (AVS). PDA `["service", authority]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct Service {
    /// Key that controls the service (seed of its PDA).
    pub authority: Pubkey,
    /// Key that may request slashes.
    pub slasher: Pubkey,
    /// Owner of the token accounts that receive seized LST.
    pub destination: Pubkey,
    /// Off-chain metadata URI, at most 96 bytes.
    #[max_len(96)]
    pub metadata_uri: String,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 32],
}

impl Service {
    pub const SEED: &'static [u8] = b"service";
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
}

/// An operator's opt-in to a service. PDA `["service_link", service, operator]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct ServiceLink {
    /// The service opted in to.
    pub service: Pubkey,
    /// The operator that opted in.
    pub operator: Pubkey,
    /// Most the service may take per withdrawal-delay window, in basis points: one request,
    /// or several stacked (its requests not vetoed summed, additively).
    pub max_slash_bps: u16,
    /// Unix time of the link.
    pub linked_ts: i64,
    /// When an unlink takes effect; 0 while linked. Until then the service can still slash.
    pub unlink_effective_ts: i64,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Start of the current slash window (0 before the first request).
    pub window_start_ts: i64,
    /// Bps the service's requests of the current window reserve: every request not vetoed
    /// (pending, executed or expired unexecuted) counts until the window ends.
    pub window_bps: u16,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 16],
}

impl ServiceLink {
    pub const SEED: &'static [u8] = b"service_link";
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
    /// An unlink takes effect after the longest withdrawal delay any pool may have, so an
    /// operator cannot leave a service faster than its stakers' stake can leave the operator.
    pub const UNLINK_DELAY_SECS: i64 = MAX_WITHDRAWAL_DELAY_SECS;
    /// Length of a slash window: the longest withdrawal delay any pool may have, so every
    /// bucket's withdrawal-delay window lies within one or two of them. One budget per link,
    /// across the operator's buckets (stricter than one per bucket).
    pub const SLASH_WINDOW_SECS: i64 = MAX_WITHDRAWAL_DELAY_SECS;

    pub fn is_linked(&self, now: i64) -> bool {
        self.unlink_effective_ts == 0 || now < self.unlink_effective_ts
    }

    /// Reserves `bps` for a request made at `now`. A new window of
    /// [`Self::SLASH_WINDOW_SECS`] starts with the first request after the current one ended.
    /// Fails `SlashWindowExceeded` if the window's reserved bps plus `bps` exceed
    /// `max_slash_bps` (additive: ten 10 % requests reserve 100 %, more than the 65 % they
    /// would compound to, so the bound is conservative).
    pub fn reserve(&mut self, bps: u16, now: i64) -> Result<()> {
        if self.window_start_ts == 0
            || now >= self.window_start_ts.saturating_add(Self::SLASH_WINDOW_SECS)
        {
            self.window_start_ts = now;
            self.window_bps = 0;
        }
        let reserved = u32::from(self.window_bps).saturating_add(u32::from(bps));
        require!(
            reserved <= u32::from(self.max_slash_bps),
            RestakingError::SlashWindowExceeded
        );
        self.window_bps = self.window_bps.saturating_add(bps);
        Ok(())
    }

    /// Releases the reservation of a vetoed request made at `requested_ts` (requests of an
    /// earlier window no longer count against this one).
    pub fn release(&mut self, bps: u16, requested_ts: i64) {
        if requested_ts >= self.window_start_ts {
            self.window_bps = self.window_bps.saturating_sub(bps);
        }
    }
}

/// Lifecycle of a slash request.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, PartialEq, Eq, InitSpace, Debug)]
pub enum SlashStatus {
    /// Requested; the bucket is frozen until it is executed or vetoed.
    Pending,
    /// Vetoed by the guardian within the veto window; nothing was seized.
    Vetoed,
    /// Executed: the bucket was cut and the LST seized.
    Executed,
}

/// A requested slash. PDA `["slash", operator_pool, service, nonce_le]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct SlashRequest {
    /// The bucket to slash.
    pub operator_pool: Pubkey,
    /// The requesting service.
    pub service: Pubkey,
    /// The bucket's `slash_nonce` when requested (seed of this PDA).
    pub nonce: u64,
    /// Share of the bucket to slash, in basis points (at most the link's `max_slash_bps`).
    pub bps: u16,
    /// Hash of the off-chain evidence, as the slasher gave it.
    pub evidence_hash: [u8; 32],
    /// Unix time of the request.
    pub requested_ts: i64,
    /// First moment `execute_slash` may run (request + the config's veto window).
    pub executable_ts: i64,
    /// Pending, vetoed or executed.
    pub status: SlashStatus,
    /// LST seized from active shares, once executed.
    pub seized_active_lst: u64,
    /// LST seized from the undelegation queue, once executed.
    pub seized_queued_lst: u64,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// End of the execution window (`executable_ts + SLASH_GRACE_SECS`): from then on the
    /// request has expired — it cannot be executed and holds nothing.
    pub expires_ts: i64,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 8],
}

impl SlashRequest {
    pub const SEED: &'static [u8] = b"slash";
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;

    /// First cohort of the bucket's queue this request cuts.
    pub fn cut_key(&self) -> Result<u32> {
        crate::math::cut_key(self.requested_ts)
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn link(max_slash_bps: u16) -> ServiceLink {
        ServiceLink {
            service: Pubkey::default(),
            operator: Pubkey::default(),
            max_slash_bps,
            linked_ts: 0,
            unlink_effective_ts: 0,
            bump: 0,
            version: 1,
            window_start_ts: 0,
            window_bps: 0,
            reserved: [0; 16],
        }
    }

    #[test]
    fn stacked_requests_reserve_up_to_the_max() {
        let mut l = link(2_000);
        l.reserve(1_000, 10).unwrap();
        l.reserve(1_000, 10).unwrap();
        assert_eq!(
            l.reserve(1, 10).unwrap_err(),
            RestakingError::SlashWindowExceeded.into()
        );
        l.release(1_000, 10); // vetoed
        l.reserve(1_000, 20).unwrap();
        assert!(l.reserve(1, 30).is_err());
        // a new window once the current one is over
        l.reserve(2_000, 10 + ServiceLink::SLASH_WINDOW_SECS)
            .unwrap();
        // a veto of a request of the old window releases nothing of the new one
        l.release(1_000, 20);
        assert_eq!(l.window_bps, 2_000);
    }
}
