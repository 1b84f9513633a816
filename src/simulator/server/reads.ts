/** The last steps of a read: 404 for a path the simulator does not serve, else the page (or the object) asked for. */
import { type Step, orgOf, requestKey } from './exchange.ts';

/** 404 for a path no list or graph endpoint lives at. */
export const unknownPath: Step = (x) =>
  x.target.kind === 'read' && !x.target.route
    ? x.dialect.error(404, `not found: the simulator serves no endpoint at ${x.url.pathname}`)
    : undefined;

/** The page of the collection, garbled or cut short when a fault says so. */
export const servePage: Step = (x, ctx) => {
  if (x.target.kind !== 'read' || !x.target.route) throw new Error(`pipeline order: servePage reached with no route for ${x.url.pathname}`);
  const { route } = x.target;
  const org = orgOf(x);
  if (route.kind === 'object') {
    const object = org.object({ type: route.type, id: route.id });
    if (!object) return x.dialect.error(404, `not found: ${route.type} ${route.id} does not exist`);
    return { status: 200, body: object.record, malformed: x.malformed === true };
  }
  const key = requestKey(x);
  const answer = ctx.pager.page(route, org, x.url.searchParams, key);
  const malformed = x.malformed === true;
  return { ...answer, malformed, truncated: !malformed && ctx.faults.truncates(key) };
};
