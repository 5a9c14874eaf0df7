import { t } from '../i18n';

/** The way back up from a speedwatch screen, above its heading. */
export function BackLink({ href = '/speedwatch', label = t('nav.speedwatch') }: { href?: string; label?: string }) {
  return (
    <p class="back-link">
      <a href={href}>
        <span aria-hidden="true">← </span>
        {label}
      </a>
    </p>
  );
}
