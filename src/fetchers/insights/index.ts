/**
 * Directory Insights for the refresh: reading the `directory` events of a window (the one POST jcgraph
 * sends, a read-only query) and what each event means for the graph.
 */
export {
  readEvents,
  eventsReachBack,
  rfc3339,
  EVENTS_PAGE_LIMIT,
  MIN_RETENTION_DAYS,
  type EventWindow,
  type EventsRead,
} from './read-events.ts';
export { interpretEvent, type EventEffect, type InterpretedEvent, type TypedRef } from './interpret.ts';
export { TYPE_ALIASES, UNMODELLED_TYPES, NO_GRAPH_CHANGE, LIFECYCLE_OBJECTS, LIFECYCLE_ACTIONS } from './event-types.ts';
