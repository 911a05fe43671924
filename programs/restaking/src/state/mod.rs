//! Account types, one per file, each with its seed and its pure state transitions.
pub mod config;
pub mod delegation;
pub mod operator;
pub mod operator_pool;
pub mod pool;
pub mod position;
pub mod reward_index;
pub mod service;
pub mod undelegation_queue;
pub mod withdrawal_ticket;

pub use config::*;
pub use delegation::*;
pub use operator::*;
pub use operator_pool::*;
pub use pool::*;
pub use position::*;
pub use reward_index::*;
pub use service::*;
pub use undelegation_queue::*;
pub use withdrawal_ticket::*;

#[cfg(test)]
mod tests {
    use super::*;

    /// Account sizes are part of the interface (rent, client buffers) and have budgets
    /// (PERFORMANCE.md): Position ≤ 200 bytes, WithdrawalTicket ≤ 160 bytes.
    #[test]
    fn account_sizes() {
        assert_eq!(Config::SPACE, 227);
        assert_eq!(Pool::SPACE, 331);
        assert_eq!(Operator::SPACE, 191);
        assert_eq!(OperatorPool::SPACE, 483);
        assert_eq!(Delegation::SPACE, 220);
        assert_eq!(RewardIndex::SPACE, 296);
        assert_eq!(Service::SPACE, 238);
        assert_eq!(ServiceLink::SPACE, 118);
        assert_eq!(SlashRequest::SPACE, 165);
        assert_eq!(Position::SPACE, 174);
        assert_eq!(WithdrawalTicket::SPACE, 139);
        assert_eq!(UndelegationQueue::SPACE, 4_208);
        const _: () = assert!(Position::SPACE <= 200);
        const _: () = assert!(WithdrawalTicket::SPACE <= 160);
        const _: () = assert!(Delegation::SPACE <= 240);
    }
}
