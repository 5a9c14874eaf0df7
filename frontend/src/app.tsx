import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Loading } from './components/Loading';
import { TopBar } from './components/TopBar';
import { interceptLinkClicks, matchPath, useLocation } from './router';
import { SessionProvider, useSession } from './session';
import { ActivityScreen } from './screens/ActivityScreen';
import { DirectoryScreen } from './screens/DirectoryScreen';
import { EditSchemeScreen } from './screens/EditSchemeScreen';
import { ForgotPasswordScreen } from './screens/ForgotPasswordScreen';
import { JoinRequestsScreen } from './screens/JoinRequestsScreen';
import { MySchemesScreen } from './screens/MySchemesScreen';
import { NotFoundScreen } from './screens/NotFoundScreen';
import { ProfileScreen } from './screens/ProfileScreen';
import { ProposeSchemeScreen } from './screens/ProposeSchemeScreen';
import { ResetPasswordScreen } from './screens/ResetPasswordScreen';
import { ReviewQueueScreen } from './screens/ReviewQueueScreen';
import { SchemeMembersScreen } from './screens/SchemeMembersScreen';
import { SchemeScreen } from './screens/SchemeScreen';
import { SignInScreen } from './screens/SignInScreen';
import { SignUpScreen } from './screens/SignUpScreen';
import { LettersScreen } from './screens/LettersScreen';
import { OffencesScreen } from './screens/OffencesScreen';
import { ProposeSiteScreen } from './screens/ProposeSiteScreen';
import { SessionScreen } from './screens/SessionScreen';
import { SessionsScreen } from './screens/SessionsScreen';
import { SitesScreen } from './screens/SitesScreen';
import { SpeedwatchScreen } from './screens/SpeedwatchScreen';
import { StartSessionScreen } from './screens/StartSessionScreen';
import { StatisticsScreen } from './screens/StatisticsScreen';
import { DraftUploader } from './components/DraftUploader';
import { OfflineNotice } from './components/OfflineNotice';
import { UpdateNotice } from './components/UpdateNotice';
import { AlertScreen } from './screens/AlertScreen';
import { AlertSettingsScreen } from './screens/AlertSettingsScreen';
import { ComposeAlertScreen } from './screens/ComposeAlertScreen';
import { InboxScreen } from './screens/InboxScreen';
import { IssuedAlertsScreen } from './screens/IssuedAlertsScreen';
import { AlertTemplatesScreen } from './screens/AlertTemplatesScreen';
import { ApprovalQueueScreen } from './screens/ApprovalQueueScreen';
import { ApprovalSettingsScreen } from './screens/ApprovalSettingsScreen';
import { AuditScreen } from './screens/AuditScreen';
import { SiteScreen } from './screens/SiteScreen';
import { ChangeEmailScreen } from './screens/ChangeEmailScreen';
import { ChangePasswordScreen } from './screens/ChangePasswordScreen';
import { ConfirmEmailScreen } from './screens/ConfirmEmailScreen';
import { DeleteAccountScreen } from './screens/DeleteAccountScreen';
import { TwoFactorScreen } from './screens/TwoFactorScreen';
import { ComposeSurveyScreen } from './surveys/ComposeSurveyScreen';
import { SurveyResultsScreen } from './surveys/SurveyResultsScreen';
import { SurveyScreen } from './surveys/SurveyScreen';
import { SurveysScreen } from './surveys/SurveysScreen';
import { NeighbourhoodsScreen } from './screens/NeighbourhoodsScreen';
import { LanguageSwitch } from './components/LanguageSwitch';
import { language, onLanguageChange, t } from './i18n';

type Route = [pattern: string, render: (params: Record<string, string>) => ComponentChildren];

