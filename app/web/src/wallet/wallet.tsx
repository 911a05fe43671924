/**
 * The connected wallet: any Wallet Standard wallet that can sign Solana transactions, found with
 * `@wallet-standard/react`. Remembers the last wallet used and reconnects to it silently (the
 * wallet decides whether it may) on the next visit.
 */
import { useConnect, useDisconnect, useWallets, type UiWallet, type UiWalletAccount } from "@wallet-standard/react";
import { getWalletFeature } from "@wallet-standard/react";
import { StandardConnect, type StandardConnectFeature } from "@wallet-standard/features";
import type { TransactionPartialSigner } from "@solana/kit";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useApp } from "../chain/queries";
import { canSignTransactions, walletSigner } from "./signer";

const LAST_WALLET = "restaking.lastWallet";

export type WalletState = {
  /** Wallets that can sign Solana transactions. */
  readonly wallets: readonly UiWallet[];
  readonly wallet: UiWallet | null;
  readonly account: UiWalletAccount | null;
  readonly signer: TransactionPartialSigner | null;
  readonly select: (wallet: UiWallet, account: UiWalletAccount | null) => void;
  readonly forget: () => void;
};

const WalletContext = createContext<WalletState | null>(null);

export function useWallet(): WalletState {
  const value = useContext(WalletContext);
  if (!value) throw new Error("useWallet outside <WalletProvider>");
  return value;
}

function isSolanaSigner(wallet: UiWallet): boolean {
  return wallet.features.includes(StandardConnect) && wallet.features.includes("solana:signTransaction") && wallet.chains.some((c) => c.startsWith("solana:"));
}

function remembered(): string | null {
  try {
    return window.localStorage.getItem(LAST_WALLET);
  } catch {
    return null;
  }
}

function remember(name: string | null): void {
  try {
    if (name) window.localStorage.setItem(LAST_WALLET, name);
    else window.localStorage.removeItem(LAST_WALLET);
  } catch {
    /* nothing to keep */
  }
}

export function WalletProvider({ children }: { children: ReactNode }) {
  const { cfg } = useApp();
  const all = useWallets();
  const wallets = useMemo(() => all.filter(isSolanaSigner), [all]);
  const [selection, setSelection] = useState<{ walletName: string; address: string | null } | null>(null);
  const tried = useRef(new Set<string>());

  // Silent reconnect to the wallet used last time.
  useEffect(() => {
    const last = remembered();
    if (!last || selection) return;
    const wallet = wallets.find((w) => w.name === last);
    if (!wallet || tried.current.has(last)) return;
    tried.current.add(last);
    const connect = (getWalletFeature(wallet, StandardConnect) as StandardConnectFeature[typeof StandardConnect]).connect;
    connect({ silent: true })
      .then(({ accounts }) => {
        if (accounts[0]) setSelection({ walletName: wallet.name, address: accounts[0].address });
      })
      .catch(() => undefined);
  }, [wallets, selection]);

  const wallet = selection ? (wallets.find((w) => w.name === selection.walletName) ?? null) : null;
  const account = wallet ? (wallet.accounts.find((a) => a.address === selection?.address) ?? wallet.accounts[0] ?? null) : null;
  const signer = useMemo(() => (account && canSignTransactions(account) ? walletSigner(account, cfg.chain) : null), [account, cfg.chain]);

  const select = useCallback((w: UiWallet, a: UiWalletAccount | null) => {
    remember(w.name);
    setSelection({ walletName: w.name, address: a?.address ?? null });
  }, []);
  const forget = useCallback(() => {
    remember(null);
    setSelection(null);
  }, []);

  const value = useMemo<WalletState>(() => ({ wallets, wallet, account, signer, select, forget }), [wallets, wallet, account, signer, select, forget]);
  return <WalletContext.Provider value={value}>{children}</WalletContext.Provider>;
}

/** A button connecting one wallet. */
export function ConnectWalletButton({ wallet, onDone }: { wallet: UiWallet; onDone?: () => void }) {
  const { select } = useWallet();
  const [connecting, connect] = useConnect(wallet);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="wallet-option">
      <button
        type="button"
        className="button"
        disabled={connecting}
        onClick={() => {
          setError(null);
          connect()
            .then((accounts) => {
              select(wallet, accounts[0] ?? null);
              onDone?.();
            })
            .catch((e: unknown) => setError(e instanceof Error ? e.message : "The wallet did not connect."));
        }}
      >
        {wallet.icon ? <img src={wallet.icon} alt="" width={20} height={20} /> : null}
        {connecting ? `Connecting ${wallet.name}…` : `Connect ${wallet.name}`}
      </button>
      {error ? (
        <span role="alert" className="field-error">
          {error}
        </span>
      ) : null}
    </span>
  );
}

/** Disconnects the selected wallet. */
export function DisconnectButton({ wallet }: { wallet: UiWallet }) {
  const { forget } = useWallet();
  const [disconnecting, disconnect] = useDisconnect(wallet);
  return (
    <button
      type="button"
      className="button button-quiet"
      disabled={disconnecting}
      onClick={() => {
        disconnect()
          .catch(() => undefined)
          .finally(forget);
      }}
    >
      Disconnect
    </button>
  );
}
