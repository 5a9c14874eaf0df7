// What the signed-in user may do in Community Speedwatch, as the server says it on `me/`
// (its `actions`, and the memberships for the schemes' names): the menu, the hub and the
// forms read it here rather than work the rules out again.

import { useMemo } from 'preact/hooks';
import { useSession } from './session';
import type { Me, MemberRole } from './api/schemas';

/** A scheme named: enough for a heading, a choice in a form, a filter. */
export interface SchemeName {
  id: number;
  name: string;
}

export interface SpeedwatchMembership {
  scheme: SchemeName;
  role: MemberRole;
}

export interface SpeedwatchAccess {
  /** Active memberships of speedwatch schemes. */
  memberships: SpeedwatchMembership[];
  /** The speedwatch schemes where the server lets the user propose sites and log sessions. */
  coordinated: SchemeName[];
  /** The server lets the user review sites and work the letters queue (a police liaison). */
  liaison: boolean;
}

export function speedwatchAccess(me: Me): SpeedwatchAccess {
  const memberships = me.memberships
    .filter((membership) => membership.kind === 'speedwatch')
    .map((membership) => ({ scheme: { id: membership.scheme, name: membership.scheme_name }, role: membership.role as MemberRole }));
  const runs = new Set(me.actions.run_sessions);
  return {
    memberships,
    coordinated: memberships.filter((membership) => runs.has(membership.scheme.id)).map((membership) => membership.scheme),
    liaison: me.actions.review_sites,
  };
}

/** undefined while signed out (or loading); what the server says the user may do once known. */
export function useSpeedwatchAccess(): SpeedwatchAccess | undefined {
  const { me } = useSession();
  return useMemo(() => (me ? speedwatchAccess(me) : undefined), [me]);
}

/** Whether the server lets the user log sessions for this scheme. */
export function canCoordinate(access: SpeedwatchAccess | undefined, schemeId: number): boolean {
  return !!access?.coordinated.some((scheme) => scheme.id === schemeId);
}
