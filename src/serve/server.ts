/**
 * The jcgraph server: one node:http server, read-only, on loopback by default, with three faces:
 *
 * - `/api/…`: the JumpCloud API replica (./replica), GET only (anything else 405), `x-api-key` checked;
 * - `/jcgraph/v1/…`: analysis over HTTP (./analysis.ts), with the key or the explorer's session cookie;
 * - `/`: the explorer (./explorer), opened with a one-time token that it trades for the cookie.
 *
 * Requests whose `Host` is not the server's own are refused when it listens on loopback, so a web page
 * elsewhere cannot reach it through a DNS name rebound to 127.0.0.1 (the browser would send that name).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { listen } from '../common/listen.ts';
import { ConfigError } from '../errors.ts';
import type { AccessGraph } from '../graph/index.ts';
import type { Coverage } from '../model/index.ts';
import type { Campaign } from '../review/index.ts';
import { ANALYSIS_ROOT, answerAnalysis } from './analysis.ts';
import { Gate, SESSION_COOKIE } from './auth.ts';
import { EXPLORER_CSP, EXPLORER_PAGE, MESSAGE_CSP, messagePage } from './explorer/page.ts';
import { apiError, Replica } from './replica/replica.ts';
import { apiOf } from './replica/routes.ts';

export interface ServeOptions {
  /** The organization to serve. */
  readonly graph: AccessGraph;
  /**
   * Address to listen on. Another than loopback needs `allowRemote` and a key.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * Port.
   * @default 0 (a free port)
   */
  readonly port?: number;
  /**
   * The key clients send in `x-api-key`. `null`: no authentication (loopback only).
   * @default a fresh random key
   */
  readonly apiKey?: string | null;
  /**
   * Allow a `host` that is not loopback.
   * @default false
   */
  readonly allowRemote?: boolean;
  /**
   * Where the organization came from (`snapshot acme.json`), shown by the explorer.
   * @default 'an organization given to startServer'
   */
  readonly source?: string;
  /**
   * What the fetch of the organization could not read. A partial one marks every answer with an
   * `x-jcgraph-coverage` header, so that a script reading the replica can tell it may lack things.
   * @default complete (no header)
   */
  readonly coverage?: Coverage;
  /**
   * An access-review campaign of the same organization, served read-only at `/jcgraph/v1/campaign` and
   * in the explorer's Campaign view (read it with src/review's `readCampaign`).
   * @default none (the route answers 404)
   */
  readonly campaign?: Campaign;
}

/** The header every answer of a partial organization carries: `partial; gaps=N`. */
export const COVERAGE_HEADER = 'x-jcgraph-coverage';

export interface JcgraphServer {
  /** `http://127.0.0.1:PORT`: the console root; the v1 API at `${baseUrl}/api`, v2 at `${baseUrl}/api/v2`. */
  readonly baseUrl: string;
  /** The key to send in `x-api-key`; undefined without authentication. */
  readonly apiKey: string | undefined;
  /** A link that opens the explorer, with a fresh one-time token (plain `/` without authentication). */
  explorerLink(): string;
  close(): Promise<void>;
}

/** 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Checks the address options: ConfigError for a remote host without `allowRemote`, or remote without a key. */
export function checkServeAddress(host: string, allowRemote: boolean, keyed: boolean): void {
  if (isLoopbackHost(host)) return;
  if (!allowRemote)
    throw new ConfigError(`Refusing to listen on ${host}: it is not a loopback address; add --allow-remote to serve other machines.`);
  if (!keyed) throw new ConfigError(`Refusing to listen on ${host} without authentication: --no-auth is for loopback only.`);
}

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

function send(res: ServerResponse, reply: Reply, contentType = 'application/json; charset=utf-8'): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, {
    'content-type': contentType,
    'content-length': String(body.length),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...reply.headers,
  });
  res.end(body);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Serves a graph over HTTP: the read-only JumpCloud API replica, analysis under /jcgraph/v1 and the explorer; close() stops it. */
