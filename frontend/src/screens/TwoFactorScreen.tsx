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

export function TwoFactorScreen({ forced = false }: { forced?: boolean }) {
  useTitle(forced ? 'Set up two-factor sign-in' : 'Two-factor sign-in');
  return (
    <section class="narrow two-factor">
      {!forced && <BackLink href="/profile" label="Profile" />}
      <h1 tabIndex={-1}>{forced ? 'Set up two-factor sign-in' : 'Two-factor sign-in'}</h1>
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
        Could not load your two-factor settings.{' '}
        <button type="button" class="button button--small button--secondary" onClick={load}>
          Try again
        </button>
      </p>
    );
  }
  if (!status) return <Loading what="your two-factor settings" />;
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
            Police liaisons and staff must sign in with a code from an authenticator app on their phone as well as
            their password. Set it up now to carry on.
          </p>
        ) : (
          <p>
            Two-factor sign-in asks for a code from an authenticator app on your phone each time you sign in, so your
            password alone is not enough to get into your account.
          </p>
        )}
        <p>You need an authenticator app, such as Google Authenticator, Microsoft Authenticator or FreeOTP.</p>
        <ErrorAlert messages={start.otherErrors(['password'])} />
        <TextField
          label="Your password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onValue={setPassword}
          errors={start.fieldErrors('password')}
        />
        <SubmitButton busy={start.busy}>Set up two-factor sign-in</SubmitButton>
      </form>
    );
  }

  return (
    <form onSubmit={onConfirm} noValidate>
      <h2>1. Add Patchwatch to your authenticator app</h2>
      <p>
        On this phone: <a href={enrolment.otpauth_uri}>open the authenticator app</a>. On a computer: scan the code
        with your phone.
      </p>
      <img class="two-factor__qr" src={enrolment.qr_svg} alt="QR code to scan with your authenticator app" width={200} height={200} />
      <p id="two-factor-key-label">Or type this key into the app (time-based):</p>
      <p class="two-factor__secret" aria-describedby="two-factor-key-label">
        {groupSecret(enrolment.secret)}
      </p>
      <h2>2. Enter the code it shows</h2>
      <ErrorAlert messages={confirm.otherErrors(['code'])} />
      <AuthenticatorCodeField
        label="6-digit code"
        value={code}
        onValue={setCode}
        errors={confirm.fieldErrors('code')}
      />
      <SubmitButton busy={confirm.busy}>Turn on two-factor sign-in</SubmitButton>
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
    goWithMessage('/', 'Two-factor sign-in is on.');
  };

  return (
    <div>
      <h2>Your recovery codes</h2>
      <p>
        If you lose your phone, each of these codes signs you in once instead of a code from the app. Write them down
        or save them somewhere safe now: they are not shown again.
      </p>
      <ul class="two-factor__codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" class="button button--primary button--wide" disabled={busy} onClick={done}>
        I have saved my recovery codes
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
        Two-factor sign-in is on. {status.recovery_codes_left} of 10 recovery codes left.
      </p>
      <form onSubmit={onRegenerate} noValidate>
        <h2>New recovery codes</h2>
        <p>Makes ten new codes; the old ones stop working.</p>
        <ErrorAlert messages={regenerate.otherErrors(['code'])} />
        <AuthenticatorCodeField
          label="Code from your authenticator app"
          value={code}
          onValue={setCode}
          errors={regenerate.fieldErrors('code')}
        />
        <SubmitButton busy={regenerate.busy}>Make new recovery codes</SubmitButton>
      </form>
      {status.can_disable ? (
        <form onSubmit={onDisable} noValidate>
          <h2>Turn off two-factor sign-in</h2>
          <ErrorAlert messages={disable.otherErrors(['password', 'code'])} />
          <TextField
            label="Your password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onValue={setPassword}
            errors={disable.fieldErrors('password')}
          />
          <TextField
            label="Code from your app, or a recovery code"
            autoComplete="one-time-code"
            required
            value={offCode}
            onValue={setOffCode}
            errors={disable.fieldErrors('code')}
          />
          <SubmitButton busy={disable.busy}>Turn off</SubmitButton>
        </form>
      ) : (
        <p class="two-factor__hint">
          Police liaisons and staff must keep two-factor sign-in on. If you lose your phone and your recovery codes, ask
          Patchwatch staff to reset it.
        </p>
      )}
    </>
  );
}
