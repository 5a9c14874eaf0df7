// Alert templates and a second liaison's approval: the placeholders a template's words hold,
// and where an alert stands with its approval. The rules stay on the server (which refuses
// to send an alert with a placeholder left, and says who may approve what); this only finds
// what is written in braces, to point the sender at it before they send.

import { useEffect, useState } from 'preact/hooks';
import { approvalApi } from './api';
import type { AlertPlaceholder } from './api/schemas';

// Anything in braces on one line, short enough to be a word or two: as the server reads it.
const PLACEHOLDER = /\{[^{}\n]{1,40}\}/g;

/** The placeholders in the texts, each once, in order, as written ("{place}"). */
export function placeholdersIn(...texts: string[]): string[] {
  return [...new Set(texts.flatMap((text) => text.match(PLACEHOLDER) ?? []))];
}

let guide: Promise<AlertPlaceholder[]> | null = null;

/** What goes in place of each placeholder, in the app's language: asked once. */
export function usePlaceholderGuide(wanted: boolean): AlertPlaceholder[] {
  const [known, setKnown] = useState<AlertPlaceholder[]>([]);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    guide ??= approvalApi.placeholders().catch((error) => {
      guide = null;
      throw error;
    });
    guide.then(
      (loaded) => live && setKnown(loaded),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [wanted]);
  return known;
}