export async function startServer(options: ServeOptions): Promise<JcgraphServer> {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey === null ? undefined : (options.apiKey ?? randomBytes(20).toString('hex'));
  checkServeAddress(host, options.allowRemote === true, apiKey !== undefined);
  const gate = new Gate(apiKey);
  const replica = new Replica(options.graph);
  let allowedHosts: ReadonlySet<string> | undefined;

  const analysis = {
    graph: options.graph,
    source: options.source ?? 'an organization given to startServer',
    ...(options.campaign ? { campaign: options.campaign } : {}),
  };

  const gaps = options.coverage && !options.coverage.complete ? options.coverage.gaps.length : 0;
  const handle = (req: IncomingMessage, res: ServerResponse): void | Promise<void> => {
    if (gaps > 0) res.setHeader(COVERAGE_HEADER, `partial; gaps=${gaps}`);
    const url = new URL(req.url ?? '/', 'http://jcgraph.invalid');
    const path = url.pathname;
    if (allowedHosts && !allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      return send(
        res,
        apiError(
          apiOf(path),
          403,
          `Forbidden: this server answers requests for ${[...allowedHosts][0]} only, not for host "${req.headers.host ?? ''}".`,
        ),
      );
    }
    if (path === '/api' || path.startsWith('/api/')) {
      const api = apiOf(path);
      if (req.method !== 'GET') {
        return send(
          res,
          apiError(api, 405, `Method ${req.method ?? '?'} is not allowed: the replica is read-only and answers GET only.`, undefined, {
            allow: 'GET',
          }),
        );
      }
      if (!gate.keyed(headerText(req.headers['x-api-key']))) {
        return send(
          res,
          apiError(api, 401, 'Unauthorized: the x-api-key header is missing or does not match the key jcgraph serve printed.'),
        );
      }
      return send(res, replica.get(path, url.searchParams, req.headers));
    }
    if (path === ANALYSIS_ROOT || path.startsWith(`${ANALYSIS_ROOT}/`)) {
      if (!gate.keyed(headerText(req.headers['x-api-key'])) && !gate.inSession(req.headers.cookie)) {
        const message = 'Send the key jcgraph serve printed in x-api-key, or open the explorer link it printed.';
        return send(res, { status: 401, body: JSON.stringify({ error: { name: 'Unauthorized', message } }), headers: {} });
      }
      return answerAnalysis(analysis, req, res, url);
    }
    return explorer(req, res, url);
  };

  /** The explorer page at `/`: with a valid one-time token, trade it for a session cookie and come back without it. */
  const explorer = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const page = (status: number, body: string, csp: string, headers: Record<string, string> = {}): void =>
      send(
        res,
        {
          status,
          body,
          headers: { 'content-security-policy': csp, 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', ...headers },
        },
        'text/html; charset=utf-8',
      );
    if (url.pathname !== '/' && url.pathname !== '/index.html') {
      return page(404, messagePage('Not found', `Nothing is served at ${url.pathname}. The explorer is at /.`), MESSAGE_CSP);
    }
    if (req.method !== 'GET')
      return page(405, messagePage('Not allowed', 'The explorer page answers GET only.'), MESSAGE_CSP, { allow: 'GET' });
    const token = url.searchParams.get('token');
    if (token !== null) {
      const session = gate.redeem(token);
      if (session) {
        return page(303, '', MESSAGE_CSP, {
          location: '/',
          'set-cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`,
        });
      }
      if (gate.inSession(req.headers.cookie)) return page(303, '', MESSAGE_CSP, { location: '/' });
      return page(
        401,
        messagePage(
          'This link has been used',
          'Each explorer link opens one browser session and works once. Use the browser it was first opened in, or run jcgraph serve again for a new link.',
        ),
        MESSAGE_CSP,
      );
    }
    if (!gate.inSession(req.headers.cookie)) {
      return page(
        401,
        messagePage(
          'Open the link jcgraph serve printed',
          'The explorer opens from the link that jcgraph serve prints (it carries a one-time token). This browser has no session yet.',
        ),
        MESSAGE_CSP,
      );
    }
    return page(200, EXPLORER_PAGE, EXPLORER_CSP);
  };

  const failed = (res: ServerResponse, error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    if (res.headersSent) res.destroy();
    else send(res, { status: 500, body: JSON.stringify({ code: 500, message: `Internal error: ${message}` }), headers: {} });
  };
  const server = createServer((req, res) => {
    try {
      const pending = handle(req, res);
      if (pending) pending.catch((error: unknown) => failed(res, error));
    } catch (error) {
      failed(res, error);
    }
  });
  // Idle keep-alive sockets stay open a minute, so a client reusing one never races the server closing it.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;

  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  const baseUrl = `http://${shown}:${port}`;
  if (isLoopbackHost(host)) {
    allowedHosts = new Set([`${shown}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].map((h) => h.toLowerCase()));
  }

  return {
    baseUrl,
    apiKey,
    explorerLink: () => (gate.open ? `${baseUrl}/` : `${baseUrl}/?token=${gate.mintToken()}`),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
