// What an alert asks of the people it reaches (CAP instruction, response type and contact),
// and the name of its area. Typed here, beside the screens that use them, until the app's
// types are generated from the API schema (which already describes these fields).

import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { Alert, AlertCategory } from './types';

export type ResponseType =
  | 'Shelter'
  | 'Evacuate'
  | 'Prepare'
  | 'Execute'
  | 'Avoid'
  | 'Monitor'
  | 'Assess'
  | 'AllClear'
  | 'None';

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

/** An alert's fields beyond those types.ts knows. */
export interface AlertAdvice {
  /** The place in words (CAP areaDesc); empty when the author named none. */
  area_name: string;
  instruction: string;
  response_type: ResponseType;
  contact: string;
}

export interface Guidance {
  response_type: ResponseType;
  instruction: string;
}

/** What an alert asks when its author says nothing else (GET alerts/guidance/). */
export interface AlertGuidance {
  contact: string;
  categories: Record<AlertCategory, Guidance>;
  cancel: Guidance;
}

/** The advice an alert from the API carries (absent only from a copy saved offline before it had any). */
export function adviceOf(alert: Alert): Partial<AlertAdvice> {
  return alert as Alert & Partial<AlertAdvice>;
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
