// The app name and the main menu. On a phone the menu is a bar at the bottom of the screen,
// in reach of a thumb: the three places a person's role uses most, the place they are on now
// (when it is not one of those), and a Menu button that opens the rest and Sign out above the
// bar. On a wide screen every place sits in one row under the name. The place shown is marked
// aria-current, and the badges count unread alerts and join requests waiting.

import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { refreshUnread, useUnreadCount } from '../alertInbox';
import { refreshJoinRequests, useJoinRequestCount } from '../joinRequestCount';
import { onPushMessage } from '../webPush';
import { useSession } from '../session';
import { useLocation } from '../router';
import type { Me } from '../api/schemas';
import { t } from '../i18n';

type PlaceKey =
  | 'directory'
  | 'my-schemes'
  | 'alerts'
  | 'join-requests'
  | 'review'
  | 'propose'
  | 'speedwatch'
  | 'activity'
  | 'neighbourhoods'
  | 'surveys'
  | 'profile'
  | 'signin'
  | 'signup';

interface Place {
  key: PlaceKey;
  href: string;
  label: string;
  /** The label for the narrow tabs of the bar, with soft hyphens where a long word may
   * break (Welsh "Fy nghyn-lluniau"), rather than breaking anywhere to fit. */
  tabLabel: string;
}

// The labels are read as the menu is drawn, in the language of the moment.
function place(key: PlaceKey, href: string, labelKey: string, tabLabel: () => string): Place {
  return {
    key,
    href,
    get label() {
      return t(labelKey);
    },
    get tabLabel() {
      return tabLabel();
    },
  };
}

const PLACES: Record<PlaceKey, Place> = {
  directory: place('directory', '/', 'nav.directory', () => t('navTab.directory')),
  'my-schemes': place('my-schemes', '/my-schemes', 'nav.mySchemes', () => t('navTab.mySchemes')),
  alerts: place('alerts', '/alerts', 'nav.alerts', () => t('navTab.alerts')),
  'join-requests': place('join-requests', '/join-requests', 'nav.joinRequests', () => t('navTab.joinRequests')),
  review: place('review', '/review', 'nav.review', () => t('navTab.review')),
  propose: place('propose', '/schemes/new', 'nav.propose', () => t('navTab.propose')),
  speedwatch: place('speedwatch', '/speedwatch', 'nav.speedwatch', () => t('navTab.speedwatch')),
  activity: place('activity', '/activity', 'nav.activity', () => t('navTab.activity')),
  neighbourhoods: place('neighbourhoods', '/neighbourhoods', 'neighbourhoods.nav', () => t('navTab.neighbourhoods')),
  surveys: place('surveys', '/surveys', 'nav.surveys', () => t('navTab.surveys')),
  profile: place('profile', '/profile', 'nav.profile', () => t('navTab.profile')),
  signin: place('signin', '/signin', 'nav.signIn', () => t('navTab.signIn')),
  signup: place('signup', '/signup', 'nav.signUp', () => t('navTab.signUp')),
};

/** The menu place a screen belongs to. A scheme's own pages belong to "My schemes" for its
 * members and to the directory for everyone else. */
function placeOf(path: string, me: Me | null | undefined): PlaceKey | null {
  if (path === '/') return 'directory';
  if (path === '/schemes/new') return 'propose';
  // The link that confirms a new email address: part of one's profile, or of signing in.
  if (path.startsWith('/confirm-email/')) return me ? 'profile' : 'signin';
  const scheme = /^\/schemes\/(\d+)/.exec(path);
  if (scheme) {
    const id = Number(scheme[1]);
    const member = me?.memberships?.some((m) => m.scheme === id) || me?.coordinator_of.includes(id);
    return member ? 'my-schemes' : 'directory';
  }
  const prefixes: [string, PlaceKey][] = [
    ['/my-schemes', 'my-schemes'],
    ['/join-requests', 'join-requests'],
    ['/review', 'review'],
    ['/activity', 'activity'],
    ['/neighbourhoods', 'neighbourhoods'],
    ['/surveys', 'surveys'],
    ['/speedwatch', 'speedwatch'],
    ['/alerts', 'alerts'],
    ['/profile', 'profile'],
    ['/signin', 'signin'],
    ['/forgot-password', 'signin'],
    ['/reset-password', 'signin'],
    ['/signup', 'signup'],
  ];
  for (const [prefix, key] of prefixes) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return key;
  }
  return null;
}

/** Which places this person has, as the server says what they may do: those in the bar,
 * then the rest behind "Menu". */
