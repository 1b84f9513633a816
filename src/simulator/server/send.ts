/**
 * Sending a reply: JSON with its length, or, when a fault says so, half of it (`malformed`: a short
 * body, announced as such), the whole length announced and half sent before the connection closes
 * (`truncated`), or no answer at all (the connection reset, or a write's answer lost). A 204 has no body. Every way a request ends is counted.
 */
import type { ServerResponse } from 'node:http';
import type { Reply } from './exchange.ts';
import type { StatsCounter } from './stats.ts';

export function send(res: ServerResponse, reply: Reply, stats: StatsCounter): void {
  const url = res.req.url ?? '';
  if ('hangUp' in reply) {
    stats.ended(reply.hangUp, url);
    res.req.socket.destroy();
    return;
  }
  if (reply.status === 204) {
    stats.ended('204', url);
    res.writeHead(204, reply.headers).end();
    return;
  }
  let text = JSON.stringify(reply.body);
  if (reply.malformed === true) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  const body = Buffer.from(text);
  const truncated = reply.truncated === true;
  stats.ended(truncated ? 'truncated' : String(reply.status), url);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(body.length),
    ...reply.headers,
  });
  if (!truncated) {
    res.end(body);
    return;
  }
  // The whole length announced, half of it sent, then the connection closed: a body cut mid-JSON.
  const socket = res.socket;
  res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))));
  socket?.end(); // what was written is flushed, then the connection closes short of the announced length
  socket?.setTimeout(1_000, () => socket.destroy());
}
