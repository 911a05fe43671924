/** The page: header, pools, the position with its tickets, the actions, activity and operators. */
import type { Address } from "@solana/kit";
import { useState } from "react";
import { useOperators, usePosition, useWorld } from "./chain/queries";
import { ActionPanel } from "./features/actions/ActionPanel";
import { PauseBanner, TopBar } from "./features/network/TopBar";
import { OperatorList } from "./features/operator/operators";
import { PoolList } from "./features/pool/PoolList";
import { PositionPanel } from "./features/position/PositionPanel";
import { TicketList } from "./features/tickets/TicketList";
import { Activity } from "./features/tx/activity";
import { useApp } from "./chain/queries";
import { shortAddress } from "./lib/amount";
import { useWallet } from "./wallet/wallet";

export function App() {
  const { cfg } = useApp();
  const world = useWorld();
  const { account } = useWallet();
  const [chosen, setChosen] = useState<Address | null>(null);
  const pools = world.data?.pools ?? [];
  const pool = pools.find((p) => p.address === chosen) ?? pools[0] ?? null;
  const now = world.data?.clock.unixTimestamp ?? null;
  const operators = useOperators(pool?.address ?? null, now);
  const owner = account ? (account.address as Address) : null;
  const position = usePosition(pool, owner, operators.data);
  const positionData = owner && position.data?.owner === owner && position.data.address ? position.data : undefined;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar />
      <main id="main">
        <PauseBanner />
        <PoolList selected={pool?.address ?? null} onSelect={setChosen} />
        <div className="columns">
          <div className="column">
            <PositionPanel
              pool={pool}
              position={positionData}
              loading={Boolean(owner) && !positionData}
              error={position.isError ? `Cannot read the position: ${position.error instanceof Error ? position.error.message : String(position.error)}` : null}
              operators={operators.data}
            />
            <TicketList pool={pool} position={positionData} operators={operators.data} now={now} />
          </div>
          <div className="column">
            <ActionPanel pool={pool ?? undefined} position={positionData} operators={operators.data} now={now} />
            <Activity />
          </div>
        </div>
        <OperatorList pool={pool} operators={operators.data} now={now} />
      </main>
      <footer className="footer small muted">
        Program {shortAddress(cfg.programAddress)} · RPC {cfg.rpcUrl}
        {cfg.addressesUrl ? ` · names from ${cfg.addressesUrl}` : ""}
      </footer>
    </>
  );
}
