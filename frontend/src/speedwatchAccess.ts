// Which Community Speedwatch schemes the signed-in user belongs to, and in what role:
// the menu, the hub and the forms all need it, so it is fetched once per user.

import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { useSession } from './session';
import type { Me, MemberRole, SchemeSummary } from './api/schemas';

export interface SpeedwatchMembership {
  scheme: SchemeSummary;
  role: MemberRole;
}

export interface SpeedwatchAccess {
  /** Active memberships of speedwatch schemes. */
  memberships: SpeedwatchMembership[];
  /** The speedwatch schemes the user coordinates: they propose sites and log sessions. */
  coordinated: SchemeSummary[];
  /** A police liaison: reviews sites, works the letters queue, settles disputes. */
  liaison: boolean;
}

let cached: { userId: number; access: Promise<SpeedwatchAccess> } | null = null;

async function load(me: Me): Promise<SpeedwatchAccess> {
  const memberships: SpeedwatchMembership[] = [];
  for (let page = 1; page <= 10; page++) {
    const data = await api.myMemberships(page);
    for (const membership of data.results) {
      if (membership.scheme.kind === 'speedwatch' && membership.status === 'active') {
        memberships.push({ scheme: membership.scheme, role: membership.role });
      }
    }
    if (!data.next) break;
  }
  return {
    memberships,
    coordinated: memberships.filter((m) => m.role === 'coordinator').map((m) => m.scheme),
    liaison: me.liaison !== null,
  };
}

function accessFor(me: Me): Promise<SpeedwatchAccess> {
  if (!cached || cached.userId !== me.id) {
    const access = load(me);
    cached = { userId: me.id, access };
    // A failed look-up is tried again next time rather than remembered.
    access.catch(() => {
      if (cached?.access === access) cached = null;
    });
  }
  return cached.access;
}

/** undefined while loading (or signed out); the user's speedwatch roles once known. */
export function useSpeedwatchAccess(): SpeedwatchAccess | undefined {
  const { me } = useSession();
  const [access, setAccess] = useState<{ userId: number; value: SpeedwatchAccess } | null>(null);
  useEffect(() => {
    if (!me) return;
    let live = true;
    accessFor(me).then(
      (value) => {
        if (live) setAccess({ userId: me.id, value });
      },
      () => {
        // Without the memberships a liaison still has their role from `me`.
        if (live) setAccess({ userId: me.id, value: { memberships: [], coordinated: [], liaison: me.liaison !== null } });
      },
    );
    return () => {
      live = false;
    };
  }, [me?.id]);
  if (!me || !access || access.userId !== me.id) return undefined;
  return access.value;
}

export function canCoordinate(access: SpeedwatchAccess | undefined, schemeId: number): boolean {
  return !!access?.coordinated.some((scheme) => scheme.id === schemeId);
}
