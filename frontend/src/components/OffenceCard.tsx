import type { ComponentChildren } from 'preact';
import { ACTION_LABELS, ACTION_STATUS_LABELS, DISPUTE_LABELS, formatDateTime, formatNumber } from '../format';
import { t } from '../i18n';
import { isWholeOffence, type SessionOffence } from '../api/schemas';
import { vehicleDescription } from './LoggedOffences';
import { RegistrationPlate } from './RegistrationPlate';
import { StatusTag } from './StatusTag';

/**
 * One recorded offence. Volunteers get the registration masked and nothing about letters;
 * coordinators and liaisons see the letter it earned and any dispute, once its session is
 * submitted (until then the server gives no action, and none is shown).
 */
export function OffenceCard({
  offence,
  where,
  headingLevel = 3,
  lead,
  children,
}: {
  offence: SessionOffence;
  /** The site and scheme, in lists that mix sessions. */
  where?: string;
  headingLevel?: 2 | 3;
  /** Shown straight under the heading: a checkbox to select it, say. */
  lead?: ComponentChildren;
  children?: ComponentChildren;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const whole = isWholeOffence(offence) ? offence : undefined;
  return (
    <article class={`card offence-card${offence.voided ? ' offence-card--voided' : ''}`}>
      <Heading class="card__title">
        <RegistrationPlate registration={offence.registration} /> <span class="offence-card__speed">{t('offenceCard.mph', { n: formatNumber(offence.speed_mph) })}</span>
      </Heading>
      {lead}
      <dl class="card__facts">
        <div>
          <dt>{t('offenceCard.when')}</dt>
          <dd>{formatDateTime(offence.observed_at)}</dd>
        </div>
        {where && (
          <div>
            <dt>{t('offenceCard.where')}</dt>
            <dd>{where}</dd>
          </div>
        )}
        <div>
          <dt>{t('offenceCard.limit')}</dt>
          <dd>{t('offenceCard.mph', { n: formatNumber(offence.speed_limit_mph) })}</dd>
        </div>
        <div>
          <dt>{t('offenceCard.vehicle')}</dt>
          <dd>{vehicleDescription(offence)}</dd>
        </div>
        {whole?.action && (
          <div>
            <dt>{t('offenceCard.action')}</dt>
            <dd>
              {ACTION_LABELS[whole.action] ?? whole.action_display}
              {whole.action !== 'none' && whole.action_status && `: ${ACTION_STATUS_LABELS[whole.action_status].toLowerCase()}`}
            </dd>
          </div>
        )}
        {whole?.dispute_outcome && whole.dispute_outcome !== 'none' && (
          <div>
            <dt>{t('offenceCard.dispute')}</dt>
            <dd>
              {DISPUTE_LABELS[whole.dispute_outcome]}
              {whole.dispute_note && `. ${whole.dispute_note}`}
            </dd>
          </div>
        )}
      </dl>
      {offence.voided && (
        <p class="card__meta">
          <StatusTag tone="voided">{t('offenceCard.voided')}</StatusTag>
        </p>
      )}
      {whole?.submitted === false && (
        <p class="card__meta">
          <StatusTag tone="draft">{t('offenceCard.notSubmitted')}</StatusTag>
        </p>
      )}
      {children}
    </article>
  );
}