function placesFor(me: Me | null | undefined): { bar: PlaceKey[]; more: PlaceKey[] } {
  if (!me) return { bar: ['directory', 'signin', 'signup'], more: [] };
  const { actions } = me;
  const bar: PlaceKey[] = actions.review_schemes
    ? ['review', 'join-requests', 'alerts']
    : actions.decide_join_requests
      ? ['my-schemes', 'join-requests', 'alerts']
      : ['directory', 'my-schemes', 'alerts'];
  const all: PlaceKey[] = [
    'directory',
    'my-schemes',
    ...(actions.propose_scheme ? (['propose'] as PlaceKey[]) : []),
    ...(actions.use_speedwatch ? (['speedwatch'] as PlaceKey[]) : []),
    ...(actions.review_activity ? (['activity'] as PlaceKey[]) : []),
    ...(actions.import_neighbourhoods ? (['neighbourhoods'] as PlaceKey[]) : []),
    // Surveys reach members of a scheme, and are written by coordinators and liaisons.
    ...(actions.write_surveys || me.memberships.length ? (['surveys'] as PlaceKey[]) : []),
    'profile',
  ];
  return { bar, more: all.filter((key) => !bar.includes(key)) };
}

function Icon({ name }: { name: PlaceKey | 'menu' }) {
  const paths: Record<PlaceKey | 'menu', ComponentChildren> = {
    directory: (
      <>
        <circle cx="10.5" cy="10.5" r="6" />
        <path d="m15 15 5.5 5.5" />
      </>
    ),
    'my-schemes': <path d="M3.5 11 12 4l8.5 7M6 9.5V20h4.5v-5.5h3V20H18V9.5" />,
    alerts: <path d="M6 17V11a6 6 0 0 1 12 0v6l1.5 2h-15L6 17Zm4 3.5a2 2 0 0 0 4 0" />,
    'join-requests': (
      <>
        <circle cx="9" cy="8" r="3.5" />
        <path d="M2.5 20c.5-3.8 3-6 6.5-6s6 2.2 6.5 6M19 8v6M16 11h6" />
      </>
    ),
    review: <path d="M8 4h8v3H8zM6 5.5H4.5V21h15V5.5H18M8 14l2.5 2.5L16 11" />,
    propose: (
      <>
        <circle cx="12" cy="12" r="8.5" />
        <path d="M12 8v8M8 12h8" />
      </>
    ),
    speedwatch: <path d="M4 17a8 8 0 1 1 16 0M12 17l4-5M4 17h2M18 17h2M12 7V9" />,
    activity: <path d="M3 12h4l2.5-6 5 12 2.5-6h4" />,
    neighbourhoods: <path d="M3.5 6 9 4l6 2 5.5-2v14L15 20l-6-2-5.5 2zM9 4v14M15 6v14" />,
    surveys: <path d="M10 6h10M10 12h10M10 18h10M4 5h2.5v2.5H4zM4 11h2.5v2.5H4zM4 17h2.5v2.5H4z" />,
    profile: (
      <>
        <circle cx="12" cy="8" r="4" />
        <path d="M4 21c.6-4.5 3.8-7 8-7s7.4 2.5 8 7" />
      </>
    ),
    signin: <path d="M10 7V4.5h9.5v15H10V17M3 12h11M10.5 8.5 14 12l-3.5 3.5" />,
    signup: (
      <>
        <circle cx="10" cy="8" r="3.5" />
        <path d="M3.5 20c.5-3.8 3-6 6.5-6s6 2.2 6.5 6M19 8v6M16 11h6" />
      </>
    ),
    menu: <path d="M4 6.5h16M4 12h16M4 17.5h16" />,
  };
  return (
    <svg
      class="menu__icon"
      viewBox="0 0 24 24"
      width="24"
      height="24"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
    >
      {paths[name]}
    </svg>
  );
}

interface Count {
  count: number | null;
  /** What the count is of, read after the place's name: "3 unread". */
  words: string;
}

function MenuLink({ place, current, variant, badge }: { place: Place; current: boolean; variant: 'tab' | 'item'; badge?: Count }) {
  const count = badge?.count ?? 0;
  const mark = count ? (
    <span class="menu__badge" aria-hidden="true">
      {count > 99 ? '99+' : count}
    </span>
  ) : null;
  return (
    <li class={`menu__${variant}-item`}>
      <a href={place.href} class={`menu__${variant}`} aria-current={current ? 'page' : undefined}>
        <span class="menu__icon-wrap">
          <Icon name={place.key} />
          {variant === 'tab' && mark}
        </span>
        <span class="menu__label">{variant === 'tab' ? place.tabLabel : place.label}</span>
        {count ? <span class="visually-hidden">{` ${count} ${badge?.words}`}</span> : null}
        {variant === 'item' && mark}
      </a>
    </li>
  );
}

