// What every screen needs to know: the site configuration, who is signed in,
// and the status message to announce.

import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, ensureCsrf } from './api';
import { withOfflineCopy } from './offlineCache';
import { labelsFromServer } from './format';
import { noteSignedIn } from './offlineData';
import type { Me, ServerConfig } from './api/schemas';
import { navigate } from './router';
import { language, onLanguageChange, setLanguage, type Language } from './i18n';

export interface StatusMessage {
  text: string;
  /** The path the message belongs to; it is cleared when the user leaves it. */
  path: string;
}

export interface Session {
  config: Config | null;
  /** undefined while loading, null when signed out. */
  me: Me | null | undefined;
  setMe: (me: Me | null) => void;
  refreshMe: () => Promise<void>;
  status: StatusMessage | null;
  announce: (text: string) => void;
  /** Moves to another screen and announces a message there. */
  goWithMessage: (to: string, text: string) => void;
  clearStatus: () => void;
}

const SessionContext = createContext<Session | null>(null);

// The rules a stand-in configuration cannot know.
type ServerRules =
  | 'speedwatch_min_members_present'
  | 'speedwatch_session_max_hours'
  | 'speedwatch_device_check_max_age_days'
  | 'speedwatch_submit_within_hours'
  | 'scheme_radius_min_m'
  | 'scheme_radius_max_m'
  | 'scheme_polygon_max_vertices'
  | 'scheme_polygon_max_span_m'
  | 'scheme_text_max_lengths'
  | 'alert_radius_min_m'
  | 'alert_radius_max_m'
  | 'speedwatch_risk_questions'
  | 'labels';

/**
 * The server's configuration (config/), or the stand-in used when the server could not be
 * reached and no copy was saved: there the server's rules are null, and the forms leave
 * those checks to the server.
 */
export type Config = Omit<ServerConfig, ServerRules> & { [Rule in ServerRules]: ServerConfig[Rule] | null };

const FALLBACK_CONFIG: Config = {
  tile_url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  tile_attribution: '&copy; OpenStreetMap contributors',
  geocoder_enabled: false,
  default_centre: { lat: 52.2, lon: 0.12 },
  default_zoom: 11,
  // Unknown without the server: the site form says so rather than guess.
  speedwatch_allowed_limits_mph: [],
  speedwatch_threshold_mph: {},
  speedwatch_min_members_present: null,
  speedwatch_session_max_hours: null,
  speedwatch_device_check_max_age_days: null,
  speedwatch_submit_within_hours: null,
  scheme_radius_min_m: null,
  scheme_radius_max_m: null,
  scheme_polygon_max_vertices: null,
  scheme_polygon_max_span_m: null,
  scheme_text_max_lengths: null,
  alert_radius_min_m: null,
  alert_radius_max_m: null,
  speedwatch_risk_questions: null,
  // The screens show each choice's value itself (src/format.ts).
  labels: null,
  // Push notifications are off without the server's key.
  webpush_public_key: '',
  // Letters are not posted from here without the server's word.
  speedwatch_letters_posted: false,
  speedwatch_letter_postage: 'second',
};

/** What a copy of me/ saved by an earlier version of the app allows: nothing beyond what
 * everyone signed in may do, until the server says more. */
const NO_ACTIONS: Me['actions'] = {
  propose_scheme: true,
  review_schemes: false,
  review_activity: false,
  decide_join_requests: false,
  import_neighbourhoods: false,
  use_speedwatch: false,
  run_sessions: [],
  review_sites: false,
  work_letters: false,
  read_statistics: false,
  read_audit: false,
  issue_force_alerts: false,
  issue_alerts_for: [],
  approve_alerts: false,
  keep_alert_templates: false,
  issue_alerts: false,
  send_surveys_to: [],
  write_surveys: false,
};

function withActions(me: Me): Me {
  return me.actions ? me : { ...me, actions: NO_ACTIONS };
}

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [config, setConfig] = useState<Config | null>(null);
  const [me, setMeState] = useState<Me | null | undefined>(undefined);
  const [status, setStatus] = useState<StatusMessage | null>(null);

  // Who the server says is signed in. Signing out, or someone else signing in, forgets what
  // this phone saved of the previous person for use offline (src/offlineData.ts).
  const applyMe = useCallback((next: Me | null) => {
    void noteSignedIn(next ? next.id : null);
    // A person's own choice of language goes with them to every phone they sign in on.
    if (next?.language && next.language !== language()) setLanguage(next.language as Language);
    setMeState(next && withActions(next));
  }, []);

  // Bumped by each sign-in and sign-out, so that a slow look-up started before one (the one
  // made as the app opens, say) cannot undo it when its answer comes back.
  const signIns = useRef(0);
  const setMe = useCallback(
    (next: Me | null) => {
      signIns.current += 1;
      applyMe(next);
    },
    [applyMe],
  );

  const refreshMe = useCallback(async () => {
    const asked = signIns.current;
    const stale = () => signIns.current !== asked;
    try {
      const answer = await api.me();
      if (!stale()) applyMe(answer);
    } catch (error) {
      if (stale()) return;
      // Only the server's "not signed in" forgets anything: no signal (and no saved copy of
      // me/) or a server error says nothing about who is signed in.
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) applyMe(null);
      else setMeState(null);
    }
  }, [applyMe]);

  // The server's words for its choices (config/'s labels) come in the app's language.
  const loadConfig = useCallback(() => {
    withOfflineCopy('config', () => api.config()).then(
      (loaded) => {
        labelsFromServer(loaded.labels);
        setConfig(loaded);
      },
      () => {
        labelsFromServer(null);
        setConfig(FALLBACK_CONFIG);
      },
    );
  }, []);
  useEffect(() => onLanguageChange(loadConfig), [loadConfig]);

  // The server answers a signed-in person in their own language, so the words asked for at
  // the switch itself may come in the one before: once their new choice has reached the
  // server (the switch's PATCH me/), they are asked for again.
  const serverLanguage = useRef<string | null>(null);
  const spoken = me?.language ?? null;
  useEffect(() => {
    if (serverLanguage.current !== null && spoken !== null && spoken !== serverLanguage.current) loadConfig();
    serverLanguage.current = spoken;
  }, [spoken, loadConfig]);

  useEffect(() => {
    ensureCsrf();
    // The last copy is kept so the session forms know the server's rules at the roadside.
    // The server's words for its choices are taken before any screen shows (src/format.ts).
    loadConfig();
    refreshMe();
  }, [refreshMe, loadConfig]);

  const announce = useCallback((text: string) => {
    setStatus({ text, path: window.location.pathname });
  }, []);

  const goWithMessage = useCallback((to: string, text: string) => {
    setStatus({ text, path: new URL(to, window.location.href).pathname });
    navigate(to);
  }, []);

  const clearStatus = useCallback(() => setStatus(null), []);

  const value = useMemo(
    () => ({ config, me, setMe, refreshMe, status, announce, goWithMessage, clearStatus }),
    [config, me, setMe, refreshMe, status, announce, goWithMessage, clearStatus],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export function isLiaison(me: Me | null | undefined): boolean {
  return !!me && me.liaison !== null;
}
