// The wire protocol between the operator and the agents. Every message is one line of signature
// and one line of body:
//   <ed25519 signature, 128 hex>\n<body JSON>
// and the body says who sent it, in which clearing and at which step:
//   { v, kind, epoch, session, iteration, sender, payload }
// The signature covers the body's bytes exactly as they travel. Each sender signs with an ed25519
// key made for the session (one clearing attempt of one epoch), which it certifies once with its
// account key (secp256k1, EIP-191 personal message via viem): the certificate goes out in the
// first message (`hello` from an agent, `begin` from the operator), so that a round costs ed25519
// signatures only (node's OpenSSL ed25519: ~0.04 ms to sign, ~0.1 ms to verify a message here,
// 25 times faster than a pure-JS implementation; a secp256k1 signature per message would cost more). The receiver checks the certificate against the account it knows for that
// sender (public.json), then every message against the certified session key.
//
// Sessions are numbered by the operator (milliseconds since 1970 when it starts the attempt): an
// agent takes a `begin` with a higher session number as a restart of the epoch and drops its
// state; a lower or equal one is a replay and is refused.
import { createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { bytesToHex, type Hex, hexToBytes, verifyMessage } from 'viem';
import type { LocalAccount } from 'viem/accounts';

export const PROTOCOL_VERSION = 1;
/** The operator's sender number; agents are 0…N−1 (their index in the case). */
export const OPERATOR = -1;

export type MessageKind =
  // operator → all agents
  | 'begin'
  | 'propose'
  | 'report'
  | 'end'
  // operator → one agent
  | 'consensus'
  | 'schedule'
  // agent → operator
  | 'hello'
  | 'offer'
  | 'residuals'
  | 'final';

export interface Body<P = unknown> {
  v: number;
  kind: MessageKind;
  epoch: number;
  session: number;
  iteration: number;
  sender: number;
  payload: P;
}

/** Subjects: broadcasts from the operator, one subject per agent, and the operator's inbox. */
export function subjects(prefix: string, epoch: number) {
  const base = `${prefix}.${epoch}`;
  return {
    broadcast: `${base}.op`,
    toAgent: (agent: number) => `${base}.to.${agent}`,
    toOperator: `${base}.up`,
    /** Where the operator publishes the epoch's result document (retained by nobody: agents listen). */
    result: `${base}.result`,
  };
}

export interface Certificate {
  sender: number;
  epoch: number;
  session: number;
  /** ed25519 public key, hex. */
  sessionKey: Hex;
  /** The account that certifies it (the agent's registered account, or the operator's). */
  account: Hex;
  /** EIP-191 signature by `account` over certificateText(...). */
  signature: Hex;
}

export function certificateText(c: Omit<Certificate, 'account' | 'signature'>): string {
  return `gridmarket session key\nepoch ${c.epoch}\nsession ${c.session}\nsender ${c.sender}\nkey ${c.sessionKey}`;
}

/** A sender's key for one session: signs bodies with ed25519; certified once by the account. */
export class SessionSigner {
  private readonly secret: KeyObject;
  readonly publicKey: Hex;
  certificate?: Certificate;

  constructor(
    readonly sender: number,
    readonly epoch: number,
    readonly session: number,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.secret = privateKey;
    this.publicKey = bytesToHex(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  }

  async certify(account: LocalAccount): Promise<Certificate> {
    const base = { sender: this.sender, epoch: this.epoch, session: this.session, sessionKey: this.publicKey };
    const signature = await account.signMessage({ message: certificateText(base) });
    this.certificate = { ...base, account: account.address, signature };
    return this.certificate;
  }

  /** The wire form of a message from this sender. */
  encode<P>(kind: MessageKind, iteration: number, payload: P): string {
    const body: Body<P> = { v: PROTOCOL_VERSION, kind, epoch: this.epoch, session: this.session, iteration, sender: this.sender, payload };
    const text = JSON.stringify(body);
    const sig = sign(null, Buffer.from(text), this.secret);
    return `${sig.toString('hex')}\n${text}`;
  }
}

/** A certificate checked against the account the receiver expects for that sender. */
export async function verifyCertificate(c: Certificate, expectedAccount: string | undefined): Promise<boolean> {
  if (!expectedAccount || c.account.toLowerCase() !== expectedAccount.toLowerCase()) return false;
  if (!/^0x[0-9a-fA-F]{64}$/.test(c.sessionKey)) return false;
  try {
    return await verifyMessage({ address: c.account, message: certificateText(c), signature: c.signature });
  } catch {
    return false;
  }
}

export interface Decoded {
  body: Body;
  /** The body's bytes as received (what the signature covers), for replay detection. */
  text: string;
  signature: Uint8Array;
  /** The signature in hex: what replay detection remembers (ed25519 signatures are deterministic, so a body signed by one key has one signature; 128 characters instead of the body). */
  id: string;
}

/** Splits and parses a wire message; undefined when it is not one (malformed). */
export function decode(data: Uint8Array | string): Decoded | undefined {
  const s = typeof data === 'string' ? data : new TextDecoder().decode(data);
  const nl = s.indexOf('\n');
  if (nl !== 128 || !/^[0-9a-f]{128}$/.test(s.slice(0, 128))) return undefined;
  const text = s.slice(nl + 1);
  let body: Body;
  try {
    body = JSON.parse(text) as Body;
  } catch {
    return undefined;
  }
  if (
    body === null ||
    typeof body !== 'object' ||
    body.v !== PROTOCOL_VERSION ||
    typeof body.kind !== 'string' ||
    !Number.isSafeInteger(body.epoch) ||
    !Number.isSafeInteger(body.session) ||
    !Number.isSafeInteger(body.iteration) ||
    !Number.isSafeInteger(body.sender)
  ) {
    return undefined;
  }
  return { body, text, signature: hexToBytes(`0x${s.slice(0, 128)}`), id: s.slice(0, 128) };
}

const publicKeys = new Map<string, KeyObject>();

/** A raw ed25519 public key (hex) as a KeyObject, cached. */
function ed25519Key(hex: Hex): KeyObject {
  let k = publicKeys.get(hex);
  if (!k) {
    k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hexToBytes(hex)).toString('base64url') }, format: 'jwk' });
    if (publicKeys.size > 100_000) publicKeys.clear();
    publicKeys.set(hex, k);
  }
  return k;
}

export function verifyBody(m: Decoded, sessionKey: Hex): boolean {
  try {
    return verify(null, Buffer.from(m.text), ed25519Key(sessionKey), m.signature);
  } catch {
    return false;
  }
}

/** Why messages were refused, counted by each side and shown in its status. */
export interface RefusalCounts {
  /** Not a protocol message at all. */
  malformed: number;
  /** Signature or certificate that does not verify, or a sender that is not who it claims. */
  forged: number;
  /** The same signed body received again. */
  replayed: number;
  /** For an iteration (or session) already past. */
  stale: number;
  /** For a step that has not been asked yet, or the wrong step. */
  outOfOrder: number;
  /** Numbers that are not finite, or an offer outside the agent's public bounds. */
  invalid: number;
}

export const noRefusals = (): RefusalCounts => ({ malformed: 0, forged: 0, replayed: 0, stale: 0, outOfOrder: 0, invalid: 0 });

export function isFiniteArray(v: unknown, length: number): v is number[] {
  if (!Array.isArray(v) || v.length !== length) return false;
  for (const x of v) if (typeof x !== 'number' || !Number.isFinite(x)) return false;
  return true;
}
