// Patchwatch's accessibility fixes for what Django's admin scripts draw (loaded by core's
// admin/base_site.html). The "filter" icons of a filter_horizontal box are spans with an
// aria-label but no role, which assistive technology may ignore: they are images. The
// changelist's search box is labelled only by a magnifying glass picture: it gets its name.
'use strict';
{
  const fix = (root) => {
    for (const icon of root.querySelectorAll('span.help-tooltip[aria-label]:not([role])')) {
      icon.setAttribute('role', 'img');
    }
    const search = root.querySelector('#searchbar:not([aria-label])');
    const glass = document.querySelector('label[for="searchbar"] img[alt]');
    if (search && glass) search.setAttribute('aria-label', glass.alt);
  };
  const watch = () => {
    fix(document);
    new MutationObserver(() => fix(document)).observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch);
  else watch();
}
