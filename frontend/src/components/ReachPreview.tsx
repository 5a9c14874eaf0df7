// "This alert will reach 2 schemes and 14 people": worked out by the server as the alert is
// drawn and filled in, a moment after the last change.

import { useEffect, useId, useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { formatNumber, KIND_LABELS } from '../format';
import { t } from '../i18n';
import { asApiError } from '../hooks';
import type { AlertInput, AlertReach } from '../api/schemas';

export interface Reach {
  loading: boolean;
  reach: AlertReach | null;
  error: ApiError | null;
}

const WAIT_MS = 400;

/** The reach of `input`, fetched again (after a pause) whenever it changes; null input: nothing to ask. */
export function useAlertReach(input: AlertInput | null): Reach {
  const [state, setState] = useState<Reach>({ loading: false, reach: null, error: null });
  const key = input ? JSON.stringify(input) : '';
  useEffect(() => {
    if (!input) {
      setState({ loading: false, reach: null, error: null });
      return;
    }
    const abort = new AbortController();
    setState((old) => ({ ...old, loading: true }));
    const timer = window.setTimeout(() => {
      api.previewAlert(input, abort.signal).then(
        (reach) => {
          if (!abort.signal.aborted) setState({ loading: false, reach, error: null });
        },
        (error) => {
          if (!abort.signal.aborted) setState({ loading: false, reach: null, error: asApiError(error) });
        },
      );
    }, WAIT_MS);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [key]);
  return state;
}

/** "2 schemes and 14 people". */
export function reachSentence(reach: AlertReach): string {
  return t('reach.sentence', {
    schemes: t('reach.schemes', { count: reach.schemes.length, n: formatNumber(reach.schemes.length) }),
    people: t('reach.people', { count: reach.recipients, n: formatNumber(reach.recipients) }),
  });
}

export function ReachPreview({
  state,
  waiting,
  note,
  would = false,
  headingLevel = 2,
}: {
  state: Reach;
  /** What to say while there is nothing to ask about (no area yet). */
  waiting: string;
  /** A caveat under the figures. */
  note?: string;
  /** Says what the alert would reach (a draft's) rather than will. */
  would?: boolean;
  headingLevel?: 2 | 3;
}) {
  const { loading, reach, error } = state;
  const Heading = headingLevel === 3 ? 'h3' : 'h2';
  // Its own id: the approvals queue shows one preview a card.
  const headingId = useId();
  return (
    <section class="reach" aria-labelledby={headingId}>
      <Heading id={headingId} class="reach__heading">
        {t('reach.heading')}
      </Heading>
      <div aria-live="polite" aria-atomic="true">
        {error ? (
          <div class="reach__problem">
            <p class="reach__problem-title">{t('reach.cannotSend')}</p>
            {[...error.general, ...Object.values(error.fields).flat()].map((message) => (
              <p key={message}>{message}</p>
            ))}
          </div>
        ) : reach ? (
          <>
            <p class="reach__figures">
              {would
                ? t('reach.wouldReach', { reach: reachSentence(reach) })
                : t('reach.willReach', { reach: reachSentence(reach) })}
              {loading ? ` ${t('reach.checkingAgain')}` : '.'}
            </p>
            {reach.schemes.length > 0 ? (
              <ul class="reach__schemes">
                {reach.schemes.map((scheme) => (
                  <li key={scheme.id}>
                    {scheme.name} <span class="reach__kind">({KIND_LABELS[scheme.kind] ?? scheme.kind})</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t('reach.noScheme')}</p>
            )}
            {note && <p class="field-hint">{note}</p>}
          </>
        ) : (
          <p>{loading ? t('reach.working') : waiting}</p>
        )}
      </div>
    </section>
  );
}
