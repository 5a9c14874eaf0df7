// A liaison's decision on a site: approve a proposal, reject it, suspend an approved
// site or reinstate a suspended one. Which of these the viewer may take comes from the
// server (`site.decisions`). Rejecting and suspending need a reason for the coordinators.
// What was decided is said where the buttons were (src/actionResult.ts); the screen keeps
// showing this after a decision that leaves nothing more to decide, for that.

import { useId, useState } from 'preact/hooks';
import { useActionResult, type ActionResultState } from '../actionResult';
import { api, type ApiError } from '../api';
import { asApiError } from '../hooks';
import type { Site } from '../api/schemas';
import { ActionResult } from './ActionResult';
import { ErrorAlert } from './FormField';
import { ReasonForm } from './ReasonForm';
import { t } from '../i18n';

type Decision = 'approved' | 'rejected' | 'suspended';

const ANNOUNCEMENTS: Record<Decision, (name: string) => string> = {
  approved: (name) => t('siteDecision.approved', { name }),
  rejected: (name) => t('siteDecision.rejected', { name }),
  suspended: (name) => t('siteDecision.suspended', { name }),
};

export function SiteDecision({
  site,
  onDecided,
  result,
}: {
  site: Site;
  onDecided: (site: Site) => void;
  /** Where to say what was decided, when not here (a map popup goes with the decision). */
  result?: ActionResultState;
}) {
  const [asking, setAsking] = useState<'rejected' | 'suspended' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const own = useActionResult();
  const said = result ?? own;
  // Unique per use: the same site's buttons are on its card and in its map popup.
  const nameId = useId();

  const decide = async (status: Decision, reason = '') => {
    if (busy) return;
    setBusy(true);
    setError(null);
    said.clear();
    try {
      const decided = await api.decideSite(site.id, status, reason);
      setAsking(null);
      onDecided(decided);
      said.say(ANNOUNCEMENTS[status](site.name));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const may = (decision: Decision) => site.decisions.includes(decision);
  return (
    <div class="site-decision">
      <span id={nameId} class="visually-hidden">
        {site.name}
      </span>
      <ErrorAlert messages={error ? error.otherMessages(asking ? ['reason'] : []) : []} />
      {result ? null : <ActionResult result={own} />}
      {site.decisions.length === 0 ? null : asking ? (
        <ReasonForm
          submitLabel={asking === 'rejected' ? t('siteDecision.reject') : t('siteDecision.suspend')}
          hint={t('siteDecision.reasonHint')}
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
              key="approve"
              type="button"
              class="button button--primary"
              aria-describedby={nameId}
              aria-disabled={busy ? 'true' : undefined}
              onClick={() => decide('approved')}
            >
              {site.status === 'proposed' ? t('siteDecision.approve') : t('siteDecision.reinstate')}
            </button>
          )}
          {may('rejected') && (
            <button key="reject" type="button" class="button button--danger-outline" aria-describedby={nameId} onClick={() => setAsking('rejected')}>
              {t('siteDecision.reject')}
            </button>
          )}
          {may('suspended') && (
            <button key="suspend" type="button" class="button button--danger-outline" aria-describedby={nameId} onClick={() => setAsking('suspended')}>
              {t('siteDecision.suspend')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
