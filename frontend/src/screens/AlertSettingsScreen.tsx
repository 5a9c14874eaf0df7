// "/alerts/settings" — how alerts reach the signed-in user: channels besides the inbox,
// the kinds and severity they want, schemes to mute, quiet hours, a daily digest; and
// notifications on this browser (web push). Until they save their own, the defaults apply
// (every alert of their schemes, in the app and by email): the form shows those, and says so.

import { useEffect, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { api, ApiError } from '../api';
import { ActionResult } from '../components/ActionResult';
import { BackLink } from '../components/BackLink';
import { ConfirmAction } from '../components/ConfirmAction';
import { CheckboxField, ErrorAlert, RadioGroupField, SelectField, SubmitButton } from '../components/FormField';
import { Loading } from '../components/Loading';
import { NotificationsButton } from '../components/NotificationsButton';
import { RequireSignIn } from '../components/RequireSignIn';
import { CATEGORY_LABELS, SEVERITIES } from '../format';
import { asApiError, clearFieldErrors, useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import type { AlertCategory, AlertPreferences, Me, MemberRole, Severity } from '../api/schemas';
import type { SchemeName } from '../speedwatchAccess';

/** An active membership, as me/ gives it. */
interface Membership {
  scheme: SchemeName;
  role: MemberRole;
}

type Channel = AlertPreferences['channels'][number];

const CATEGORIES = () => Object.keys(CATEGORY_LABELS) as AlertCategory[];

const SEVERITY_CHOICES = () => [
  { value: 'Unknown', label: 'Every alert' },
  ...SEVERITIES.filter((severity) => severity !== 'Unknown')
    .reverse()
    .map((severity) => ({ value: severity, label: severity === 'Extreme' ? 'Extreme only' : `${severity} and above` })),
];

const WHICH_CHOICES = [
  { value: 'all', label: 'Every kind of alert' },
  { value: 'some', label: 'Only the kinds I choose' },
];

const SHOWN = ['channels', 'categories', 'min_severity', 'muted_schemes', 'quiet_from', 'quiet_until', 'daily_digest'] as const;

export function AlertSettingsScreen() {
  useTitle('Alert settings');
  return (
    <section class="narrow">
      <BackLink href="/alerts" label="Alerts" />
      <h1 tabIndex={-1}>Alert settings</h1>
      <RequireSignIn>{(me) => <SettingsLoader me={me} />}</RequireSignIn>
    </section>
  );
}

function SettingsLoader({ me }: { me: Me }) {
  const [loaded, setLoaded] = useState<{ preferences: AlertPreferences; memberships: Membership[] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    // The active memberships come with me/: no paging through them.
    const memberships: Membership[] = me.memberships
      .map((membership) => ({ scheme: { id: membership.scheme, name: membership.scheme_name }, role: membership.role as MemberRole }))
      .sort((a, b) => a.scheme.name.localeCompare(b.scheme.name));
    api.alertPreferences().then(
      (preferences) => live && setLoaded({ preferences, memberships }),
      (err) => live && setError(asApiError(err)),
    );
    return () => {
      live = false;
    };
  }, [me.id]);
  if (error) return <ErrorAlert messages={[error.message]} />;
  if (!loaded) return <Loading what="your settings" />;
  return <SettingsForm me={me} initial={loaded.preferences} memberships={loaded.memberships} />;
}

/** "22:00:00" reads "22:00" in a time input. */
const hhmm = (value: string | null) => (value ? value.slice(0, 5) : '');

/** What applies now, in plain words: which alerts, how, and when. */
function SettingsSummary({
  preferences,
  me,
  memberships,
}: {
  preferences: AlertPreferences;
  me: Me;
  memberships: Membership[];
}) {
  const coordinated = memberships.filter((membership) => membership.role === 'coordinator');
  const muted = memberships.filter((membership) => preferences.muted_schemes.includes(membership.scheme.id));
  const kinds = preferences.categories.map((category) => CATEGORY_LABELS[category]);
  const severity = SEVERITY_CHOICES().find((choice) => choice.value === preferences.min_severity);
  const ways = [
    'here in the app',
    ...(preferences.channels.includes('email') ? [`by email to ${me.email}`] : []),
    ...(preferences.channels.includes('push') ? ['as notifications on the browsers where you allowed them'] : []),
    ...(preferences.channels.includes('sms') ? [`by text message${me.phone ? ` to ${me.phone}` : ''}`] : []),
  ];
  const how = ways.length > 1 ? `${ways.slice(0, -1).join(', ')} and ${ways[ways.length - 1]}` : ways[0];
  return (
    <section class="settings-summary" aria-labelledby="summary-heading">
      <h2 id="summary-heading">{preferences.saved ? 'Your settings' : 'What you get now'}</h2>
      <p>
        {preferences.saved
          ? 'You chose these settings.'
          : 'You have not changed your alert settings, so the usual ones apply: joining a scheme signs you up for its alerts.'}
      </p>
      <ul>
        <li>
          {kinds.length ? `Alerts about ${kinds.join(', ')}` : 'Every kind of alert'}
          {preferences.min_severity === 'Unknown' ? ', however severe,' : ` (${severity?.label.toLowerCase()})`} sent to
          the members of your schemes
          {muted.length ? `, except from ${muted.map((membership) => membership.scheme.name).join(', ')}` : ''}.
        </li>
        <li>They reach you {how}.</li>
        {preferences.quiet_from && preferences.quiet_until && (
          <li>
            Between {hhmm(preferences.quiet_from)} and {hhmm(preferences.quiet_until)}, alerts that are not urgent wait until
            the quiet hours end.
          </li>
        )}
        {preferences.daily_digest && <li>Alerts that are not urgent come once a day, in a digest.</li>}
        {coordinated.length > 0 && (
          <li>As a coordinator you always get the alerts for the schemes you coordinate, by email at least.</li>
        )}
      </ul>
      {!preferences.saved && <p>Change anything below and save it to choose for yourself.</p>}
    </section>
  );
}

function SettingsForm({ me, initial, memberships }: { me: Me; initial: AlertPreferences; memberships: Membership[] }) {
  const { config } = useSession();
  const submission = useSubmission();
  const coordinator = memberships.some((membership) => membership.role === 'coordinator');
  // What applies now (the defaults until something is saved); the form starts from it.
  const [applied, setApplied] = useState(initial);
  const [channels, setChannels] = useState<Channel[]>(initial.channels);
  const [which, setWhich] = useState(initial.categories.length ? 'some' : 'all');
  const [categories, setCategories] = useState<AlertCategory[]>(initial.categories);
  const [minSeverity, setMinSeverity] = useState<string>(initial.min_severity);
  const [muted, setMuted] = useState<number[]>(initial.muted_schemes);
  const [quiet, setQuiet] = useState(initial.quiet_from !== null);
  const [quietFrom, setQuietFrom] = useState(hhmm(initial.quiet_from) || '22:00');
  const [quietUntil, setQuietUntil] = useState(hhmm(initial.quiet_until) || '07:00');
  const [digest, setDigest] = useState(initial.daily_digest);
  // Going back to the usual settings, said where it was done (which stays for that).
  const reset = useActionResult();
  const [resetHere, setResetHere] = useState(false);
  const pushOn = !!config?.webpush_public_key;

  const fill = (preferences: AlertPreferences) => {
    setApplied(preferences);
    setChannels(preferences.channels);
    setWhich(preferences.categories.length ? 'some' : 'all');
    setCategories(preferences.categories);
    setMinSeverity(preferences.min_severity);
    setMuted(preferences.muted_schemes);
    setQuiet(preferences.quiet_from !== null);
    setQuietFrom(hhmm(preferences.quiet_from) || '22:00');
    setQuietUntil(hhmm(preferences.quiet_until) || '07:00');
    setDigest(preferences.daily_digest);
  };

  const toggle = <T,>(list: T[], item: T, on: boolean) => (on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item));
  // A field's error goes as soon as what it says is put right.
  const clear = (...fields: string[]) => clearFieldErrors(submission, ...fields);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    reset.clear();
    submission.run(async () => {
      const problems: Record<string, string[]> = {};
      if (coordinator && !channels.length) {
        problems.channels = ['Coordinators hear of alerts by at least one channel besides the app: choose one.'];
      }
      if (which === 'some' && !categories.length) problems.categories = ['Tick at least one kind, or choose every kind.'];
      if (quiet && (!quietFrom || !quietUntil)) problems.quiet_until = ['Give both ends of the quiet hours.'];
      if (quiet && quietFrom === quietUntil) problems.quiet_until = ['The quiet hours must end at another time than they start.'];
      if (Object.keys(problems).length) throw new ApiError(400, problems, []);
      const stored = await api.saveAlertPreferences({
        channels,
        categories: which === 'some' ? categories : [],
        min_severity: minSeverity as Severity,
        muted_schemes: muted,
        quiet_from: quiet ? quietFrom : null,
        quiet_until: quiet ? quietUntil : null,
        daily_digest: digest,
      });
      fill(stored);
      return 'Your alert settings are saved.';
    });
  };

  const coordinated = memberships.filter((membership) => membership.role === 'coordinator');
  const mutable = memberships.filter((membership) => membership.role !== 'coordinator');
  const errorsFor = submission.fieldErrors;
  return (
    <>
      <p>
        Alerts always arrive in your <a href="/alerts">alerts inbox</a> here.
        {coordinated.length > 0 && ' As a coordinator you get every alert for your schemes; these settings choose how.'}
      </p>
      <SettingsSummary preferences={applied} me={me} memberships={memberships} />
      <section aria-labelledby="push-heading">
        <h2 id="push-heading">Notifications on this device</h2>
        <NotificationsButton
          publicKey={config?.webpush_public_key}
          onChanged={(on) => {
            if (on && !channels.includes('push')) setChannels((old) => [...old, 'push']);
          }}
        />
      </section>
      <form onSubmit={onSubmit} noValidate aria-labelledby="settings-heading">
        <h2 id="settings-heading">What reaches you, and how</h2>
        <ErrorAlert messages={submission.otherErrors(SHOWN)} />
        <fieldset class={errorsFor('channels') ? 'field--invalid' : undefined}>
          <legend>Besides the app, send alerts by</legend>
          {coordinator && <p class="field-hint">As a coordinator, choose at least one.</p>}
          {errorsFor('channels') && (
            <p class="field-error">
              <span class="visually-hidden">Error: </span>
              {errorsFor('channels')!.join(' ')}
            </p>
          )}
          <CheckboxField
            label="Email"
            hint={`To ${me.email}.`}
            checked={channels.includes('email')}
            onChecked={(on) => {
              setChannels((old) => toggle(old, 'email', on));
              if (on) clear('channels');
            }}
          />
          {(pushOn || channels.includes('push')) && (
            <CheckboxField
              label="Notifications (web push)"
              hint="On each browser where you allowed notifications above."
              checked={channels.includes('push')}
              onChecked={(on) => {
                setChannels((old) => toggle(old, 'push', on));
                if (on) clear('channels');
              }}
            />
          )}
          <CheckboxField
            label="Text message"
            hint={me.phone ? `To ${me.phone}.` : 'Add a mobile number to your profile first.'}
            checked={channels.includes('sms')}
            onChecked={(on) => {
              setChannels((old) => toggle(old, 'sms', on));
              if (on) clear('channels');
            }}
          />
          {!me.phone && (
            <p>
              <a href="/profile">Add a phone number to your profile</a>
            </p>
          )}
        </fieldset>

        <RadioGroupField
          legend="Which alerts"
          value={which}
          onValue={(value) => {
            setWhich(value);
            if (value === 'all') clear('categories');
          }}
          choices={WHICH_CHOICES}
        />
        {which === 'some' && (
          <fieldset class={errorsFor('categories') ? 'field--invalid' : undefined}>
            <legend>Kinds of alert</legend>
            {errorsFor('categories') && (
              <p class="field-error">
                <span class="visually-hidden">Error: </span>
                {errorsFor('categories')!.join(' ')}
              </p>
            )}
            {CATEGORIES().map((category) => (
              <CheckboxField
                key={category}
                label={CATEGORY_LABELS[category]}
                checked={categories.includes(category)}
                onChecked={(on) => {
                  setCategories((old) => toggle(old, category, on));
                  if (on) clear('categories');
                }}
              />
            ))}
          </fieldset>
        )}
        <SelectField
          label="How severe"
          hint="Leave out alerts below this severity."
          value={minSeverity}
          onValue={(value) => {
            setMinSeverity(value);
            clear('min_severity');
          }}
          choices={SEVERITY_CHOICES()}
          errors={errorsFor('min_severity')}
        />

        {mutable.length > 0 && (
          <fieldset>
            <legend>Mute schemes</legend>
            <p class="field-hint">
              No alerts from a muted scheme.
              {coordinated.length > 0 && ' The alerts of schemes you coordinate always reach you.'}
            </p>
            {mutable.map((membership) => (
              <CheckboxField
                key={membership.scheme.id}
                label={membership.scheme.name}
                checked={muted.includes(membership.scheme.id)}
                onChecked={(on) => setMuted((old) => toggle(old, membership.scheme.id, on))}
              />
            ))}
          </fieldset>
        )}

        <fieldset>
          <legend>Quiet hours</legend>
          <p class="field-hint">
            Alerts that are not urgent wait until the quiet hours end. Immediate alerts still come straight away.
          </p>
          <CheckboxField
            label="Hold alerts during quiet hours"
            checked={quiet}
            onChecked={(on) => {
              setQuiet(on);
              if (!on) clear('quiet_from', 'quiet_until');
            }}
          />
          {quiet && (
            <div class="quiet-hours__times">
              <TimeField
                label="From"
                value={quietFrom}
                onValue={(value) => {
                  setQuietFrom(value);
                  if (value && quietUntil && value !== quietUntil) clear('quiet_from', 'quiet_until');
                }}
                errors={errorsFor('quiet_from')}
              />
              <TimeField
                label="Until"
                value={quietUntil}
                onValue={(value) => {
                  setQuietUntil(value);
                  if (value && quietFrom && value !== quietFrom) clear('quiet_from', 'quiet_until');
                }}
                errors={errorsFor('quiet_until')}
              />
            </div>
          )}
        </fieldset>

        <CheckboxField
          label="Daily digest"
          hint="Alerts that are not urgent come once a day as one message on each channel you chose, instead of one each. Urgent alerts still come at once."
          checked={digest}
          onChecked={setDigest}
          errors={errorsFor('daily_digest')}
        />
        <SubmitButton busy={submission.busy} busyText="Saving…">
          Save settings
        </SubmitButton>
        <ActionResult result={submission.result} />
      </form>
      {(applied.saved || resetHere) && (
        <section aria-labelledby="defaults-heading">
          <h2 id="defaults-heading">Back to the usual settings</h2>
          <p>Every alert for your schemes, in the app and by email (and as notifications where you allowed them).</p>
          {applied.saved && (
            <ConfirmAction
              label="Use the usual settings"
              question="Forget the settings you chose and use the usual ones again?"
              confirmLabel="Yes, use the usual settings"
              result={reset}
              onConfirm={async () => {
                submission.result.clear();
                try {
                  fill(await api.resetAlertPreferences());
                  setResetHere(true);
                  return 'You now get the usual alerts: your own settings are forgotten.';
                } catch (err) {
                  submission.setError(asApiError(err));
                }
              }}
            />
          )}
          <ActionResult result={reset} />
        </section>
      )}
    </>
  );
}

function TimeField({
  label,
  value,
  onValue,
  errors,
}: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  errors?: string[];
}) {
  const id = `quiet-${label.toLowerCase()}`;
  return (
    <div class={`field${errors?.length ? ' field--invalid' : ''}`}>
      <label for={id}>{label}</label>
      {errors?.length ? (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {errors.join(' ')}
        </p>
      ) : null}
      <input
        id={id}
        type="time"
        value={value}
        onInput={(event) => onValue(event.currentTarget.value)}
        aria-invalid={errors?.length ? 'true' : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
      />
    </div>
  );
}
