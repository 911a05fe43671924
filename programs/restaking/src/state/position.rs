//! `Position`: a staker's restake position in one pool, and its idle-holding transitions.
use crate::error::RestakingError;
use crate::math::{pro_rata_floor, strippable_yield, SafeMath};
use anchor_lang::prelude::*;

/// A staker's position in one pool. PDA `["position", pool, owner]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct Position {
    /// The pool the position holds LST of.
    pub pool: Pubkey,
    /// The staker; signs for the position.
    pub owner: Pubkey,
    /// Program PDA holding a lien over the position; default key when none (SPEC §6).
    pub lien_holder: Pubkey,
    /// LST in the vault belonging to this position and not delegated, queued or stripped.
    pub idle_lst: u64,
    /// Numeraire value `idle_lst` was worth when it entered (its principal).
    pub idle_principal: u64,
    /// Stripped base yield awaiting `claim`, in LST.
    pub unclaimed_yield: u64,
    /// Nonce of the next withdrawal ticket.
    pub ticket_nonce: u64,
    /// Withdrawal tickets still open (at most `MAX_OPEN_TICKETS`).
    pub open_tickets: u16,
    /// `Delegation` accounts still open.
    pub open_delegations: u16,
    /// Bump of this account's PDA.
    pub bump: u8,
    /// Layout version (`ACCOUNT_VERSION`) the account was written with.
    pub version: u8,
    /// Open tickets the lien holder opened enforcing its lien (counted in `open_tickets` too);
    /// the lien cannot be released while any is open.
    pub enforcement_tickets: u16,
    /// Zeroed space for future fields, so they need no realloc.
    pub reserved: [u8; 30],
}

/// Who moves LST out of a position (SPEC §6).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Actor {
    /// The owner — with the lien holder's co-signature while a lien is set.
    Owner,
    /// The lien holder alone, enforcing its lien; its tickets are its own.
    LienHolder,
}

impl Position {
    /// Account size: discriminator + fields (reserved bytes included).
    pub const SPACE: usize = Self::DISCRIMINATOR.len() + Self::INIT_SPACE;
    pub const SEED: &'static [u8] = b"position";

    pub fn has_lien(&self) -> bool {
        self.lien_holder != Pubkey::default()
    }

    /// While a lien is set, its holder must be `co_signer` (`delegate`, `undelegate`,
    /// `request_withdrawal`, `cancel_withdrawal` and `close_position` by the owner).
    pub fn require_lien_consent(&self, co_signer: Option<&Pubkey>) -> Result<()> {
        if self.has_lien() {
            require!(
                co_signer == Some(&self.lien_holder),
                RestakingError::LienHolderSignatureRequired
            );
        }
        Ok(())
    }

    /// Who `signer` acts as in an instruction that opens a ticket: the owner (with the lien
    /// holder's consent while a lien is set), or the lien holder alone, enforcing its lien.
    pub fn actor(&self, signer: &Pubkey, co_signer: Option<&Pubkey>) -> Result<Actor> {
        if *signer == self.owner {
            self.require_lien_consent(co_signer)?;
            Ok(Actor::Owner)
        } else if self.has_lien() && *signer == self.lien_holder {
            Ok(Actor::LienHolder)
        } else {
            err!(RestakingError::NotPositionOwner)
        }
    }

    /// Checks that `signer` may settle a ticket of this position: the lien holder for its
    /// enforcement tickets, the owner for the others.
    pub fn require_ticket_beneficiary(&self, enforcement: bool, signer: &Pubkey) -> Result<()> {
        if enforcement {
            require_keys_eq!(
                *signer,
                self.lien_holder,
                RestakingError::NotTicketBeneficiary
            );
        } else {
            require_keys_eq!(*signer, self.owner, RestakingError::NotTicketBeneficiary);
        }
        Ok(())
    }

    /// Sets a lien for `holder` (SPEC §6): none set yet, no ticket open (an open ticket would
    /// settle outside the lien), and the holder is not the owner.
    pub fn set_lien(&mut self, holder: Pubkey) -> Result<()> {
        require!(!self.has_lien(), RestakingError::LienAlreadySet);
        require!(self.open_tickets == 0, RestakingError::TicketsOpen);
        require!(
            holder != self.owner && holder != Pubkey::default(),
            RestakingError::InvalidLienHolder
        );
        self.lien_holder = holder;
        Ok(())
    }

    /// Releases the lien `holder` holds; not while its enforcement tickets are open.
    pub fn release_lien(&mut self, holder: &Pubkey) -> Result<()> {
        require!(self.has_lien(), RestakingError::NoLien);
        require_keys_eq!(*holder, self.lien_holder, RestakingError::NotLienHolder);
        require!(
            self.enforcement_tickets == 0,
            RestakingError::EnforcementTicketsOpen
        );
        self.lien_holder = Pubkey::default();
        Ok(())
    }

