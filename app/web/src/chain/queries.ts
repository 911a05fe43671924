/**
 * One hook per on-chain read (TanStack Query): the world (config, clock, pools), the operators
 * of a pool, and the connected owner's position. They refresh every few seconds, so what the
 * chain does elsewhere (a rate move, a funding, a pause) shows without a reload, and at once
 * after each of the person's own transactions (`useRefreshChain`).
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createSolanaRpc, type Address } from "@solana/kit";
import { createContext, useCallback, useContext } from "react";
import type { OperatorPool } from "@restaking/client";
import type { AppConfig } from "../config";
import { readOperators, readPosition, readWorld, type AppRpc, type OperatorsOfPool, type PoolInfo } from "./reads";

export type AppContextValue = { readonly cfg: AppConfig; readonly rpc: AppRpc };

export const AppContext = createContext<AppContextValue | null>(null);

export function createAppContext(cfg: AppConfig): AppContextValue {
  return { cfg, rpc: createSolanaRpc(cfg.rpcUrl) as AppRpc };
}

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error("useApp outside <AppContext>");
  return value;
}

/** How often reads refresh (ms). */
export const REFRESH_MS = 3_000;

export function useWorld() {
  const { cfg, rpc } = useApp();
  return useQuery({
    queryKey: ["world", cfg.rpcUrl],
    queryFn: () => readWorld(rpc, cfg),
    refetchInterval: REFRESH_MS,
  });
}

export function useOperators(pool: Address | null, now: bigint | null) {
  const { cfg, rpc } = useApp();
  return useQuery({
    queryKey: ["operators", cfg.rpcUrl, pool],
    queryFn: () => readOperators(rpc, cfg, pool as Address, now ?? 0n),
    enabled: pool !== null && now !== null,
    refetchInterval: REFRESH_MS,
  });
}

export function usePosition(pool: PoolInfo | null, owner: Address | null, operators: OperatorsOfPool | undefined) {
  const { cfg, rpc } = useApp();
  return useQuery({
    queryKey: ["position", cfg.rpcUrl, pool?.address ?? null, owner],
    queryFn: () => {
      const buckets = new Map<Address, OperatorPool>();
      for (const op of operators?.operators ?? []) if (op.bucket) buckets.set(op.bucket.address, op.bucket.data);
      const tokenProgram = (mint: Address) => operators?.rewardMints.get(mint)?.tokenProgram ?? (pool as PoolInfo).data.tokenProgram;
      return readPosition(rpc, cfg, pool as PoolInfo, owner as Address, buckets, tokenProgram);
    },
    enabled: pool !== null && owner !== null && operators !== undefined,
    refetchInterval: REFRESH_MS,
  });
}

/** Refetches every read now (after a transaction). */
export function useRefreshChain(): () => Promise<void> {
  const client = useQueryClient();
  return useCallback(async () => {
    await client.invalidateQueries();
  }, [client]);
}
