// "/alerts/approval-settings" — which alerts of a liaison's force need a second liaison's
// approval before they are sent: those reaching more than a number of people, those reaching
// every scheme of the force, those of a severity and above. Any one is enough; none, and
// every alert goes as soon as it is published.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, approvalApi } from '../api';
import { BackLink } from '../components/BackLink';
import { CheckboxField, ErrorAlert, SelectField, TextField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { SEVERITIES, SEVERITY_LABELS } from '../format';
import { asApiError, clearFieldErrors, useSubmission, useTitle } from '../hooks';
import { ActionResult } from '../components/ActionResult';
import { t } from '../i18n';
import type { AlertApprovalPolicy, Me, Severity } from '../api/schemas';

export function ApprovalSettingsScreen() {
  const title = t('approval.settings.title');
  useTitle(title);
  return (
    <>
      <BackLink href="/alerts/issued" label={t('inbox.forceAlerts')} />
      <h1 tabIndex={-1}>{title}</h1>
      <RequireSignIn>{(me) => <Settings me={me} />}</RequireSignIn>
    </>
  );
}

function Settings({ me }: { me: Me }) {
  const [policy, setPolicy] = useState<AlertApprovalPolicy | null>(null);
  const [error, setError] = useState<string[]>([]);
  useEffect(() => {
    if (!me.actions.approve_alerts) return;
    const abort = new AbortController();
    approvalApi.policy(abort.signal).then(
      (loaded) => !abort.signal.aborted && setPolicy(loaded),
      (problem) => !abort.signal.aborted && setError([asApiError(problem).message]),
    );
    return () => abort.abort();
  }, [me.id]);
  if (!me.actions.approve_alerts) return <p>{t('approval.settings.notALiaison')}</p>;
  if (!policy) return error.length ? <ErrorAlert messages={error} /> : <Loading />;
  return <PolicyForm policy={policy} force={me.liaison?.force_name ?? ''} />;
}

function PolicyForm({ policy, force }: { policy: AlertApprovalPolicy; force: string }) {
  const submission = useSubmission();
  const [threshold, setThreshold] = useState(policy.recipients_threshold === null ? '' : String(policy.recipients_threshold));
  const [forceWide, setForceWide] = useState(policy.force_wide);
  const [severity, setSeverity] = useState<string>(policy.min_severity ?? '');
  const errorsFor = submission.fieldErrors;
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submission.run(async () => {
          const number = threshold.trim() === '' ? null : Number(threshold.trim());
          if (number !== null && (!Number.isInteger(number) || number < 0)) {
            throw new ApiError(400, { recipients_threshold: [t('approval.settings.thresholdProblem')] }, []);
          }
          await approvalApi.savePolicy({
            recipients_threshold: number,
            force_wide: forceWide,
            min_severity: (severity || null) as Severity | null,
          });
          return t('approval.settings.saved');
        });
      }}
    >
      <p>{t('approval.settings.intro', { force })}</p>
      <ErrorAlert messages={submission.otherErrors(['recipients_threshold', 'force_wide', 'min_severity'])} />
      <TextField
        label={t('approval.settings.threshold')}
        hint={t('approval.settings.thresholdHint')}
        inputMode="numeric"
        value={threshold}
        onValue={(value) => {
          setThreshold(value);
          clearFieldErrors(submission, 'recipients_threshold');
        }}
        errors={errorsFor('recipients_threshold')}
      />
      <CheckboxField
        label={t('approval.settings.forceWide')}
        hint={t('approval.settings.forceWideHint')}
        checked={forceWide}
        onChecked={setForceWide}
      />
      <SelectField
        label={t('approval.settings.severity')}
        hint={t('approval.settings.severityHint')}
        value={severity}
        onValue={(value) => {
          setSeverity(value);
          clearFieldErrors(submission, 'min_severity');
        }}
        placeholder={t('approval.settings.noSeverity')}
        choices={SEVERITIES.filter((value) => value !== 'Unknown').map((value) => ({ value, label: SEVERITY_LABELS[value] }))}
        errors={errorsFor('min_severity')}
      />
      <button type="submit" class="button button--primary" aria-disabled={submission.busy ? 'true' : undefined}>
        {t('approval.settings.save')}
      </button>
      <ActionResult result={submission.result} />
    </form>
  );
}
