/**
 * The restaking program's TypeScript client for `@solana/kit`: the Codama-rendered client
 * (`./generated`: instructions, accounts, types, errors, program) plus a thin hand-written layer
 * for what an IDL cannot express.
 *
 * @module
 */
export * from "./generated";
export * from "./generated/extras";
export * from "./pdas";
export * from "./remainingAccounts";
export * from "./claim";
export * from "./view";
export * from "./rateSources";
export * from "./errors";
export * from "./events";
export * from "./deployment";
