/**
 * The page header: the app's name, the cluster it reads (RPC URL, chain time, settings to point
 * it elsewhere) and the wallet (connect any Wallet Standard wallet, or the connected account).
 */
import { useId, useState } from "react";
import { DEFAULT_RPC_URL, saveRpcUrl } from "../../config";
import { useApp, useWorld } from "../../chain/queries";
import { shortAddress } from "../../lib/amount";
import { formatUtc } from "../../lib/time";
import { Skeleton } from "../../ui/bits";
import { ConnectWalletButton, DisconnectButton, useWallet } from "../../wallet/wallet";

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function Settings() {
  const { cfg } = useApp();
  const id = useId();
  const [url, setUrl] = useState(cfg.rpcUrl);
  return (
    <details className="settings">
      <summary>Settings</summary>
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          saveRpcUrl(url.trim() || null);
          window.location.reload();
        }}
      >
        <label htmlFor={`${id}-rpc`}>RPC URL</label>
        <input id={`${id}-rpc`} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder={DEFAULT_RPC_URL} required />
        <p className="muted small">
          Now: {cfg.rpcUrl} (from the {cfg.rpcSource}). Program {shortAddress(cfg.programAddress)}.
        </p>
        <div className="row">
          <button type="submit" className="button">
            Use this RPC
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              saveRpcUrl(null);
              window.location.reload();
            }}
          >
            Back to default
          </button>
        </div>
      </form>
    </details>
  );
}

function NetworkStatus() {
  const { cfg } = useApp();
  const world = useWorld();
  return (
    <div className="network" data-testid="network">
      <span className={`dot ${world.isError ? "dot-bad" : world.data ? "dot-ok" : ""}`} aria-hidden="true" />
      <span className="network-text">
        <span>{hostOf(cfg.rpcUrl)}</span>
        <span className="muted small" data-testid="chain-time">
          {world.isError ? "RPC not answering" : world.data ? `chain time ${formatUtc(world.data.clock.unixTimestamp)}` : <Skeleton width="11em" />}
        </span>
      </span>
      <Settings />
    </div>
  );
}

function WalletArea() {
  const { wallets, wallet, account } = useWallet();
  const [open, setOpen] = useState(false);
  if (wallet && account) {
    return (
      <div className="wallet" data-testid="wallet-connected">
        {wallet.icon ? <img src={wallet.icon} alt="" width={20} height={20} /> : null}
        <span className="wallet-text">
          <span className="small muted">{wallet.name}</span>
          <code title={account.address}>{account.label ? `${account.label} · ` : ""}{shortAddress(account.address)}</code>
        </span>
        <DisconnectButton wallet={wallet} />
      </div>
    );
  }
  if (wallets.length === 0) {
    return (
      <div className="wallet">
        <span className="muted small">No wallet found. Install a Wallet Standard wallet (Phantom, Solflare, Backpack, …) and reload.</span>
      </div>
    );
  }
  if (wallets.length === 1 && wallets[0]) {
    return (
      <div className="wallet">
        <ConnectWalletButton wallet={wallets[0]} />
      </div>
    );
  }
  return (
    <div className="wallet">
      <button type="button" className="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Connect a wallet
      </button>
      {open ? (
        <div className="wallet-menu" role="group" aria-label="Wallets">
          {wallets.map((w) => (
            <ConnectWalletButton key={w.name} wallet={w} onDone={() => setOpen(false)} />
          ))}
        </div>
      ) : null}
    </div>
  );
}

export function TopBar() {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        <span>
          <strong>Restake</strong>
          <span className="muted small brand-sub">liquid staking tokens, restaked</span>
        </span>
      </div>
      <NetworkStatus />
      <WalletArea />
    </header>
  );
}

/** Says what is paused (the guardian's or admin's pause flags) and what still works. */
export function PauseBanner() {
  const world = useWorld();
  const flags = world.data?.config?.pauseFlags ?? 0;
  if (!flags) return null;
  const what = [flags & 1 ? "deposits" : null, flags & 2 ? "delegations" : null].filter(Boolean).join(" and ");
  return (
    <div className="banner banner-warn" role="status" data-testid="pause-banner">
      <strong>Paused:</strong> {what || "some actions"} are paused by the protocol's guardian. Claims, undelegations and withdrawals still work.
    </div>
  );
}
