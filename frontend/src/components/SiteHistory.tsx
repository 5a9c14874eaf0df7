// A site's proposal and the liaisons' decisions on it, for its coordinators and the
// covering liaisons. On a card it waits behind a disclosure; on the site's page it is open.

import { useEffect, useState } from 'preact/hooks';
import { reviewApi, type ApiError } from '../api';
import { SITE_STATUS_LABELS } from '../format';
import { asApiError } from '../hooks';
import type { SiteStatusChange } from '../api/schemas';
import { ErrorAlert } from './FormField';
import { HistoryList } from './HistoryList';
import { Loading } from './Loading';
import { t } from '../i18n';

// "Proposed" reads better than "Waiting for approval" as a step taken.
const STEP_LABELS = (): Record<string, string> => ({ ...SITE_STATUS_LABELS, proposed: t('siteScreen.proposed') });

function useSiteHistory(siteId: number, version: string, wanted: boolean) {
  const [entries, setEntries] = useState<SiteStatusChange[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    setEntries(null);
    setError(null);
  }, [siteId, version]);
  useEffect(() => {
    if (!wanted || entries) return;
    const abort = new AbortController();
    reviewApi.siteHistory(siteId, abort.signal).then(
      (page) => !abort.signal.aborted && setEntries(page.results),
      (err) => !abort.signal.aborted && setError(asApiError(err)),
    );
    return () => abort.abort();
  }, [siteId, version, wanted, entries === null]);
  return { entries, error };
}

function HistoryBody({ entries, error }: { entries: SiteStatusChange[] | null; error: ApiError | null }) {
  if (error) return <ErrorAlert messages={error.general.length ? error.general : [error.message]} />;
  if (!entries) return <Loading what={t('siteHistory.noun')} />;
  return <HistoryList entries={entries} labels={STEP_LABELS()} />;
}

/** `version` changes when the site does (a decision), so the history is read again. */
export function SiteHistory({ siteId, version, collapsed = false }: { siteId: number; version: string; collapsed?: boolean }) {
  const [open, setOpen] = useState(!collapsed);
  const history = useSiteHistory(siteId, version, open);
  if (!collapsed) return <HistoryBody {...history} />;
  return (
    <details class="site-history" onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t('siteHistory.summary')}</summary>
      {open && <HistoryBody {...history} />}
    </details>
  );
}
