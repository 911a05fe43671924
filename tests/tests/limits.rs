//! Transaction-size limits clients hit: a dual-yield `claim` paying the most reward streams a
//! bucket can have must fit one legacy transaction (1,232 bytes) without a lookup table.
// Reads the bank's payer and blockhash directly (solana-program-test 3.x marks them unstable).
#![allow(deprecated)]
use restaking::constants::MAX_REWARD_MINTS;
use restaking_tests::solana_sdk::signature::Signer;
use restaking_tests::solana_sdk::transaction::Transaction;
use restaking_tests::*;

const PACKET_DATA_SIZE: usize = 1_232;

#[tokio::test]
async fn claim_with_every_stream_fits_one_transaction() {
    let mut env = Env::new().await;
    let pool = env.stake_pool_lst(MintKind::Spl, ONE, ONE).await;
    let x = env.operator(&pool, 1_000).await;
    let alice = env.user(&pool, 100 * ONE).await;
    let mut groups = Vec::new();
    for i in 0..MAX_REWARD_MINTS {
        let kind = if i % 2 == 0 {
            MintKind::Spl
        } else {
            MintKind::Token2022
        };
        let mint = env.create_mint(kind, 6).await;
        let stream = env.add_stream(&x, mint).await;
        let account = env.create_token_account(&mint, &alice.key()).await;
        groups.push((stream, account));
    }
    env.deposit(&pool, &alice, 100 * ONE).await.unwrap();
    env.delegate(&pool, &alice, &x, 100 * ONE).await.unwrap();
    for (stream, _) in &groups {
        let service = env.funder(&stream.reward_mint, 1_000_000).await;
        env.fund(&service, &x, stream, 1_000_000).await.unwrap();
    }

    let mut ix =
        client::claim_delegation(alice.key(), &pool.keys, alice.lst_account, Some(x.bucket));
    for (stream, account) in &groups {
        ix.accounts.extend(stream.claim_group(*account));
    }
    let payer = env.ctx.payer.insecure_clone();
    let tx = Transaction::new_signed_with_payer(
        &[compute_unit_limit(400_000), ix.clone()],
        Some(&payer.pubkey()),
        &[&payer, &alice.kp],
        env.ctx.last_blockhash,
    );
    let size = bincode_len(&tx);
    println!(
        "claim with {MAX_REWARD_MINTS} streams: {} accounts, {size} bytes",
        tx.message.account_keys.len()
    );
    assert!(
        size <= PACKET_DATA_SIZE,
        "claim transaction is {size} bytes"
    );
    env.ok(&[ix], &[&alice.kp]).await;
    for (_, account) in &groups {
        assert_eq!(env.token_balance(account).await, 900_000);
    }
}

/// Serialized size of a legacy transaction (compact-u16 lengths, as the wire format has them).
fn bincode_len(tx: &Transaction) -> usize {
    fn compact(n: usize) -> usize {
        if n < 0x80 {
            1
        } else if n < 0x4000 {
            2
        } else {
            3
        }
    }
    let m = &tx.message;
    let mut len = compact(tx.signatures.len()) + 64 * tx.signatures.len();
    len += 3 + compact(m.account_keys.len()) + 32 * m.account_keys.len() + 32;
    len += compact(m.instructions.len());
    for ix in &m.instructions {
        len += 1
            + compact(ix.accounts.len())
            + ix.accounts.len()
            + compact(ix.data.len())
            + ix.data.len();
    }
    len
}
