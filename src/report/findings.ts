/**
 * The analysis findings (src/analysis/findings/) as titled sections of an access review, in the
 * order an auditor reads them: privilege first, then accounts that should have none, then hygiene.
 * Every item names its subject and target, says in words why it is there, and keeps the paths that
 * explain it (drawn by the HTML report).
 */
import { gapCauseLabel, type CoverageGap, type SudoSource } from '../model/index.ts';
import type { AccessPath, NamedRef } from '../analysis/bindings.ts';
import type { Findings, SudoGrant } from '../analysis/findings/index.ts';
import { formatReference } from '../analysis/resolve.ts';

export type FindingKind =
  | 'sudo'
  | 'global-sudo'
  | 'inactive-access'
  | 'redundant-paths'
  | 'blast-radius'
  | 'direct-user-bindings'
  | 'empty-groups'
  | 'unbound-resources'
  | 'not-read';

export type Severity = 'high' | 'medium' | 'low' | 'info';

export interface FindingItem {
  readonly subject?: NamedRef;
  readonly target?: NamedRef;
  /** Why the item is listed, in words. */
  readonly detail: string;
  /** The paths that explain it, subject first. */
  readonly paths?: readonly AccessPath[];
}

export interface FindingSection {
  readonly kind: FindingKind;
  readonly title: string;
  readonly severity: Severity;
  /** What the section lists and why it matters. */
  readonly description: string;
  readonly items: readonly FindingItem[];
}

