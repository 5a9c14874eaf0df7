// "This alert will reach 2 schemes and 14 people": worked out by the server as the alert is
// drawn and filled in, a moment after the last change.

import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { KIND_LABELS, plural } from '../format';
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

export function reachSentence(reach: AlertReach): string {
  return `${plural(reach.schemes.length, 'scheme')} and ${plural(reach.recipients, 'person', 'people')}`;
}

export function ReachPreview({
  state,
  waiting,
  note,
  verb = 'will reach',
  headingLevel = 2,
}: {
  state: Reach;
  /** What to say while there is nothing to ask about (no area yet). */
  waiting: string;
  /** A caveat under the figures. */
  note?: string;
  verb?: string;
  headingLevel?: 2 | 3;
}) {
  const { loading, reach, error } = state;
  const Heading = headingLevel === 3 ? 'h3' : 'h2';
  return (
    <section class="reach" aria-labelledby="reach-heading">
      <Heading id="reach-heading" class="reach__heading">
        Who it reaches
      </Heading>
      <div aria-live="polite" aria-atomic="true">
        {error ? (
          <div class="reach__problem">
            <p class="reach__problem-title">This alert cannot be sent as it is:</p>
            {[...error.general, ...Object.values(error.fields).flat()].map((message) => (
              <p key={message}>{message}</p>
            ))}
          </div>
        ) : reach ? (
          <>
            <p class="reach__figures">
              This alert {verb} {reachSentence(reach)}
              {loading ? ' (checking again…)' : '.'}
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
              <p>No active scheme's area overlaps it. Make the area larger, or check the kinds of scheme chosen.</p>
            )}
            {note && <p class="field-hint">{note}</p>}
          </>
        ) : (
          <p>{loading ? 'Working out who it reaches…' : waiting}</p>
        )}
      </div>
    </section>
  );
}
