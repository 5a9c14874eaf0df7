// Speedwatch sessions being logged on this phone.
//
// A roadside often has no signal, so every session and every offence is written to
// localStorage first, with an id made here, and uploaded when the connection allows. The
// API treats a known id as a retry (the session or offence already stored is returned, not
// a second one), so an upload that was cut off half way can simply be sent again.

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api';
import { asApiError } from './hooks';
import type {
  OffenceInput,
  Person,
  SessionChanges,
  SessionInput,
  SessionSite,
  SessionWithOffences,
  VehicleType,
} from './api/schemas';

export type EntryState = 'waiting' | 'uploaded' | 'refused';

/** An offence entered on this phone: the form fills in every field but the direction. */
export type DraftOffence = Required<Omit<OffenceInput, 'direction'>> & {
  state: EntryState;
  /** Why the server refused it, when it did. */
  problem?: string[];
};

export interface DraftSite {
  id: number;
  name: string;
  road_name: string;
  speed_limit_mph: number;
  /**
   * The lowest speed that is an offence, from the server. Missing from drafts kept by an
   * older version of the app until the server's copy of the session is fetched.
   */
  threshold_mph?: number;
  scheme: { id: number; name: string };
}

/** The draft's copy of a session's site and scheme, from the server's fuller records. */
export function draftSiteOf(site: SessionSite, scheme: { id: number; name: string }): DraftSite {
  return {
    id: site.id,
    name: site.name,
    road_name: site.road_name,
    speed_limit_mph: site.speed_limit_mph,
    threshold_mph: site.threshold_mph,
    scheme: { id: scheme.id, name: scheme.name },
  };
}

export interface DraftProblem {
  fields: Record<string, string[]>;
  general: string[];
}

export interface DraftSession {
  id: string;
  site: DraftSite;
  started_at: string;
  ended_at: string;
  vehicles_counted: number;
  device_name: string;
  device_serial: string;
  device_checked_on: string;
  notes: string;
  present: Person[];
  /** The server has the session (its offences may still be waiting). */
  created: boolean;
  /** Details changed here that the server does not have yet. */
  changed: boolean;
  /** In the order they were entered. */
  offences: DraftOffence[];
  /** Uploaded offences removed here, still to be deleted on the server. */
  removals: string[];
  /** Submit as soon as everything is uploaded. */
  submitRequested: boolean;
  /** The server's last refusal of the session itself. */
  problem: DraftProblem | null;
}

/**
 * offline: the server was not reached. failed: it answered with an error of its own (5xx),
 * which may pass. refused: it said no to something (4xx), which will not pass by itself.
 */
export type UploadOutcome = 'done' | 'offline' | 'failed' | 'refused' | 'submitted' | 'scheduled' | 'gone';

export interface UploadStatus {
  uploading: boolean;
  last?: UploadOutcome;
}

// --- Storage ------------------------------------------------------------------------------

const PREFIX = 'patchwatch.speedwatch.drafts.';
const DEVICE_KEY = 'patchwatch.speedwatch.device';

type DraftMap = Record<string, DraftSession>;

// When the browser refuses storage (a private window that is full, say), drafts live in
// memory for as long as the page is open, and the screen says so.
const memory = new Map<number, DraftMap>();
let storageWorks = true;

function storageKey(userId: number): string {
  return `${PREFIX}${userId}`;
}

function readAll(userId: number): DraftMap {
  if (memory.has(userId)) return memory.get(userId)!;
  let map: DraftMap = {};
  try {
    const text = localStorage.getItem(storageKey(userId));
    if (text) map = JSON.parse(text) as DraftMap;
  } catch {
    map = {};
  }
  memory.set(userId, map);
  return map;
}

function writeAll(userId: number, map: DraftMap): void {
  memory.set(userId, map);
  try {
    if (Object.keys(map).length) localStorage.setItem(storageKey(userId), JSON.stringify(map));
    else localStorage.removeItem(storageKey(userId));
    storageWorks = true;
  } catch {
    storageWorks = false;
  }
  notify();
}

/** False when the last write to localStorage failed: entries would not survive a reload. */
export function draftsAreKept(): boolean {
  return storageWorks;
}

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

// Another tab of the same browser changed the drafts: read them again.
window.addEventListener('storage', (event) => {
  if (event.key === null || event.key.startsWith(PREFIX)) {
    memory.clear();
    notify();
  }
});

/**
 * On sign-out: drops every user's drafts that have nothing left to upload (the server has
 * them) and returns the storage keys still holding entries that have not reached it.
 */
