/** A server listening: `server.listen` as a promise. */
import type { Server } from 'node:net';

/** Starts `server` listening on `port` (0: a free one) at `host`; rejects with the error that stops it (a port in use). */
export async function listen(server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
