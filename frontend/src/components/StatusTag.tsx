import type { ComponentChildren } from 'preact';

/** A coloured tag for a state: site approval, session, letter, upload. */
export function StatusTag({ tone, children }: { tone: string; children: ComponentChildren }) {
  return <span class={`status-tag status-tag--${tone}`}>{children}</span>;
}
