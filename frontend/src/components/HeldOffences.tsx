// Offences the letters batch holds back for their vehicle: the make or colour recorded differs
// from the DVLA's record, or the DVLA has no such vehicle. Each says why, with what was
// recorded beside what the register says, and two ways on: confirm it as recorded (it joins
// the batch) or correct the registration, make or colour (it is checked again).

import { useCallback, useState } from 'preact/hooks';
import { api } from '../api';
import type { HeldOffence } from '../api/schemas';
import { formatDateTime, formatRegistration } from '../format';
import { usePagedList, useSubmission } from '../hooks';
import { t } from '../i18n';
import { ActionResult } from './ActionResult';
import { ErrorAlert, SubmitButton, TextField } from './FormField';
import { RegistrationPlate } from './RegistrationPlate';
import { ShowMoreButton } from './ShowMoreButton';

function described(make: string, colour: string): string {
  const parts = [make, colour].map((part) => part.trim()).filter(Boolean);
  return parts.length ? parts.join(', ') : t('vehicles.check.nothingRecorded');
}

export function HeldOffences({ onDecided }: { onDecided: () => void }) {
  const fetchPage = useCallback(
    (page: number, signal: AbortSignal) => api.heldOffences({ page }, signal),
    [],
  );
  const list = usePagedList<HeldOffence>(fetchPage);
  // Said once the card has gone from the list.
  const [said, setSaid] = useState('');
  if (list.loading || (!list.items.length && !said && !list.error)) return null;

  const decided = (offence: HeldOffence, message: string) => {
    list.update((items) => items.filter((item) => item.id !== offence.id));
    setSaid(message);
    onDecided();
  };

  return (
    <section aria-labelledby="held-heading" class="panel held-offences">
      <h2 id="held-heading">{t('vehicles.held.heading')}</h2>
      <p>{t('vehicles.held.intro')}</p>
      <p role="status" class="results__count">
        {said}
      </p>
      <ErrorAlert messages={list.error?.general ?? []} />
      <ul class="card-list">
        {list.items.map((offence) => (
          <li key={offence.id}>
            <HeldOffenceCard offence={offence} onDecided={decided} />
          </li>
        ))}
      </ul>
      <ShowMoreButton list={list} noun={t('vehicles.held.noun')} />
    </section>
  );
}

function HeldOffenceCard({
  offence,
  onDecided,
}: {
  offence: HeldOffence;
  onDecided: (offence: HeldOffence, message: string) => void;
}) {
  const confirm = useSubmission();
  const correct = useSubmission();
  const [registration, setRegistration] = useState(offence.registration);
  const [make, setMake] = useState(offence.make);
  const [colour, setColour] = useState(offence.colour);
  const plate = formatRegistration(offence.registration);
  const notFound = offence.vehicle_check === 'not_found';

  return (
    <article class="card held-offence" aria-labelledby={`held-${offence.id}`}>
      <h3 class="card__title" id={`held-${offence.id}`}>
        <RegistrationPlate registration={offence.registration} />{' '}
        <span class="offence-card__speed">{t('vehicles.held.mph', { n: offence.speed_mph })}</span>
      </h3>
      <p class="notice notice--pending">
        {notFound ? t('vehicles.held.reasonNotFound') : t('vehicles.held.reasonMismatch')}
      </p>
      <dl class="card__facts">
        <div>
          <dt>{t('vehicles.held.when')}</dt>
          <dd>{formatDateTime(offence.observed_at)}</dd>
        </div>
        <div>
          <dt>{t('vehicles.held.where')}</dt>
          <dd>{`${offence.site_name}, ${offence.scheme.name}`}</dd>
        </div>
        <div>
          <dt>{t('vehicles.held.recorded')}</dt>
          <dd>{described(offence.make, offence.colour)}</dd>
        </div>
        <div>
          <dt>{t('vehicles.held.registered')}</dt>
          <dd>
            {notFound
              ? t('vehicles.held.noRecord')
              : described(offence.registered_make, offence.registered_colour)}
          </dd>
        </div>
      </dl>
      {offence.actions.confirm && (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            confirm.run(async () => {
              await api.decideVehicle(offence.id, { decision: 'confirm' });
              onDecided(offence, t('vehicles.held.confirmed', { registration: plate }));
            });
          }}
        >
          <ErrorAlert messages={confirm.otherErrors([])} />
          <SubmitButton busy={confirm.busy} class="button button--secondary">
            {t('vehicles.held.confirm')}
          </SubmitButton>
          <ActionResult result={confirm.result} />
        </form>
      )}
      {offence.actions.correct && (
        <details class="held-offence__correct">
          <summary>{t('vehicles.held.correct')}</summary>
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              correct.run(async () => {
                const changed = await api.decideVehicle(offence.id, {
                  decision: 'correct',
                  registration,
                  make: make.trim(),
                  colour: colour.trim(),
                });
                onDecided(
                  offence,
                  t('vehicles.held.corrected', { registration: formatRegistration(changed.registration) }),
                );
              });
            }}
          >
            <ErrorAlert messages={correct.otherErrors(['registration', 'make', 'colour'])} />
            <TextField
              label={t('vehicles.held.registration')}
              autoComplete="off"
              autoCapitalize="characters"
              spellcheck={false}
              maxLength={12}
              value={registration}
              onValue={setRegistration}
              errors={correct.fieldErrors('registration')}
            />
            <TextField
              label={t('vehicles.held.make')}
              autoComplete="off"
              maxLength={40}
              value={make}
              onValue={setMake}
              errors={correct.fieldErrors('make')}
            />
            <TextField
              label={t('vehicles.held.colour')}
              autoComplete="off"
              maxLength={30}
              value={colour}
              onValue={setColour}
              errors={correct.fieldErrors('colour')}
            />
            <SubmitButton busy={correct.busy}>{t('vehicles.held.saveCorrection')}</SubmitButton>
            <ActionResult result={correct.result} />
          </form>
        </details>
      )}
    </article>
  );
}
