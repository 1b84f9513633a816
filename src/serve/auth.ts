/**
 * Who may ask the server: scripts with the API key in `x-api-key` (as JumpCloud's API takes it), and the
 * browser that opened the explorer link. A browser cannot send `x-api-key`, so the link carries a
 * one-time token that the page trades for a session cookie (HttpOnly, SameSite=Strict), as notebook
 * servers do; the token is spent on first use. With no key (`--no-auth`, loopback only) everyone may.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'jcgraph_session';

function matches(expected: Buffer, given: string | undefined): boolean {
  if (given === undefined) return false;
  const buffer = Buffer.from(given);
  return buffer.length === expected.length && timingSafeEqual(buffer, expected);
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class Gate {
  private readonly key: Buffer | undefined;
  private readonly tokens = new Set<string>();
  private readonly sessions = new Set<string>();

  /** `apiKey` undefined: no authentication. */
  constructor(readonly apiKey: string | undefined) {
    this.key = apiKey === undefined ? undefined : Buffer.from(apiKey);
  }

  get open(): boolean {
    return this.key === undefined;
  }

  /** A request with the key in `x-api-key`. */
  keyed(xApiKey: string | undefined): boolean {
    return this.key === undefined || matches(this.key, xApiKey);
  }

  /** A request from a browser holding a session cookie. */
  inSession(cookieHeader: string | undefined): boolean {
    if (this.key === undefined) return true;
    const id = cookie(cookieHeader, SESSION_COOKIE);
    return id !== undefined && this.sessions.has(id);
  }

  /** A new one-time token for an explorer link. */
  mintToken(): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.add(token);
    return token;
  }

  /** Spends a token: the new session's id, or undefined when the token is unknown or spent. */
  redeem(token: string): string | undefined {
    if (!this.tokens.delete(token)) return undefined;
    const session = randomBytes(24).toString('base64url');
    this.sessions.add(session);
    return session;
  }
}
