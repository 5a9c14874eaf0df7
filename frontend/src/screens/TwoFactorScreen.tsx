// "/profile/two-factor" — two-factor sign-in: set it up (a key for an authenticator app,
// confirmed with a code, then recovery codes shown once), new recovery codes, turning it off.
// Police liaisons and staff who have not set it up see this screen whatever they open
// (`forced`): the server refuses everything else until they do.

import { useEffect, useState } from 'preact/hooks';
import { accountApi } from '../api';
import { BackLink } from '../components/BackLink';
import { AuthenticatorCodeField, ErrorAlert, SubmitButton, TextField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import type { TwoFactorEnrolment, TwoFactorStatus } from '../api/schemas';
import { t } from '../i18n';

export function TwoFactorScreen({ forced = false }: { forced?: boolean }) {
  useTitle(forced ? t('twoFactor.setUpTitle') : t('profile.twoFactor'));
  return (
    <section class="narrow two-factor">
      {!forced && <BackLink href="/profile" label={t('nav.profile')} />}
      <h1 tabIndex={-1}>{forced ? t('twoFactor.setUpTitle') : t('profile.twoFactor')}</h1>
      <RequireSignIn>{() => <TwoFactorPanel forced={forced} />}</RequireSignIn>
    </section>
  );
}

function TwoFactorPanel({ forced }: { forced: boolean }) {
  const [status, setStatus] = useState<TwoFactorStatus | null>(null);
  const [failed, setFailed] = useState(false);
  // Recovery codes just made: shown until the person says they have saved them.
  const [codes, setCodes] = useState<string[] | null>(null);

  const load = () => {
    setFailed(false);
    accountApi.twoFactor().then(setStatus, () => setFailed(true));
  };
  useEffect(load, []);

  if (codes) return <RecoveryCodes codes={codes} forced={forced} onDone={() => { setCodes(null); load(); }} />;
  if (failed) {
    return (
      <p class="notice">
        {t('twoFactor.couldNotLoad')}{' '}
        <button type="button" class="button button--small button--secondary" onClick={load}>
          {t('twoFactor.tryAgain')}
        </button>
      </p>
    );
  }
  if (!status) return <Loading what={t('twoFactor.settingsNoun')} />;
  if (!status.enabled) return <Enrol required={status.required} onConfirmed={setCodes} />;
  return <Manage status={status} onCodes={setCodes} onDisabled={load} />;
}

/** Groups of four characters, as authenticator apps show keys and as people type them. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function Enrol({ required, onConfirmed }: { required: boolean; onConfirmed: (codes: string[]) => void }) {
  const [password, setPassword] = useState('');
  const [enrolment, setEnrolment] = useState<TwoFactorEnrolment | null>(null);
  const [code, setCode] = useState('');
  const start = useSubmission();
  const confirm = useSubmission();

  const onStart = (event: Event) => {
    event.preventDefault();
    start.run(async () => {
      setEnrolment(await accountApi.twoFactorEnrol(password));
      setPassword('');
    });
  };

  const onConfirm = (event: Event) => {
    event.preventDefault();
    confirm.run(async () => {
      const answer = await accountApi.twoFactorConfirm(code.trim());
      onConfirmed(answer.recovery_codes);
    });
  };

  if (!enrolment) {
    return (
      <form onSubmit={onStart} noValidate>
        {required ? (
          <p>
            {t('twoFactor.requiredIntro')}
          </p>
        ) : (
          <p>
            {t('twoFactor.intro')}
          </p>
        )}
        <p>{t('twoFactor.needApp')}</p>
        <ErrorAlert messages={start.otherErrors(['password'])} />
        <TextField
          label={t('changeEmail.password')}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onValue={setPassword}
          errors={start.fieldErrors('password')}
        />
        <SubmitButton busy={start.busy}>{t('twoFactor.setUpTitle')}</SubmitButton>
      </form>
    );
  }

  return (
    <form onSubmit={onConfirm} noValidate>
      <h2>{t('twoFactor.step1')}</h2>
      <p>
        {t('twoFactor.onThisPhone')} <a href={enrolment.otpauth_uri}>{t('twoFactor.openApp')}</a>
        {t('twoFactor.onComputer')}
      </p>
      <img class="two-factor__qr" src={enrolment.qr_svg} alt={t('twoFactor.qrAlt')} width={200} height={200} />
      <p id="two-factor-key-label">{t('twoFactor.typeKey')}</p>
      <p class="two-factor__secret" aria-describedby="two-factor-key-label">
        {groupSecret(enrolment.secret)}
      </p>
      <h2>{t('twoFactor.step2')}</h2>
      <ErrorAlert messages={confirm.otherErrors(['code'])} />
      <AuthenticatorCodeField
        label={t('twoFactor.sixDigit')}
        value={code}
        onValue={setCode}
        errors={confirm.fieldErrors('code')}
      />
      <SubmitButton busy={confirm.busy}>{t('twoFactor.turnOn')}</SubmitButton>
    </form>
  );
}

function RecoveryCodes({ codes, forced, onDone }: { codes: string[]; forced: boolean; onDone: () => void }) {
  const { refreshMe, goWithMessage } = useSession();
  const [busy, setBusy] = useState(false);

  const done = async () => {
    if (!forced) {
      onDone();
      return;
    }
    setBusy(true);
    await refreshMe();
    goWithMessage('/', t('twoFactor.isOn'));
  };

  return (
    <div>
      <h2>{t('twoFactor.codesTitle')}</h2>
      <p>
        {t('twoFactor.codesIntro')}
      </p>
      <ul class="two-factor__codes" aria-label={t('twoFactor.codesLabel')}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" class="button button--primary button--wide" disabled={busy} onClick={done}>
        {t('twoFactor.saved')}
      </button>
    </div>
  );
}

function Manage({
  status,
  onCodes,
  onDisabled,
}: {
  status: TwoFactorStatus;
  onCodes: (codes: string[]) => void;
  onDisabled: () => void;
}) {
  const { refreshMe } = useSession();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [offCode, setOffCode] = useState('');
  const regenerate = useSubmission();
  const disable = useSubmission();

  const onRegenerate = (event: Event) => {
    event.preventDefault();
    regenerate.run(async () => {
      const answer = await accountApi.recoveryCodesRegenerate(code.trim());
      setCode('');
      onCodes(answer.recovery_codes);
    });
  };

  const onDisable = (event: Event) => {
    event.preventDefault();
    disable.run(async () => {
      await accountApi.twoFactorDisable({ password, code: offCode.trim() });
      await refreshMe();
      onDisabled();
    });
  };

  return (
    <>
      <p class="notice">
        {t('twoFactor.onWithCodes', { left: status.recovery_codes_left })}
      </p>
      <form onSubmit={onRegenerate} noValidate>
        <h2>{t('twoFactor.newCodes')}</h2>
        <p>{t('twoFactor.newCodesIntro')}</p>
        <ErrorAlert messages={regenerate.otherErrors(['code'])} />
        <AuthenticatorCodeField
          label={t('signIn.appCode')}
          value={code}
          onValue={setCode}
          errors={regenerate.fieldErrors('code')}
        />
        <SubmitButton busy={regenerate.busy}>{t('twoFactor.makeCodes')}</SubmitButton>
      </form>
      {status.can_disable ? (
        <form onSubmit={onDisable} noValidate>
          <h2>{t('twoFactor.turnOffTitle')}</h2>
          <ErrorAlert messages={disable.otherErrors(['password', 'code'])} />
          <TextField
            label={t('changeEmail.password')}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onValue={setPassword}
            errors={disable.fieldErrors('password')}
          />
          <TextField
            label={t('twoFactor.offCode')}
            autoComplete="one-time-code"
            required
            value={offCode}
            onValue={setOffCode}
            errors={disable.fieldErrors('code')}
          />
          <SubmitButton busy={disable.busy}>{t('twoFactor.turnOff')}</SubmitButton>
        </form>
      ) : (
        <p class="two-factor__hint">
          {t('twoFactor.mustKeep')}
        </p>
      )}
    </>
  );
}
