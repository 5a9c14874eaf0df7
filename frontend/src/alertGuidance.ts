// What an alert asks of the people it reaches (CAP instruction, response type and contact),
// and the name of its area: labels for the response types, and the server's defaults.

import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { Alert, AlertGuidance, ResponseType } from './api/schemas';

export type { AlertGuidance, ResponseType };

export const RESPONSE_TYPE_LABELS: Record<ResponseType, string> = {
  Monitor: 'Monitor: keep watch and report',
  Avoid: 'Avoid: keep away from it',
  Execute: 'Execute: do what the instructions say',
  Prepare: 'Prepare: get ready to act',
  Shelter: 'Shelter: stay indoors',
  Evacuate: 'Evacuate: leave the area',
  Assess: 'Assess: weigh up the information',
  AllClear: 'All clear: nothing more to do',
  None: 'None: no action needed',
};

/** What an alert asks of people, and its area's name. */
export type AlertAdvice = Pick<Alert, 'area_name' | 'instruction' | 'response_type' | 'contact'>;

/** The advice an alert from the API carries (absent only from a copy saved offline before it had any). */
export function adviceOf(alert: Alert): Partial<AlertAdvice> {
  return alert;
}

/** The server's defaults, or null while loading (or if they could not be had: the server fills them in). */
export function useAlertGuidance(): AlertGuidance | null {
  const [guidance, setGuidance] = useState<AlertGuidance | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    api.alertGuidance(abort.signal).then(
      (loaded) => !abort.signal.aborted && setGuidance(loaded),
      () => undefined,
    );
    return () => abort.abort();
  }, []);
  return guidance;
}
