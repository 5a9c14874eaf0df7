/** The way back up from a speedwatch screen, above its heading. */
export function BackLink({ href = '/speedwatch', label = 'Speedwatch' }: { href?: string; label?: string }) {
  return (
    <p class="back-link">
      <a href={href}>
        <span aria-hidden="true">← </span>
        {label}
      </a>
    </p>
  );
}
