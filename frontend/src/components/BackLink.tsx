import { t } from '../i18n';

/** The way back up from a screen to the one above it, over its heading (the speedwatch hub unless told). */
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
