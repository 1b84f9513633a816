/**
 * The network as `drop-after=N` sees it: once the N-th request is answered, every open connection is
 * closed and new ones are refused for the drop pause, once (a network gone for longer than a client's
 * retries). Also the set of open sockets, so that closing the network reaches every one.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export class Network {
  #dropUntil = -Infinity;
  readonly #sockets = new Set<Socket>();

  constructor(
    private readonly dropAfter: number | undefined,
    private readonly dropPauseMs: number,
    /** Milliseconds on a monotonic clock (the simulator's). */
    private readonly now: () => number,
  ) {}

  /** True while the network is down: requests and connections are dropped. */
  dropping(): boolean {
    return this.now() < this.#dropUntil;
  }

  /**
   * Called with each request's number: the `drop-after`-th is the last one served before the network goes,
   * and every connection closes once it is answered.
   */
  count(requestNumber: number, res: ServerResponse): void {
    if (this.dropAfter === undefined || requestNumber !== this.dropAfter || this.#dropUntil !== -Infinity) return;
    this.#dropUntil = Infinity;
    res.once('close', () => {
      this.#dropUntil = this.now() + this.dropPauseMs;
      for (const socket of this.#sockets) socket.destroy();
    });
  }

  /** Takes a new connection in, or destroys it while the network is down; false when it was refused. */
  accept(socket: Socket): boolean {
    if (this.dropping()) {
      socket.destroy();
      return false;
    }
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    return true;
  }
}
