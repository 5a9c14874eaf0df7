// What an alert asks of the people it reaches (CAP instruction, response type and contact),
// and the name of its area: labels for the response types, and the server's defaults.

import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { Alert, AlertGuidance, ResponseType } from './api/schemas';
import { t, type Language } from './i18n';

export type { AlertGuidance, ResponseType };

const RESPONSE_TYPE_KEYS: Record<ResponseType, string> = {
  Monitor: 'responseType.Monitor',
  Avoid: 'responseType.Avoid',
  Execute: 'responseType.Execute',
  Prepare: 'responseType.Prepare',
  Shelter: 'responseType.Shelter',
  Evacuate: 'responseType.Evacuate',
  Assess: 'responseType.Assess',
  AllClear: 'responseType.AllClear',
  None: 'responseType.None',
};

/** Each response type in words, in the language of the moment (read when shown, never kept). */
export const RESPONSE_TYPE_LABELS: Record<ResponseType, string> = new Proxy(RESPONSE_TYPE_KEYS, {
  get: (keys, key) => (typeof key === 'string' && key in keys ? t(keys[key as ResponseType]) : undefined),
});

/** What an alert asks of people, and its area's name. */
export type AlertAdvice = Pick<Alert, 'area_name' | 'instruction' | 'response_type' | 'contact'>;

/** The advice an alert from the API carries (absent only from a copy saved offline before it had any). */
export function adviceOf(alert: Alert): Partial<AlertAdvice> {
  return alert;
}

/**
 * The server's defaults, in `lang` (an alert's, which may not be the app's), or null while
 * loading (or if they could not be had: the server fills them in).
 */
export function useAlertGuidance(lang?: Language): AlertGuidance | null {
  const [guidance, setGuidance] = useState<AlertGuidance | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    api.alertGuidance(abort.signal, lang).then(
      (loaded) => !abort.signal.aborted && setGuidance(loaded),
      () => undefined,
    );
    return () => abort.abort();
  }, [lang]);
  return guidance;
}