export function keepOnlyUnsentDrafts(): string[] {
  const kept: string[] = [];
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key && key.startsWith(PREFIX)) keys.push(key);
  }
  for (const key of keys) {
    let map: DraftMap = {};
    try {
      map = JSON.parse(localStorage.getItem(key) ?? '{}') as DraftMap;
    } catch {
      map = {};
    }
    const unsent = Object.fromEntries(Object.entries(map).filter(([, draft]) => hasWorkToUpload(draft)));
    if (Object.keys(unsent).length) {
      localStorage.setItem(key, JSON.stringify(unsent));
      kept.push(key);
    } else {
      localStorage.removeItem(key);
    }
  }
  memory.clear();
  notify();
  return kept;
}

export function listDrafts(userId: number): DraftSession[] {
  return Object.values(readAll(userId));
}

export function getDraft(userId: number, id: string): DraftSession | null {
  return readAll(userId)[id] ?? null;
}

export function saveDraft(userId: number, draft: DraftSession): void {
  writeAll(userId, { ...readAll(userId), [draft.id]: draft });
}

export function discardDraft(userId: number, id: string): void {
  const { [id]: _gone, ...rest } = readAll(userId);
  writeAll(userId, rest);
}

function changeDraft(userId: number, id: string, change: (draft: DraftSession) => DraftSession): DraftSession | null {
  const draft = getDraft(userId, id);
  if (!draft) return null;
  const changed = change(draft);
  saveDraft(userId, changed);
  return changed;
}

export function waitingEntries(draft: DraftSession): number {
  return draft.offences.filter((offence) => offence.state === 'waiting').length;
}

/** A session still under way: it is uploaded when its end time has come. */
export function endsLater(draft: DraftSession): boolean {
  return Date.parse(draft.ended_at) > Date.now() + UPLOAD_GRACE_MS;
}

// The API accepts an end up to five minutes ahead; a minute less allows for clock drift.
const UPLOAD_GRACE_MS = 4 * 60_000;

/** Whether anything of the draft still has to reach the server. */
export function hasWorkToUpload(draft: DraftSession): boolean {
  return (
    !draft.created ||
    draft.changed ||
    draft.removals.length > 0 ||
    draft.submitRequested ||
    waitingEntries(draft) > 0
  );
}

// --- Editing ------------------------------------------------------------------------------

export interface NewOffence {
  registration: string;
  make: string;
  model: string;
  colour: string;
  vehicle_type: VehicleType;
  speed_mph: number;
  observed_at: string;
}

export function addOffence(userId: number, sessionId: string, offence: NewOffence & { id: string }): void {
  changeDraft(userId, sessionId, (draft) => ({
    ...draft,
    offences: [...draft.offences, { ...offence, state: 'waiting' }],
  }));
}

export function removeOffence(userId: number, sessionId: string, offenceId: string): void {
  changeDraft(userId, sessionId, (draft) => {
    const offence = draft.offences.find((item) => item.id === offenceId);
    return {
      ...draft,
      offences: draft.offences.filter((item) => item.id !== offenceId),
      removals: offence?.state === 'uploaded' ? [...draft.removals, offenceId] : draft.removals,
    };
  });
}

export type DetailChanges = Partial<
  Pick<
    DraftSession,
    'started_at' | 'ended_at' | 'vehicles_counted' | 'device_name' | 'device_serial' | 'device_checked_on' | 'notes'
  >
>;

export function changeDetails(userId: number, sessionId: string, changes: DetailChanges): void {
  changeDraft(userId, sessionId, (draft) => ({
    ...draft,
    ...changes,
    changed: draft.created ? true : draft.changed,
    // A refusal was about the old details; the new ones deserve another try.
    problem: null,
  }));
}

export function requestSubmit(userId: number, sessionId: string): void {
  changeDraft(userId, sessionId, (draft) => ({ ...draft, submitRequested: true, problem: null }));
}

/** A draft on the server that this phone has not seen: pick it up to go on logging. */
export function adoptServerDraft(userId: number, session: SessionWithOffences, site: DraftSite): DraftSession {
  const draft: DraftSession = {
    id: session.id,
    site,
    started_at: session.started_at,
    ended_at: session.ended_at,
    vehicles_counted: session.vehicles_counted,
    device_name: session.device_name,
    device_serial: session.device_serial,
    device_checked_on: session.device_checked_on,
    notes: session.notes,
    present: session.present,
    created: true,
    changed: false,
    offences: session.offences.map((offence) => ({
      id: offence.id,
      registration: offence.registration,
      make: offence.make,
      model: offence.model,
      colour: offence.colour,
      vehicle_type: offence.vehicle_type,
      speed_mph: offence.speed_mph,
      observed_at: offence.observed_at,
      state: 'uploaded',
    })),
    removals: [],
    submitRequested: false,
    problem: null,
  };
  saveDraft(userId, draft);
  return draft;
}