    /// Strips the idle holding's base yield at `rate` into `unclaimed_yield`; returns it.
    pub fn strip_idle(&mut self, rate: u128) -> Result<u64> {
        let y = strippable_yield(self.idle_lst, self.idle_principal, rate)?;
        if y > 0 {
            self.idle_lst = self.idle_lst.safe_sub(y)?;
            self.unclaimed_yield = self.unclaimed_yield.safe_add(y)?;
        }
        Ok(y)
    }

    /// Adds LST worth `principal` to the idle holding.
    pub fn add_idle(&mut self, lst: u64, principal: u64) -> Result<()> {
        self.idle_lst = self.idle_lst.safe_add(lst)?;
        self.idle_principal = self.idle_principal.safe_add(principal)?;
        Ok(())
    }

    /// Takes `lst` out of the idle holding with its pro-rata principal (rounded down, so what
    /// stays keeps at least its share); returns that principal.
    pub fn remove_idle(&mut self, lst: u64) -> Result<u64> {
        require!(lst <= self.idle_lst, RestakingError::InsufficientIdle);
        let principal = if lst == self.idle_lst {
            self.idle_principal
        } else {
            pro_rata_floor(self.idle_principal, lst, self.idle_lst)?
        };
        self.idle_lst = self.idle_lst.safe_sub(lst)?;
        self.idle_principal = self.idle_principal.safe_sub(principal)?;
        Ok(principal)
    }

    /// Takes the next ticket nonce and counts the ticket open (an enforcement ticket also as
    /// such); returns the nonce.
    pub fn open_ticket(&mut self, enforcement: bool) -> Result<u64> {
        require!(
            self.open_tickets < crate::constants::MAX_OPEN_TICKETS,
            RestakingError::TooManyTickets
        );
        let nonce = self.ticket_nonce;
        self.ticket_nonce = nonce.safe_add(1)?;
        self.open_tickets = self
            .open_tickets
            .checked_add(1)
            .ok_or(RestakingError::MathOverflow)?;
        if enforcement {
            self.enforcement_tickets = self
                .enforcement_tickets
                .checked_add(1)
                .ok_or(RestakingError::MathOverflow)?;
        }
        Ok(nonce)
    }

    /// Counts a ticket closed (completed or cancelled).
    pub fn close_ticket(&mut self, enforcement: bool) -> Result<()> {
        self.open_tickets = self
            .open_tickets
            .checked_sub(1)
            .ok_or(RestakingError::MathOverflow)?;
        if enforcement {
            self.enforcement_tickets = self
                .enforcement_tickets
                .checked_sub(1)
                .ok_or(RestakingError::MathOverflow)?;
        }
        Ok(())
    }

    /// Takes all unclaimed yield; returns it.
    pub fn take_yield(&mut self) -> u64 {
        core::mem::take(&mut self.unclaimed_yield)
    }

    /// Whether the position holds nothing: no LST (idle, yield, tickets, delegations). Principal
    /// left without LST (a slash took the LST it was booked against) is no holding and does
    /// not keep the position open; `close_position` drops it from the pool's total.
    pub fn is_empty(&self) -> bool {
        self.idle_lst == 0
            && self.unclaimed_yield == 0
            && self.open_tickets == 0
            && self.open_delegations == 0
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::constants::RATE_SCALE;

    fn position(idle_lst: u64, idle_principal: u64) -> Position {
        Position {
            pool: Pubkey::default(),
            owner: Pubkey::default(),
            lien_holder: Pubkey::default(),
            idle_lst,
            idle_principal,
            unclaimed_yield: 0,
            ticket_nonce: 0,
            open_tickets: 0,
            open_delegations: 0,
            bump: 0,
            version: 1,
            enforcement_tickets: 0,
            reserved: [0; 30],
        }
    }

    #[test]
    fn strip_then_remove_all() {
        let mut p = position(100, 100);
        assert_eq!(p.strip_idle(RATE_SCALE * 2).unwrap(), 50);
        assert_eq!((p.idle_lst, p.unclaimed_yield), (50, 50));
        assert_eq!(p.remove_idle(50).unwrap(), 100);
        assert_eq!(p.take_yield(), 50);
        assert!(p.is_empty());
    }

    #[test]
    fn principal_without_lst_is_empty() {
        assert!(position(0, 1).is_empty());
        assert!(!position(1, 0).is_empty());
    }

    #[test]
    fn remove_more_than_idle_fails() {
        let mut p = position(10, 10);
        assert_eq!(
            p.remove_idle(11).unwrap_err(),
            RestakingError::InsufficientIdle.into()
        );
        assert_eq!((p.idle_lst, p.idle_principal), (10, 10));
    }

    #[test]
    fn partial_remove_keeps_principal_share_rounded_up() {
        let mut p = position(3, 10);
        assert_eq!(p.remove_idle(1).unwrap(), 3); // floor(10 / 3)
        assert_eq!((p.idle_lst, p.idle_principal), (2, 7));
    }
}
