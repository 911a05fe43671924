// A Wallet Standard wallet for end-to-end tests, injected into the page before it loads
// (Playwright `addInitScript`). It registers itself through the Wallet Standard's event
// protocol (`wallet-standard:register-wallet`, and `wallet-standard:app-ready` for apps that
// load first), supports `standard:connect`, `standard:disconnect`, `standard:events` and
// `solana:signTransaction`, and signs with an ed25519 key through WebCrypto.
//
// It reads its key from `window.__TEST_WALLET_CONFIG__` (set by an earlier init script):
// `{ name, label, address, publicKey: number[32], seed: number[32], chains: string[] }`.
// The test drives it through `window.__testWallet`: `reject = true` makes the next requests
// fail as a person declining would (code 4001); `requests` and `signed` count what it was
// asked to sign.
(() => {
  const config = window.__TEST_WALLET_CONFIG__;
  if (!config) return;

  const ICON =
    "data:image/svg+xml;base64," +
    btoa(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#0f766e"/><path d="M9 16l5 5 9-10" stroke="#fff" stroke-width="3" fill="none"/></svg>',
    );
  const chains = config.chains;
  const publicKey = new Uint8Array(config.publicKey);
  const state = { reject: false, requests: 0, signed: 0, connected: false, listeners: new Set() };
  window.__testWallet = state;

  const account = Object.freeze({
    address: config.address,
    publicKey,
    chains,
    features: ["solana:signTransaction"],
    label: config.label,
    icon: ICON,
  });

  // PKCS#8 wrapping of a raw ed25519 seed (RFC 8410).
  const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
  const keyPromise = crypto.subtle.importKey("pkcs8", new Uint8Array([...PKCS8_PREFIX, ...config.seed]), { name: "Ed25519" }, false, ["sign"]);

  function shortU16(bytes, offset) {
    let value = 0;
    let size = 0;
    for (;;) {
      const byte = bytes[offset + size];
      value |= (byte & 0x7f) << (7 * size);
      size += 1;
      if ((byte & 0x80) === 0) return [value, size];
    }
  }

  // Signs a wire transaction (legacy or v0) for this account's key.
  async function signWire(wire) {
    const [count, countSize] = shortU16(wire, 0);
    const messageStart = countSize + 64 * count;
    const message = wire.slice(messageStart);
    let o = message[0] & 0x80 ? 1 : 0;
    const required = message[o];
    o += 3;
    const [, keysSize] = shortU16(message, o);
    o += keysSize;
    let index = -1;
    for (let i = 0; i < required; i += 1) {
      const key = message.subarray(o + 32 * i, o + 32 * i + 32);
      if (key.every((b, j) => b === publicKey[j])) index = i;
    }
    if (index < 0) throw new Error("This transaction does not need this wallet's signature.");
    const signature = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, await keyPromise, message));
    const out = wire.slice();
    out.set(signature, countSize + 64 * index);
    return out;
  }

  function emit(properties) {
    for (const listener of state.listeners) listener(properties);
  }

  function rejection() {
    const error = new Error("User rejected the request.");
    error.code = 4001;
    return error;
  }

  const wallet = {
    version: "1.0.0",
    name: config.name,
    icon: ICON,
    chains,
    get accounts() {
      return state.connected ? [account] : [];
    },
    features: {
      "standard:connect": {
        version: "1.0.0",
        async connect(input) {
          if (!state.connected && input && input.silent) return { accounts: [] };
          if (!state.connected && state.reject) throw rejection();
          if (!state.connected) {
            state.connected = true;
            emit({ accounts: wallet.accounts });
          }
          return { accounts: wallet.accounts };
        },
      },
      "standard:disconnect": {
        version: "1.0.0",
        async disconnect() {
          state.connected = false;
          emit({ accounts: [] });
        },
      },
      "standard:events": {
        version: "1.0.0",
        on(event, listener) {
          if (event !== "change") return () => {};
          state.listeners.add(listener);
          return () => state.listeners.delete(listener);
        },
      },
      "solana:signTransaction": {
        version: "1.0.0",
        supportedTransactionVersions: ["legacy", 0],
        async signTransaction(...inputs) {
          state.requests += 1;
          if (state.reject) throw rejection();
          const outputs = [];
          for (const input of inputs) {
            if (input.account.address !== account.address) throw new Error("Unknown account.");
            outputs.push({ signedTransaction: await signWire(input.transaction) });
            state.signed += 1;
          }
          return outputs;
        },
      },
    },
  };

  const callback = ({ register }) => register(wallet);
  try {
    window.dispatchEvent(new CustomEvent("wallet-standard:register-wallet", { detail: callback }));
  } catch (error) {
    console.error("test wallet: register-wallet event failed", error);
  }
  try {
    window.addEventListener("wallet-standard:app-ready", ({ detail: api }) => callback(api));
  } catch (error) {
    console.error("test wallet: app-ready listener failed", error);
  }
})();