/**
 * Adds offences the server has that this phone does not (logged on another phone), and
 * takes the site's threshold from the server, which has the final word on it.
 */
export function mergeServerOffences(userId: number, session: SessionWithOffences): void {
  changeDraft(userId, session.id, (old) => {
    const draft =
      old.site.threshold_mph === session.site.threshold_mph
        ? old
        : { ...old, site: { ...old.site, threshold_mph: session.site.threshold_mph } };
    const known = new Set([...draft.offences.map((offence) => offence.id), ...draft.removals]);
    const missing = session.offences.filter((offence) => !known.has(offence.id));
    if (!missing.length) return draft;
    const added: DraftOffence[] = missing.map((offence) => ({
      id: offence.id,
      registration: offence.registration,
      make: offence.make,
      model: offence.model,
      colour: offence.colour,
      vehicle_type: offence.vehicle_type,
      speed_mph: offence.speed_mph,
      observed_at: offence.observed_at,
      state: 'uploaded',
    }));
    const offences = [...draft.offences, ...added].sort((a, b) => a.observed_at.localeCompare(b.observed_at));
    return { ...draft, offences };
  });
}

// --- Uploading ----------------------------------------------------------------------------

function sessionInput(draft: DraftSession): SessionInput {
  return {
    id: draft.id,
    site: draft.site.id,
    started_at: draft.started_at,
    ended_at: draft.ended_at,
    vehicles_counted: draft.vehicles_counted,
    device_name: draft.device_name,
    device_serial: draft.device_serial,
    device_checked_on: draft.device_checked_on,
    notes: draft.notes,
    present: draft.present.map((person) => person.id),
    // Offences go one by one afterwards, so that one refused entry holds up no other.
    offences: [],
  };
}

function detailsOf(draft: DraftSession): SessionChanges {
  return {
    started_at: draft.started_at,
    ended_at: draft.ended_at,
    vehicles_counted: draft.vehicles_counted,
    device_name: draft.device_name,
    device_serial: draft.device_serial,
    device_checked_on: draft.device_checked_on,
    notes: draft.notes,
  };
}

/** Whether the server's copy of a session has these details. */
function storedAsSent(details: SessionChanges, stored: SessionWithOffences): boolean {
  const instant = (value: string | undefined) => (value === undefined ? NaN : Date.parse(value));
  return (
    instant(details.started_at) === instant(stored.started_at) &&
    instant(details.ended_at) === instant(stored.ended_at) &&
    details.vehicles_counted === stored.vehicles_counted &&
    details.device_name === stored.device_name &&
    details.device_serial === stored.device_serial &&
    details.device_checked_on === stored.device_checked_on &&
    details.notes === stored.notes
  );
}

function offenceInput(offence: DraftOffence): OffenceInput {
  return {
    id: offence.id,
    registration: offence.registration,
    make: offence.make,
    model: offence.model,
    colour: offence.colour,
    vehicle_type: offence.vehicle_type,
    speed_mph: offence.speed_mph,
    observed_at: offence.observed_at,
  };
}

function messagesOf(error: ApiError): string[] {
  return [...error.general, ...Object.values(error.fields).flat()];
}

const statuses = new Map<string, UploadStatus>();

function setStatus(id: string, status: UploadStatus): void {
  statuses.set(id, status);
  notify();
}

export function uploadStatus(id: string): UploadStatus {
  return statuses.get(id) ?? { uploading: false };
}

const running = new Map<string, Promise<UploadOutcome>>();
const runAgain = new Set<string>();

/**
 * Sends whatever of the draft the server does not have yet. One upload per draft runs at a
 * time; asking again while one runs makes it go round once more when it finishes.
 */
export function uploadDraft(userId: number, id: string): Promise<UploadOutcome> {
  const current = running.get(id);
  if (current) {
    runAgain.add(id);
    return current;
  }
  const run = (async () => {
    setStatus(id, { ...uploadStatus(id), uploading: true });
    let outcome: UploadOutcome;
    do {
      runAgain.delete(id);
      outcome = await uploadOnce(userId, id);
    } while (runAgain.has(id) && outcome === 'done');
    return outcome;
  })();
  running.set(id, run);
  run.then(
    (outcome) => {
      running.delete(id);
      setStatus(id, { uploading: false, last: outcome });
    },
    () => {
      running.delete(id);
      setStatus(id, { uploading: false, last: 'offline' });
    },
  );
  return run;
}

