import type { ComponentChildren } from 'preact';
import { formatDistance, formatNumber, kindLabel, SHORT_STATUS_LABELS } from '../format';
import type { SchemeSummary } from '../api/schemas';
import { t } from '../i18n';

export function KindTag({ kind, display }: { kind: string; display?: string }) {
  return <span class={`kind-tag kind-tag--${kind}`}>{kindLabel(kind, display)}</span>;
}

/** One scheme in a list: its name links to the scheme's page. */
export function SchemeCard({
  scheme,
  headingLevel = 3,
  children,
}: {
  scheme: SchemeSummary;
  headingLevel?: 2 | 3;
  children?: ComponentChildren;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const distance = formatDistance(scheme.distance_m);
  return (
    <article class="card scheme-card">
      <Heading class="card__title">
        <a href={`/schemes/${scheme.id}`}>{scheme.name}</a>
      </Heading>
      <p class="card__meta">
        <KindTag kind={scheme.kind} display={scheme.kind_display} />
        {scheme.status !== 'active' && (
          <span class={`status-tag status-tag--${scheme.status}`}>{SHORT_STATUS_LABELS[scheme.status]}</span>
        )}
      </p>
      <dl class="card__facts">
        {distance && (
          <div>
            <dt>{t('schemeCard.distance')}</dt>
            <dd>{distance}</dd>
          </div>
        )}
        <div>
          <dt>{t('schemeCard.members')}</dt>
          <dd>{t('schemeCard.memberCount', { count: scheme.member_count, n: formatNumber(scheme.member_count) })}</dd>
        </div>
        {scheme.force_name && (
          <div>
            <dt>{t('schemeCard.force')}</dt>
            <dd>{scheme.force_name}</dd>
          </div>
        )}
      </dl>
      {children}
    </article>
  );
}
