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
import { CATEGORY_LABELS, SEVERITIES, SEVERITY_LABELS } from '../format';
import { asApiError, clearFieldErrors, useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import type { AlertCategory, AlertPreferences, Me, MemberRole, Severity } from '../api/schemas';
import type { SchemeName } from '../speedwatchAccess';
import { t } from '../i18n';

/** An active membership, as me/ gives it. */
interface Membership {
  scheme: SchemeName;
  role: MemberRole;
}

type Channel = AlertPreferences['channels'][number];

const CATEGORIES = () => Object.keys(CATEGORY_LABELS) as AlertCategory[];

const SEVERITY_CHOICES = () => [
  { value: 'Unknown', label: t('settings.everyAlert') },
  ...SEVERITIES.filter((severity) => severity !== 'Unknown')
    .reverse()
    .map((severity) => ({
      value: severity,
      label:
        severity === 'Extreme'
          ? t('settings.extremeOnly', { severity: SEVERITY_LABELS[severity] })
          : t('settings.andAbove', { severity: SEVERITY_LABELS[severity] }),
    })),
];

const WHICH_CHOICES = () => [
  { value: 'all', label: t('settings.everyKind') },
  { value: 'some', label: t('settings.onlyChosenKinds') },
];

const SHOWN = ['channels', 'categories', 'min_severity', 'muted_schemes', 'quiet_from', 'quiet_until', 'daily_digest'] as const;

export function AlertSettingsScreen() {
  useTitle(t('inbox.settings'));
  return (
    <section class="narrow">
      <BackLink href="/alerts" label={t('inbox.title')} />
      <h1 tabIndex={-1}>{t('inbox.settings')}</h1>
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
  if (!loaded) return <Loading what={t('settings.yourSettingsNoun')} />;
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
    t('settings.ways.app'),
    ...(preferences.channels.includes('email') ? [t('settings.ways.email', { email: me.email })] : []),
    ...(preferences.channels.includes('push') ? [t('settings.ways.push')] : []),
    ...(preferences.channels.includes('sms')
      ? [me.phone ? t('settings.ways.smsTo', { phone: me.phone }) : t('settings.ways.sms')]
      : []),
  ];
  const how =
    ways.length > 1 ? t('settings.ways.list', { first: ways.slice(0, -1).join(', '), last: ways[ways.length - 1] }) : ways[0];
  return (
    <section class="settings-summary" aria-labelledby="summary-heading">
      <h2 id="summary-heading">{preferences.saved ? t('settings.yourSettings') : t('settings.whatYouGet')}</h2>
      <p>
        {preferences.saved
          ? t('settings.youChose')
          : t('settings.usualApply')}
      </p>
      <ul>
        <li>
          {t('settings.summaryLine', {
            kinds: kinds.length ? t('settings.aboutKinds', { kinds: kinds.join(', ') }) : t('settings.everyKind'),
            severity:
              preferences.min_severity === 'Unknown'
                ? t('settings.howeverSevere')
                : ` (${severity?.label.toLowerCase()})`,
            except: muted.length
              ? t('settings.exceptFrom', { names: muted.map((membership) => membership.scheme.name).join(', ') })
              : '',
          })}
        </li>
        <li>{t('settings.reachYou', { how })}</li>
        {preferences.quiet_from && preferences.quiet_until && (
          <li>
            {t('settings.quietSummary', { from: hhmm(preferences.quiet_from), until: hhmm(preferences.quiet_until) })}
          </li>
        )}
        {preferences.daily_digest && <li>{t('settings.digestSummary')}</li>}
        {coordinated.length > 0 && (
          <li>{t('settings.coordinatorSummary')}</li>
        )}
      </ul>
      {!preferences.saved && <p>{t('settings.changeBelow')}</p>}
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
        problems.channels = [t('settings.problemChannels')];
      }
      if (which === 'some' && !categories.length) problems.categories = [t('settings.problemCategories')];
      if (quiet && (!quietFrom || !quietUntil)) problems.quiet_until = [t('settings.problemQuietEnds')];
      if (quiet && quietFrom === quietUntil) problems.quiet_until = [t('settings.problemQuietSame')];
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
      return t('settings.saved');
    });
  };

  const coordinated = memberships.filter((membership) => membership.role === 'coordinator');
  const mutable = memberships.filter((membership) => membership.role !== 'coordinator');
  const errorsFor = submission.fieldErrors;
  return (
    <>
      <p>
        {t('settings.alwaysArrive')} <a href="/alerts">{t('settings.alertsInbox')}</a>
        {t('settings.alwaysArriveEnd')}
        {coordinated.length > 0 && ` ${t('settings.coordinatorHow')}`}
      </p>
      <SettingsSummary preferences={applied} me={me} memberships={memberships} />
      <section aria-labelledby="push-heading">
        <h2 id="push-heading">{t('settings.pushHeading')}</h2>
        <NotificationsButton
          publicKey={config?.webpush_public_key}
          onChanged={(on) => {
            if (on && !channels.includes('push')) setChannels((old) => [...old, 'push']);
          }}
        />
      </section>
      <form onSubmit={onSubmit} noValidate aria-labelledby="settings-heading">
        <h2 id="settings-heading">{t('settings.formHeading')}</h2>
        <ErrorAlert messages={submission.otherErrors(SHOWN)} />
        <fieldset class={errorsFor('channels') ? 'field--invalid' : undefined}>
          <legend>{t('settings.besidesApp')}</legend>
          {coordinator && <p class="field-hint">{t('settings.coordinatorChoose')}</p>}
          {errorsFor('channels') && (
            <p class="field-error">
              <span class="visually-hidden">{t('form.errorPrefix')}</span>
              {errorsFor('channels')!.join(' ')}
            </p>
          )}
          <CheckboxField
            label={t('settings.email')}
            hint={t('settings.to', { address: me.email })}
            checked={channels.includes('email')}
            onChecked={(on) => {
              setChannels((old) => toggle(old, 'email', on));
              if (on) clear('channels');
            }}
          />
          {(pushOn || channels.includes('push')) && (
            <CheckboxField
              label={t('settings.push')}
              hint={t('settings.pushHint')}
              checked={channels.includes('push')}
              onChecked={(on) => {
                setChannels((old) => toggle(old, 'push', on));
                if (on) clear('channels');
              }}
            />
          )}
          <CheckboxField
            label={t('settings.sms')}
            hint={me.phone ? t('settings.to', { address: me.phone }) : t('settings.smsNeedsPhone')}
            checked={channels.includes('sms')}
            onChecked={(on) => {
              setChannels((old) => toggle(old, 'sms', on));
              if (on) clear('channels');
            }}
          />
          {!me.phone && (
            <p>
              <a href="/profile">{t('settings.addPhone')}</a>
            </p>
          )}
        </fieldset>

        <RadioGroupField
          legend={t('settings.which')}
          value={which}
          onValue={(value) => {
            setWhich(value);
            if (value === 'all') clear('categories');
          }}
          choices={WHICH_CHOICES()}
        />
        {which === 'some' && (
          <fieldset class={errorsFor('categories') ? 'field--invalid' : undefined}>
            <legend>{t('settings.kinds')}</legend>
            {errorsFor('categories') && (
              <p class="field-error">
                <span class="visually-hidden">{t('form.errorPrefix')}</span>
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
          label={t('settings.howSevere')}
          hint={t('settings.howSevereHint')}
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
            <legend>{t('settings.mute')}</legend>
            <p class="field-hint">
              {t('settings.muteHint')}
              {coordinated.length > 0 && ` ${t('settings.muteCoordinator')}`}
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
          <legend>{t('settings.quiet')}</legend>
          <p class="field-hint">
            {t('settings.quietHint')}
          </p>
          <CheckboxField
            label={t('settings.quietHold')}
            checked={quiet}
            onChecked={(on) => {
              setQuiet(on);
              if (!on) clear('quiet_from', 'quiet_until');
            }}
          />
          {quiet && (
            <div class="quiet-hours__times">
              <TimeField
                name="from"
                label={t('settings.from')}
                value={quietFrom}
                onValue={(value) => {
                  setQuietFrom(value);
                  if (value && quietUntil && value !== quietUntil) clear('quiet_from', 'quiet_until');
                }}
                errors={errorsFor('quiet_from')}
              />
              <TimeField
                name="until"
                label={t('settings.until')}
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
          label={t('settings.digest')}
          hint={t('settings.digestHint')}
          checked={digest}
          onChecked={setDigest}
          errors={errorsFor('daily_digest')}
        />
        <SubmitButton busy={submission.busy} busyText={t('settings.saving')}>
          {t('settings.save')}
        </SubmitButton>
        <ActionResult result={submission.result} />
      </form>
      {(applied.saved || resetHere) && (
        <section aria-labelledby="defaults-heading">
          <h2 id="defaults-heading">{t('settings.backToUsual')}</h2>
          <p>{t('settings.usualAre')}</p>
          {applied.saved && (
            <ConfirmAction
              label={t('settings.useUsual')}
              question={t('settings.useUsualQuestion')}
              confirmLabel={t('settings.useUsualYes')}
              result={reset}
              onConfirm={async () => {
                submission.result.clear();
                try {
                  fill(await api.resetAlertPreferences());
                  setResetHere(true);
                  return t('settings.usualNow');
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
  name,
  label,
  value,
  onValue,
  errors,
}: {
  name: 'from' | 'until';
  label: string;
  value: string;
  onValue: (value: string) => void;
  errors?: string[];
}) {
  const id = `quiet-${name}`;
  return (
    <div class={`field${errors?.length ? ' field--invalid' : ''}`}>
      <label for={id}>{label}</label>
      {errors?.length ? (
        <p class="field-error" id={`${id}-error`}>
          <span class="visually-hidden">{t('form.errorPrefix')}</span>
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
