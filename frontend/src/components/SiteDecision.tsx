// A liaison's decision on a site: approve a proposal, reject it, suspend an approved
// site or reinstate a suspended one. Which of these the viewer may take comes from the
// server (`site.decisions`). Rejecting and suspending need a reason for the coordinators.

import { useId, useRef, useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { asApiError, keepFocusNear } from '../hooks';
import { useSession } from '../session';
import type { Site } from '../types';
import { ErrorAlert } from './FormField';
import { ReasonForm } from './ReasonForm';

type Decision = 'approved' | 'rejected' | 'suspended';

const ANNOUNCEMENTS: Record<Decision, (name: string) => string> = {
  approved: (name) => `${name} is approved: its scheme can hold sessions there.`,
  rejected: (name) => `${name} is rejected. The coordinators will see your reason.`,
  suspended: (name) => `${name} is suspended. No sessions can be held there until it is reinstated.`,
};

export function SiteDecision({
  site,
  onDecided,
  leavesList,
}: {
  site: Site;
  onDecided: (site: Site) => void;
  /** The site drops out of the list shown (a queue of proposals): keep focus nearby. */
  leavesList: boolean;
}) {
  const { announce } = useSession();
  const [asking, setAsking] = useState<'rejected' | 'suspended' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const anchor = useRef<HTMLDivElement>(null);
  // Unique per use: the same site's buttons are on its card and in its map popup.
  const nameId = useId();

  const decide = async (status: Decision, reason = '') => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const decided = await api.decideSite(site.id, status, reason);
      announce(ANNOUNCEMENTS[status](site.name));
      if (leavesList) keepFocusNear(anchor.current);
      setAsking(null);
      onDecided(decided);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  if (site.decisions.length === 0) return null;
  const may = (decision: Decision) => site.decisions.includes(decision);
  return (
    <div class="site-decision" ref={anchor}>
      <span id={nameId} class="visually-hidden">
        {site.name}
      </span>
      <ErrorAlert messages={error ? error.otherMessages(asking ? ['reason'] : []) : []} />
      {asking ? (
        <ReasonForm
          submitLabel={asking === 'rejected' ? 'Reject' : 'Suspend'}
          hint="The coordinators will see this reason."
          errors={error?.fields.reason}
          onSubmit={(reason) => decide(asking, reason)}
          onCancel={() => {
            setAsking(null);
            setError(null);
          }}
        />
      ) : (
        <div class="button-row">
          {may('approved') && (
            <button
              type="button"
              class="button button--primary"
              aria-describedby={nameId}
              aria-disabled={busy ? 'true' : undefined}
              onClick={() => decide('approved')}
            >
              {site.status === 'proposed' ? 'Approve' : 'Reinstate'}
            </button>
          )}
          {may('rejected') && (
            <button type="button" class="button button--danger-outline" aria-describedby={nameId} onClick={() => setAsking('rejected')}>
              Reject
            </button>
          )}
          {may('suspended') && (
            <button type="button" class="button button--danger-outline" aria-describedby={nameId} onClick={() => setAsking('suspended')}>
              Suspend
            </button>
          )}
        </div>
      )}
    </div>
  );
}
