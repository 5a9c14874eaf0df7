// "/speedwatch/letters" — a liaison's queue of letters to registered keepers and referrals
// for police action: download the batch for the mail merge or to print, then mark what
// was sent or done.

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { ActionResult } from '../components/ActionResult';
import { BackLink } from '../components/BackLink';
import { EmptyState } from '../components/EmptyState';
import { KeeperAddressUpload } from '../components/KeeperAddressUpload';
import { ErrorAlert, SelectField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { OffenceCard } from '../components/OffenceCard';
import { RequireSignIn } from '../components/RequireSignIn';
import { ShowMoreButton } from '../components/ShowMoreButton';
import { ACTION_LABELS, ACTION_STATUS_LABELS, formatDate, countOf, formatRegistration, plural } from '../format';
import { usePagedList, useSubmission, useTitle } from '../hooks';
import { navigate, useLocation } from '../router';
import type { ActionStatus, LetterAction, Me, QueueOffence } from '../api/schemas';
import { choiceParam } from '../queryParams';

const ACTION_CHOICES = [
  { value: '', label: 'All letters and referrals' },
  { value: 'first_letter', label: ACTION_LABELS.first_letter },
  { value: 'second_letter', label: ACTION_LABELS.second_letter },
  { value: 'police_action', label: ACTION_LABELS.police_action },
];

const STATUS_CHOICES = () => (['pending', 'sent', 'done'] as ActionStatus[]).map((status) => ({
  value: status,
  label: ACTION_STATUS_LABELS[status],
}));

export function LettersScreen() {
  useTitle('Letters');
  return (
    <>
      <BackLink />
      <h1 tabIndex={-1}>Letters</h1>
      <RequireSignIn>{(me) => <LetterQueue me={me} />}</RequireSignIn>
    </>
  );
}

function LetterQueue({ me }: { me: Me }) {
  const { query } = useLocation();
  const action = query.get('action') ?? '';
  const actionStatus = query.get('action_status') ?? 'pending';
  const [chosenAction, setChosenAction] = useState(action);
  const [chosenStatus, setChosenStatus] = useState(actionStatus);
  useEffect(() => {
    setChosenAction(action);
    setChosenStatus(actionStatus);
  }, [action, actionStatus]);

  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) =>
      api.letters({ action: choiceParam(action), action_status: choiceParam(actionStatus), page }, signal),
    [action, actionStatus],
  );
  const list = usePagedList<QueueOffence>(me.actions.work_letters ? fetchPage : null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // Letters marked here leave the list without a reload; the count follows them.
  const [marked, setMarked] = useState(0);
  useEffect(() => {
    setSelected(new Set());
    setMarked(0);
  }, [action, actionStatus]);
  const submission = useSubmission();
  const clearResult = submission.result.clear;
  useEffect(clearResult, [action, actionStatus]);

  const shownIds = useMemo(() => list.items.map((offence) => offence.id), [list.items]);
  const chosen = shownIds.filter((id) => selected.has(id));
  const allChosen = shownIds.length > 0 && chosen.length === shownIds.length;

  if (!me.actions.work_letters) return <p>The letters queue is for police liaison officers.</p>;

  const mark = (status: 'sent' | 'done') =>
    submission.run(async () => {
      if (!chosen.length) throw new Error('Select at least one letter first.');
      const result = await api.markLetters(chosen, status);
      const done = new Set(chosen);
      setSelected(new Set());
      if (status !== actionStatus) {
        setMarked((count) => count + done.size);
        list.update((items) => items.filter((item) => !done.has(item.id)));
      }
      // Said in the action bar, where the buttons are (or were, once the list is empty).
      return `${plural(result.updated, 'letter')} marked as ${status === 'sent' ? 'sent' : 'done'}.`;
    });
  const hasLetters = list.items.length > 0;

  const exportQuery = { action: choiceParam<LetterAction>(action) };
  return (
    <>
      <p>
        Letters to the registered keepers of vehicles recorded speeding in the {me.liaison?.force_name} area, oldest
        first, and referrals for police action.
      </p>
      <form
        class="filters"
        aria-label="Filter letters"
        onSubmit={(event) => {
          event.preventDefault();
          const params = new URLSearchParams();
          if (chosenAction) params.set('action', chosenAction);
          if (chosenStatus !== 'pending') params.set('action_status', chosenStatus);
          const text = params.toString();
          navigate(text ? `/speedwatch/letters?${text}` : '/speedwatch/letters');
        }}
      >
        <SelectField label="Letter" value={chosenAction} onValue={setChosenAction} choices={ACTION_CHOICES} />
        <SelectField label="Show" value={chosenStatus} onValue={setChosenStatus} choices={STATUS_CHOICES()} />
        <button type="submit" class="button button--primary button--wide">
          Show letters
        </button>
      </form>

      <section aria-labelledby="batch-heading" class="panel">
        <h2 id="batch-heading">Download the waiting batch</h2>
        <p>
          Every letter still waiting{action ? ` (${ACTION_LABELS[action as keyof typeof ACTION_LABELS]?.toLowerCase() ?? action})` : ''}:
          one letter per vehicle and stage, as a CSV for a mail merge or ready to print for a window envelope, addressed to each keeper you have added below (the others to the registered keeper, their name and address left blank for your lookup). Each download is recorded.
        </p>
        <div class="button-row">
          <a class="button button--secondary" href={api.lettersExportUrl(exportQuery, 'csv')} download>
            Download CSV
          </a>
          <a class="button button--secondary" href={api.lettersExportUrl(exportQuery, 'pdf')} download>
            Download PDF
          </a>
        </div>
        <KeeperAddressUpload />
      </section>

      <section aria-labelledby="queue-heading">
        <h2 id="queue-heading">{ACTION_STATUS_LABELS[actionStatus as ActionStatus] ?? 'Letters'}</h2>
        <p role="status" class="results__count">
          {list.loading
            ? 'Loading…'
            : list.error
              ? ''
              : `${list.countCapped ? countOf(list, 'letter') : plural(Math.max(0, list.count - marked), 'letter')}.`}
        </p>
        {list.loading ? (
          <Loading what="letters" />
        ) : (
          <>
            <ErrorAlert messages={list.error?.general ?? []} />
            {list.items.length === 0 && !list.error ? (
              <EmptyState>
                <p>{actionStatus === 'pending' ? 'No letters are waiting.' : 'Nothing to show.'}</p>
              </EmptyState>
            ) : (
              <>
                <label class="select-all">
                  <input
                    type="checkbox"
                    checked={allChosen}
                    onChange={(event) => setSelected(event.currentTarget.checked ? new Set(shownIds) : new Set())}
                  />
                  <span>Select all shown</span>
                </label>
                <ul class="card-list">
                  {list.items.map((offence) => (
                    <li key={offence.id}>
                      <OffenceCard
                        offence={offence}
                        where={`${offence.site_name}, ${offence.scheme.name}`}
                        lead={
                          <label class="select-letter">
                            <input
                              type="checkbox"
                              checked={selected.has(offence.id)}
                              onChange={(event) => {
                                const next = new Set(selected);
                                if (event.currentTarget.checked) next.add(offence.id);
                                else next.delete(offence.id);
                                setSelected(next);
                              }}
                            />
                            <span>
                              Select {formatRegistration(offence.registration)}, {offence.speed_mph} mph on{' '}
                              {formatDate(offence.observed_at)}
                            </span>
                          </label>
                        }
                      >
                        <p class="card__detail">
                          <a href={`/speedwatch/sessions/${offence.session}`}>Session at {offence.site_name}</a>
                        </p>
                      </OffenceCard>
                    </li>
                  ))}
                </ul>
              </>
            )}
            {/* After the list and sticky, so it stays at the foot of the screen while the list scrolls by;
                it stays once the list is emptied, to say what was done. */}
            {(hasLetters || marked > 0) && (
              <div class="selection-bar" role="group" aria-label="Selected letters">
                <ActionResult result={submission.result} />
                {hasLetters && (
                  <p class="selection-bar__count" aria-live="polite">
                    {chosen.length} selected
                  </p>
                )}
                <ErrorAlert messages={submission.error ? submission.otherErrors([]) : []} />
                {hasLetters && (
                  <div class="selection-bar__buttons">
                    {actionStatus !== 'sent' && (
                      <button
                        type="button"
                        class="button button--primary"
                        aria-disabled={submission.busy ? 'true' : undefined}
                        onClick={() => mark('sent')}
                      >
                        Mark as sent
                      </button>
                    )}
                    {actionStatus !== 'done' && (
                      <button
                        type="button"
                        class="button button--secondary"
                        aria-disabled={submission.busy ? 'true' : undefined}
                        onClick={() => mark('done')}
                      >
                        Mark as done
                      </button>
                    )}
                  </div>
                )}
              </div>
            )}
            <ShowMoreButton list={list} noun="letters" />
          </>
        )}
      </section>
    </>
  );
}
