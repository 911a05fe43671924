/**
 * Events of the program, parsed from a transaction's inner instructions.
 *
 * Every state change emits its event with Anchor's `emit_cpi!`: a self-CPI to the program,
 * signed by the event authority, whose data is Anchor's `EVENT_IX_TAG` (0x1d9acb512ea545e4,
 * little-endian) + the event's 8-byte discriminator + the Borsh body. Bodies are decoded with
 * the generated types' codecs (`scripts/generate.mjs` renders each IDL event as a type); an
 * event the client does not know comes back by its discriminator with its raw bytes.
 *
 * @module
 */
import { getBase58Encoder, type Address, type ReadonlyUint8Array } from "@solana/kit";
import { decodeRestakingEvent, RESTAKING_EVENT_DISCRIMINATORS, type RestakingEvent } from "./generated/extras";
import { RESTAKING_PROGRAM_ADDRESS } from "./generated/programs";

export { RESTAKING_EVENT_DISCRIMINATORS, type RestakingEvent };

/** Anchor's `EVENT_IX_TAG` (`0x1d9acb512ea545e4`) as the little-endian bytes that prefix an event CPI. */
export const EVENT_IX_TAG_LE = new Uint8Array([0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d]);

/**
 * An event this client cannot decode, raw bytes kept: its discriminator is unknown (a newer
 * program), or known but its body does not decode with this client's layout (a program
 * deployed from another IDL) — then `eventName` names it.
 */
export type UnknownEvent = {
  readonly name: "Unknown";
  /** The event's name when the discriminator is known, else `null`. */
  readonly eventName: RestakingEvent["name"] | null;
  readonly discriminator: ReadonlyUint8Array;
  readonly bytes: ReadonlyUint8Array;
};

const hex = (bytes: ReadonlyUint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const NAMES_BY_DISCRIMINATOR = new Map(
  Object.entries(RESTAKING_EVENT_DISCRIMINATORS).map(([name, d]) => [hex(d), name as RestakingEvent["name"]]),
);

/** A parsed event. */
export type ParsedEvent = RestakingEvent | UnknownEvent;

/** An instruction as executed: its program and data. */
export type ExecutedInstruction = {
  readonly programAddress: Address;
  readonly data: ReadonlyUint8Array;
};

/** The event in one `emit_cpi!` instruction's data, or `null` if the data is not an event. */
export function parseEventInstructionData(data: ReadonlyUint8Array): ParsedEvent | null {
  if (data.length < 16 || !EVENT_IX_TAG_LE.every((b, i) => data[i] === b)) return null;
  const discriminator = data.slice(8, 16);
  const body = data.slice(16);
  const eventName = NAMES_BY_DISCRIMINATOR.get(hex(discriminator)) ?? null;
  try {
    const event = decodeRestakingEvent(discriminator, body);
    if (event) return event;
  } catch {
    // a known discriminator whose body does not fit this client's layout: keep the bytes
  }
  return { name: "Unknown", eventName, discriminator, bytes: body };
}

/** Every event emitted by `programAddress` among `instructions` (a transaction's inner instructions), in order. */
export function parseEvents(
  instructions: readonly ExecutedInstruction[],
  programAddress: Address = RESTAKING_PROGRAM_ADDRESS,
): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  for (const ix of instructions) {
    if (ix.programAddress !== programAddress) continue;
    const event = parseEventInstructionData(ix.data);
    if (event) events.push(event);
  }
  return events;
}

/** The events of one name, typed: `eventsNamed(events, "ClaimEvent")`. */
export function eventsNamed<N extends RestakingEvent["name"]>(
  events: readonly ParsedEvent[],
  name: N,
): EventData<N>[] {
  return events
    .filter((e): e is Extract<RestakingEvent, { name: N }> => e.name === name)
    .map((e) => e.data as EventData<N>);
}

/** The decoded fields of the event named `N`. */
export type EventData<N extends RestakingEvent["name"]> = Extract<RestakingEvent, { name: N }>["data"];

/** The parts of a JSON-RPC `getTransaction` answer (`encoding: "json"`) that events come from. */
export type RpcTransactionWithInnerInstructions = {
  readonly transaction: { readonly message: { readonly accountKeys: readonly Address[] } };
  readonly meta: {
    readonly innerInstructions?:
      | readonly {
          readonly index: number;
          readonly instructions: readonly { readonly programIdIndex: number; readonly data: string }[];
        }[]
      | null;
    readonly loadedAddresses?: { readonly writable: readonly Address[]; readonly readonly: readonly Address[] };
  } | null;
};

/** The inner instructions of a transaction fetched with `getTransaction(signature, { encoding: "json" })`. */
export function innerInstructionsOfRpcTransaction(tx: RpcTransactionWithInnerInstructions): ExecutedInstruction[] {
  const keys = [
    ...tx.transaction.message.accountKeys,
    ...(tx.meta?.loadedAddresses?.writable ?? []),
    ...(tx.meta?.loadedAddresses?.readonly ?? []),
  ];
  const base58 = getBase58Encoder();
  return (tx.meta?.innerInstructions ?? []).flatMap((group) =>
    group.instructions.flatMap((ix) => {
      const programAddress = keys[ix.programIdIndex];
      return programAddress ? [{ programAddress, data: base58.encode(ix.data) }] : [];
    }),
  );
}