export function TopBar() {
  const { me, setMe, goWithMessage } = useSession();
  const { path } = useLocation();
  const [open, setOpen] = useState(false);
  const navRef = useRef<HTMLElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);

  const signOut = async () => {
    try {
      await api.logout();
    } catch {
      // Signed out on this device either way: the session is forgotten below.
    }
    setOpen(false);
    setMe(null);
    goWithMessage('/', t('nav.signedOut'));
  };

  const userId = me ? me.id : null;
  const decides = !!me?.actions.decide_join_requests;
  const unread = useUnreadCount();
  const waiting = useJoinRequestCount();
  // The counts: on signing in, on every move to another screen, when the app comes back to
  // the front, when a push message arrives, and every minute besides. The screens that change
  // them (reading alerts, deciding requests) ask for a fresh count themselves.
  useEffect(() => {
    refreshUnread(userId);
    refreshJoinRequests(decides ? userId : null);
  }, [userId, decides, path]);
  useEffect(() => {
    if (userId === null) return;
    const refresh = () => {
      if (document.visibilityState !== 'visible') return;
      refreshUnread(userId);
      if (decides) refreshJoinRequests(userId);
    };
    const timer = window.setInterval(refresh, 60_000);
    document.addEventListener('visibilitychange', refresh);
    const stopListening = onPushMessage(refresh);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', refresh);
      stopListening();
    };
  }, [userId, decides]);

  // The opened menu closes on moving to another screen, on Escape (focus goes back to the
  // Menu button), on a tap elsewhere, and when focus moves out of the menu. Escape is handled
  // on the menu itself (focus is in it whenever it is open), and the other listeners are in
  // place as soon as it shows open (a layout effect), so nothing pressed at once is lost.
  useEffect(() => setOpen(false), [path, userId]);
  const onKeyDown = (event: KeyboardEvent) => {
    if (!open || event.key !== 'Escape') return;
    event.preventDefault();
    setOpen(false);
    toggleRef.current?.focus();
  };
  useLayoutEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!navRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onFocus = (event: FocusEvent) => {
      const target = event.target as Node | null;
      if (target && target !== document.body && !navRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('focusin', onFocus);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('focusin', onFocus);
    };
  }, [open]);

  const current = placeOf(path, me);
  const { bar, more } = placesFor(me);
  // The place shown now is always in the bar: added before "Menu" when it is one of the rest.
  const shown = current && more.includes(current) ? [...bar, current] : bar;
  const rest = more.filter((key) => key !== current);
  const badges: Partial<Record<PlaceKey, Count>> = {
    alerts: { count: unread, words: t('nav.unread') },
    'join-requests': { count: waiting, words: t('nav.waiting') },
  };

  return (
    <header class="top-bar">
      <a href="/" class="brand">
        <svg class="brand__mark" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
          <path d="M12 2 3 6v6c0 5 3.8 9.4 9 10 5.2-.6 9-5 9-10V6l-9-4Z" fill="currentColor" />
          <path d="m8 12 3 3 5-6" fill="none" stroke="#0b3a66" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
        Patchwatch
      </a>
      <nav
        ref={navRef}
        class={`menu${open ? ' menu--open' : ''}`}
        aria-label={t('nav.mainMenu')}
        aria-busy={me === undefined ? 'true' : undefined}
        onKeyDown={onKeyDown}
        onClick={(event) => {
          // Following a link closes the menu, even one to the screen already shown.
          if ((event.target as Element).closest('a')) setOpen(false);
        }}
      >
        {me !== undefined && (
          <>
            <ul class="menu__bar">
              {shown.map((key) => (
                <MenuLink key={key} place={PLACES[key]} current={key === current} variant="tab" badge={badges[key]} />
              ))}
              {me && (
                <li class="menu__tab-item menu__toggle-item">
                  <button
                    ref={toggleRef}
                    type="button"
                    class="menu__tab menu__toggle"
                    aria-expanded={open ? 'true' : 'false'}
                    aria-controls="menu-more"
                    onClick={() => setOpen(!open)}
                  >
                    <span class="menu__icon-wrap">
                      <Icon name="menu" />
                    </span>
                    <span class="menu__label">{t('nav.menu')}</span>
                  </button>
                </li>
              )}
            </ul>
            {me && (
              <div id="menu-more" class="menu__more">
                <ul class="menu__more-list">
                  {rest.map((key) => (
                    <MenuLink key={key} place={PLACES[key]} current={false} variant="item" badge={badges[key]} />
                  ))}
                </ul>
                <div class="menu__account">
                  <p class="menu__who">{t('nav.signedInAs', { name: me.name || me.email })}</p>
                  <button type="button" class="button button--secondary menu__sign-out" onClick={signOut}>
                    {t('nav.signOut')}
                  </button>
                </div>
              </div>
            )}
          </>
        )}
      </nav>
    </header>
  );
}