async function uploadOnce(userId: number, id: string): Promise<UploadOutcome> {
  let draft = getDraft(userId, id);
  if (!draft) return 'gone';
  if (!hasWorkToUpload(draft)) return 'done';
  // The server takes a session once it is over; until then it all stays on the phone.
  if (!draft.created && endsLater(draft)) return 'scheduled';
  if (!navigator.onLine) return 'offline';
  let submitting = false;
  try {
    if (!draft.created) {
      const stored = await api.createSession(sessionInput(draft));
      if (stored.status === 'submitted') {
        discardDraft(userId, id);
        return 'submitted';
      }
      draft = changeDraft(userId, id, (d) => ({
        ...d,
        created: true,
        // The server's copy may lack an edit: one made while this was on its way, or one
        // made after an earlier upload of this id whose answer was lost (the server then
        // answers with the copy it stored). The edit goes up as a change.
        changed: !storedAsSent(detailsOf(d), stored),
        problem: null,
      }));
      if (!draft) return 'gone';
    }
    if (draft.changed) {
      const sent = detailsOf(draft);
      await api.updateSession(id, sent);
      draft = changeDraft(userId, id, (d) => ({
        ...d,
        // Edited again while the first change was on its way: that edit still has to go.
        changed: JSON.stringify(detailsOf(d)) !== JSON.stringify(sent),
        problem: null,
      }));
    }
    if (!draft) return 'gone';

    for (const offenceId of draft.removals) {
      try {
        await api.removeOffence(id, offenceId);
      } catch (error) {
        if (asApiError(error).status !== 404) throw error;
      }
      draft = changeDraft(userId, id, (d) => ({ ...d, removals: d.removals.filter((other) => other !== offenceId) }));
      if (!draft) return 'gone';
    }

    for (const offence of draft.offences.filter((item) => item.state === 'waiting')) {
      try {
        await api.addOffence(id, offenceInput(offence));
      } catch (error) {
        const apiError = asApiError(error);
        if (apiError.status !== 400) throw error;
        // A refused entry is set aside; the others still go up.
        changeDraft(userId, id, (d) => ({
          ...d,
          offences: d.offences.map((item) =>
            item.id === offence.id ? { ...item, state: 'refused', problem: messagesOf(apiError) } : item,
          ),
        }));
        continue;
      }
      draft = changeDraft(userId, id, (d) =>
        d.offences.some((item) => item.id === offence.id)
          ? { ...d, offences: d.offences.map((item) => (item.id === offence.id ? { ...item, state: 'uploaded' } : item)) }
          : // Removed here while it was on its way: delete it on the server too.
            { ...d, removals: [...d.removals, offence.id] },
      );
      if (!draft) return 'gone';
      if (draft.removals.includes(offence.id)) runAgain.add(id);
    }

    draft = getDraft(userId, id);
    if (!draft) return 'gone';
    if (draft.submitRequested) {
      if (draft.offences.some((offence) => offence.state !== 'uploaded') || draft.changed || draft.removals.length) {
        // A refused entry must be corrected or removed first; anything else goes round again.
        return draft.offences.some((offence) => offence.state === 'refused') ? 'refused' : 'done';
      }
      submitting = true;
      await api.submitSession(id);
      // Said before the draft goes, so the screen showing it knows why it went.
      setStatus(id, { uploading: true, last: 'submitted' });
      discardDraft(userId, id);
      return 'submitted';
    }
    return 'done';
  } catch (error) {
    const apiError = asApiError(error);
    if (apiError.status === 0) return 'offline';
    if (apiError.status >= 500) return 'failed';
    changeDraft(userId, id, (d) => ({
      ...d,
      problem: { fields: apiError.fields, general: apiError.general },
      submitRequested: submitting ? false : d.submitRequested,
    }));
    return 'refused';
  }
}

/** Uploads every draft of the user that has something waiting. */
export function uploadAll(userId: number): void {
  for (const draft of listDrafts(userId)) {
    if (hasWorkToUpload(draft) && !draft.problem) uploadDraft(userId, draft.id);
  }
}

// --- Remembered device --------------------------------------------------------------------

export interface RememberedDevice {
  device_name: string;
  device_serial: string;
  device_checked_on: string;
}

export function rememberedDevice(): RememberedDevice | null {
  try {
    const text = localStorage.getItem(DEVICE_KEY);
    return text ? (JSON.parse(text) as RememberedDevice) : null;
  } catch {
    return null;
  }
}

export function rememberDevice(device: RememberedDevice): void {
  try {
    localStorage.setItem(DEVICE_KEY, JSON.stringify(device));
  } catch {
    // Only a convenience: the form is filled in by hand next time.
  }
}

// --- Hooks --------------------------------------------------------------------------------

/** Re-renders the caller whenever a draft or an upload changes. */
export function useDraftChanges(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const listener = () => setVersion((v) => v + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return version;
}

/** True when an error means the server was not reached, as opposed to a refusal. */
export function isNetworkError(error: unknown): boolean {
  return error instanceof ApiError && error.status === 0;
}
