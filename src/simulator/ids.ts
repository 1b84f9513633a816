/**
 * Deterministic 24-hex MongoDB-style ObjectIds: 4 bytes of creation time (seconds), 5 bytes fixed per
 * tenant (drawn from its seed, so two organizations never share ids) and a 3-byte counter, as MongoDB
 * builds them. Ids are therefore unique within a tenant and sort roughly by creation time.
 */
import type { Rng } from './random.ts';

/** 2019-01-01T00:00:00Z: the earliest creation time of a generated object. */
export const EPOCH_SECONDS = 1_546_300_800;
/** Generated objects are created over this many seconds after EPOCH_SECONDS (about five years). */
export const SPAN_SECONDS = 5 * 365 * 24 * 3600;

function hex(value: number, digits: number): string {
  return (value >>> 0).toString(16).padStart(digits, '0').slice(-digits);
}

export class ObjectIdFactory {
  private readonly machine: string;
  private counter: number;

  constructor(rng: Rng) {
    this.machine = hex(rng.nextUint32(), 8) + hex(rng.int(256), 2);
    this.counter = rng.int(0x100000);
  }

  /** A new id whose time part is `createdSeconds` (unix seconds). */
  next(createdSeconds: number): string {
    this.counter = (this.counter + 1) % 0x1000000;
    return hex(createdSeconds, 8) + this.machine + hex(this.counter, 6);
  }
}

/** A deterministic organization id (24 hex) for a seed. */
export function orgIdForSeed(seed: number, rngFor: (seed: number) => Rng): string {
  const rng = rngFor((seed * 7919 + 0x0c9a) >>> 0);
  return hex(EPOCH_SECONDS - 86_400 * 30 + rng.int(86_400 * 20), 8) + hex(rng.nextUint32(), 8) + hex(rng.nextUint32(), 8);
}

/** ISO timestamp (second precision, as the API prints them) of unix seconds. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
