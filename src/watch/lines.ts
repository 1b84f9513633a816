/** The JSON lines of the watch loop that are findings: OCSF Detection Findings (class 2004) for changes. */
import { createHash } from 'node:crypto';
import type { AccessPath, NamedRef } from '../analysis/bindings.ts';
import { describePath } from '../analysis/revoke.ts';
import { formatReference } from '../analysis/resolve.ts';
import { DETECTION_FINDING, ocsfFinding, ocsfResource } from '../rules/index.ts';
import type { JsonObject } from '../model/index.ts';

/** A change the watch noticed, as an OCSF Detection Finding with jcgraph's detail under `unmapped`. */
export function detectionFinding(options: {
  readonly kind: string;
  readonly severity: 'high' | 'medium';
  readonly title: string;
  readonly subject: NamedRef;
  readonly resource: NamedRef;
  readonly paths: readonly AccessPath[];
  readonly time: number;
  /**
   * The start (`meta.startedAt`) of the snapshot the change was found against: with the kind and the two
   * ends it makes the finding's uid, so the same change found again after a restart (from the same
   * snapshot, its write having been cut short) is the same finding.
   * @default the finding's time
   */
  readonly since?: string;
  readonly productVersion: string;
}): JsonObject {
  const { subject, resource } = options;
  const message = `${formatReference(subject)} → ${formatReference(resource)}: ${options.title}.`;
  return ocsfFinding({
    classUid: DETECTION_FINDING,
    activity: 'create',
    time: options.time,
    severity: options.severity,
    uid: createHash('sha256')
      .update(`${options.kind}|${subject.id}|${resource.id}|${options.since ?? options.time}`)
      .digest('hex'),
    title: options.title,
    message,
    types: [options.kind],
    productVersion: options.productVersion,
    resources: [ocsfResource(subject, 'subject'), ocsfResource(resource, 'resource')],
    unmapped: { event: options.kind, subject: { ...subject }, resource: { ...resource }, paths: options.paths.map(describePath) },
  });
}
