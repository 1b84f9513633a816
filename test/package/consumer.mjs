// A plain-JavaScript audit script, as a user of the installed package writes it: start the embedded
// simulator, fetch it over HTTP, and ask a few questions. Prints one JSON document for the test to check.
import { AccessGraph, answer, fetchTenant, why } from 'jcgraph';
import { startSimulator } from 'jcgraph/simulator';

const sim = await startSimulator({ preset: 'tiny', seed: 5 });
try {
  const { tenant, meta } = await fetchTenant({ apiKey: sim.apiKey, baseUrl: sim.baseUrl });
  const graph = AccessGraph.fromTenant(tenant);
  const users = [...graph.objects('user')];
  const withSystems = users.find((u) => answer(graph, `/users/${u.id}/systems`).length > 0);
  const path = `/api/v2/users/${withSystems.id}/systems`;
  const offline = answer(graph, path);
  const live = await (await fetch(`${sim.baseUrl}${path}?limit=100`, { headers: { 'x-api-key': sim.apiKey } })).json();
  const explanation = why(graph, withSystems.id, offline[0].id);
  process.stdout.write(
    JSON.stringify({
      objects: tenant.objects.length,
      edges: tenant.edges.length,
      requests: meta.requests.total,
      offline,
      live,
      whyPaths: explanation.paths.length,
    }),
  );
} finally {
  await sim.close();
}