const LEVEL_WORDS: Readonly<Record<SudoSource, string>> = {
  'user-association': 'granted on the user’s own association',
  'group-own': 'granted by a user group’s own sudo setting',
  'group-association': 'granted on a user group’s association',
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function names(refs: readonly NamedRef[], max = 5): string {
  const shown = refs.slice(0, max).map(formatReference).join(', ');
  return refs.length > max ? `${shown} and ${refs.length - max} more` : shown;
}

function grantWords(grant: SudoGrant): string {
  if (grant.group) return formatReference(grant.group);
  if (grant.ends) return `${formatReference(grant.ends[0])} ~ ${formatReference(grant.ends[1])}`;
  return grant.edge ? `${grant.edge.from.type} ~ ${grant.edge.to.type} association` : 'unknown';
}

/** What a gap would have provided, in words. */
function providesWords(gap: CoverageGap): string {
  if (gap.provides.kind === 'objects') return `every ${gap.provides.types.join(', ')} object, with its edges`;
  return `the ${gap.provides.edgeKinds.map((k) => k.replace(/^membership:/, 'membership ')).join(', ')} edges of ${gap.provides.source.type} ${gap.provides.source.id}`;
}

function notReadSection(gaps: readonly CoverageGap[]): FindingSection {
  return {
    kind: 'not-read',
    title: 'Not read by the fetch',
    severity: 'high',
    description:
      'Collections the fetch could not read (a key without that scope, a feature not enabled, a broken object): what they would have provided is missing from this review, so any access that depends on it may be missing too.',
    items: gaps.map((gap) => ({
      ...(gap.provides.kind === 'edges' ? { subject: { ...gap.provides.source, name: gap.provides.source.id } } : {}),
      detail: `${gap.endpoint}: ${gap.state === 'incomplete' ? 'read in part' : 'not read'} (${gapCauseLabel(gap)}${gap.attempts > 1 ? `, ${gap.attempts} attempts` : ''}); missing: ${providesWords(gap)}`,
    })),
  };
}

export function findingSections(f: Findings): FindingSection[] {
  return [
    ...(f.notRead ? [notReadSection(f.notRead)] : []),
    {
      kind: 'sudo',
      title: 'Sudo (admin) on systems',
      severity: 'high',
      description:
        'What makes users administrators on devices, one row per grant (an association carrying sudo, or a user group with its own sudo setting), with the rule level that decided it, how many bindings and users it covers, and the paths of one example.',
      items: f.privileged.grants.map((grant) => {
        const [first, ...others] = grant.grantedBy;
        const ends: Pick<FindingItem, 'subject' | 'target'> = first?.group
          ? { subject: first.group }
          : first?.ends
            ? { subject: first.ends[0], target: first.ends[1] }
            : {};
        const more = others.length > 0 ? ` (with ${others.map(grantWords).join(', ')})` : '';
        const nopasswd = grant.withoutPassword > 0 ? `, ${grant.withoutPassword} of them without password` : '';
        const example = `${formatReference(grant.example.subject)} on ${formatReference(grant.example.target)}`;
        return {
          ...ends,
          detail: `${LEVEL_WORDS[grant.level]}${more}: sudo on ${plural(grant.bindings, 'binding')}${nopasswd}, for ${plural(grant.users.length, 'user')}: ${names(grant.users)}; the paths of ${example} are shown`,
          paths: grant.example.paths,
        };
      }),
    },
    {
      kind: 'global-sudo',
      title: 'Users with global sudo',
      severity: 'high',
      description: 'Users whose own record sets sudo or passwordless_sudo: administrator on every device they can reach.',
      items: f.userSudo.map((u) => ({
        subject: u.user,
        detail: `${u.passwordlessSudo ? 'passwordless_sudo' : 'sudo'} set on the user; ${plural(u.bindings, 'binding')}`,
      })),
    },
    {
      kind: 'inactive-access',
      title: 'Suspended, staged or locked users with access',
      severity: 'high',
      description: 'Accounts that should not be used but are still bound to resources; revoke or offboard them.',
      items: f.inactiveUsers.map((u) => ({
        subject: u.user,
        detail: `${u.reasons.join(', ')}; still bound to ${plural(u.bindings.length, 'resource')}: ${names(u.bindings.map((b) => b.target))}`,
      })),
    },
    {
      kind: 'redundant-paths',
      title: 'Redundant paths',
      severity: 'low',
      description: 'Bindings granted both directly and through a group: removing one path leaves the access in place.',
      items: f.redundant.map((r) => ({
        subject: r.subject,
        target: r.target,
        detail: `${plural(r.direct.length, 'direct path')} and ${plural(r.indirect.length, 'path')} through groups`,
        paths: [...r.direct, ...r.indirect],
      })),
    },
    {
      kind: 'blast-radius',
      title: 'Largest blast radius',
      severity: 'info',
      description: 'Groups and associations whose removal alone would end the most bindings: the changes to make with the most care.',
      items: f.blastRadius.map((b) => ({
        ...(b.group ? { subject: b.group } : b.ends ? { subject: b.ends[0], target: b.ends[1] } : {}),
        detail: `removing this ${b.kind} ends ${plural(b.bindingsCut, 'binding')}; ${plural(b.pathsThrough, 'path')} go through it`,
      })),
    },
    {
      kind: 'direct-user-bindings',
      title: 'Users bound directly',
      severity: 'medium',
      description:
        'Users associated with resources one by one rather than through groups: harder to review and easy to forget at offboarding.',
      items: f.directlyBound.map((d) => ({
        subject: d.user,
        detail: `direct associations with ${plural(d.targets.length, 'resource')}: ${names(d.targets)}`,
      })),
    },
    {
      kind: 'empty-groups',
      title: 'Empty groups',
      severity: 'low',
      description: 'Groups with no members: they grant nothing today but grant everything bound to them to whoever is added.',
      items: f.emptyGroups.map((g) => ({ subject: g, detail: `${g.type} with no members` })),
    },
    {
      kind: 'unbound-resources',
      title: 'Unbound resources',
      severity: 'low',
      description: 'Resources no user or system reaches: candidates for clean-up, or access that was never granted.',
      items: f.unboundResources.map((r) => ({ subject: r, detail: `${r.type} that nothing is bound to` })),
    },
  ];
}