// Order matters: /schemes/new must come before /schemes/:id (and so for sessions and alerts).
const ROUTES: Route[] = [
  ['/', () => <DirectoryScreen />],
  ['/schemes/new', () => <ProposeSchemeScreen />],
  ['/schemes/:id', ({ id }) => <SchemeScreen key={id} id={id} />],
  ['/schemes/:id/members', ({ id }) => <SchemeMembersScreen key={id} id={id} />],
  ['/schemes/:id/edit', ({ id }) => <EditSchemeScreen key={id} id={id} />],
  ['/my-schemes', () => <MySchemesScreen />],
  ['/join-requests', () => <JoinRequestsScreen />],
  ['/review', () => <ReviewQueueScreen />],
  ['/activity', () => <ActivityScreen />],
  ['/neighbourhoods', () => <NeighbourhoodsScreen />],
  ['/signup', () => <SignUpScreen />],
  ['/signin', () => <SignInScreen />],
  ['/forgot-password', () => <ForgotPasswordScreen />],
  ['/reset-password/:uid/:token', ({ uid, token }) => <ResetPasswordScreen uid={uid} token={token} />],
  ['/profile', () => <ProfileScreen />],
  ['/profile/password', () => <ChangePasswordScreen />],
  ['/profile/email', () => <ChangeEmailScreen />],
  ['/profile/delete', () => <DeleteAccountScreen />],
  ['/profile/two-factor', () => <TwoFactorScreen />],
  ['/confirm-email/:token', ({ token }) => <ConfirmEmailScreen token={token} />],
  ['/speedwatch', () => <SpeedwatchScreen />],
  ['/speedwatch/sites', () => <SitesScreen />],
  ['/speedwatch/sites/new', () => <ProposeSiteScreen />],
  ['/speedwatch/sites/:id', ({ id }) => <SiteScreen key={id} id={id} />],
  ['/speedwatch/sessions', () => <SessionsScreen />],
  ['/speedwatch/sessions/new', () => <StartSessionScreen />],
  ['/speedwatch/sessions/:id', ({ id }) => <SessionScreen key={id} id={id} />],
  ['/speedwatch/letters', () => <LettersScreen />],
  ['/speedwatch/offences', () => <OffencesScreen />],
  ['/speedwatch/statistics', () => <StatisticsScreen />],
  ['/speedwatch/audit', () => <AuditScreen />],
  ['/alerts', () => <InboxScreen />],
  ['/alerts/new', () => <ComposeAlertScreen />],
  ['/alerts/issued', () => <IssuedAlertsScreen />],
  ['/alerts/settings', () => <AlertSettingsScreen />],
  ['/alerts/approvals', () => <ApprovalQueueScreen />],
  ['/alerts/templates', () => <AlertTemplatesScreen />],
  ['/alerts/approval-settings', () => <ApprovalSettingsScreen />],
  ['/alerts/:id/edit', ({ id }) => <ComposeAlertScreen key={id} draftId={id} />],
  ['/alerts/:id', ({ id }) => <AlertScreen key={id} id={id} />],
  ['/surveys', () => <SurveysScreen />],
  ['/surveys/new', () => <ComposeSurveyScreen />],
  ['/surveys/:id', ({ id }) => <SurveyScreen key={id} id={id} />],
  ['/surveys/:id/results', ({ id }) => <SurveyResultsScreen key={id} id={id} />],
];

function renderRoute(path: string): ComponentChildren {
  const normalised = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const [pattern, render] of ROUTES) {
    const params = matchPath(pattern, normalised);
    if (params) return render(params);
  }
  return <NotFoundScreen />;
}

function StatusBanner() {
  const { status, clearStatus } = useSession();
  const { path } = useLocation();
  const text = status && status.path === path ? status.text : '';
  return (
    <div class={text ? 'status-banner' : 'status-banner status-banner--empty'} role="status" aria-live="polite">
      {text && (
        <>
          <p>{text}</p>
          <button type="button" class="button button--small button--secondary" onClick={clearStatus}>
            {t('common.dismiss')}
          </button>
        </>
      )}
    </div>
  );
}

// Police liaisons and staff who have not set up two-factor sign-in may do nothing else (the
// server refuses it): whatever they open shows the set-up, except signing in again.
const OPEN_BEFORE_TWO_FACTOR = ['/signin', '/forgot-password'];

function Shell() {
  const { path } = useLocation();
  const { status, clearStatus, me, config } = useSession();
  const mustEnrol =
    !!me && !!me.two_factor_required && !me.two_factor_enabled && !OPEN_BEFORE_TWO_FACTOR.includes(path);
  const firstRender = useRef(true);
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    document.addEventListener('click', interceptLinkClicks);
    return () => document.removeEventListener('click', interceptLinkClicks);
  }, []);

  // On moving to another screen: forget the old screen's message, go to the
  // top, and put focus on the new heading so screen readers announce it.
  useEffect(() => {
    if (status && status.path !== path) clearStatus();
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    window.scrollTo(0, 0);
    const frame = requestAnimationFrame(() => {
      const heading = mainRef.current?.querySelector<HTMLElement>('h1');
      (heading ?? mainRef.current)?.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [path]);

  return (
    <>
      <a class="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <TopBar />
      <DraftUploader />
      <main id="main" ref={mainRef} tabIndex={-1}>
        <OfflineNotice />
        <UpdateNotice />
        <StatusBanner />
        {/* The screens speak the server's words for its choices: they wait for its configuration. */}
        {mustEnrol ? <TwoFactorScreen forced /> : config ? renderRoute(path) : <Loading />}
      </main>
      <footer class="footer">
        <p>{t('shell.footer')}</p>
        <LanguageSwitch />
      </footer>
    </>
  );
}

export function App() {
  // A change of language draws every screen again in it (the session stays).
  const [lang, setLang] = useState(language());
  useEffect(() => onLanguageChange(setLang), []);
  return (
    <SessionProvider>
      <Shell key={lang} />
    </SessionProvider>
  );
}
