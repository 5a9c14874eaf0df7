// A small map of one scheme's area on its page.

import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import type { SchemeSummary } from '../api/schemas';
import type { Config } from '../session';
import { createMap, fitTo, schemeLayer } from './mapLayers';
import { t } from '../i18n';

export function AreaMap({ config, scheme }: { config: Config; scheme: SchemeSummary }) {
  const element = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!element.current) return;
    // One-finger dragging would trap the page scroll on a phone.
    const map = createMap(element.current, config, { dragging: !L.Browser.mobile });
    const group = L.featureGroup().addTo(map);
    schemeLayer(scheme, false)?.addTo(group);
    fitTo(map, group, 16);
    return () => map.remove();
  }, [config, scheme.id, scheme.lat, scheme.lon, scheme.radius_m, scheme.boundary]);

  return <div ref={element} class="map map--small" role="region" aria-label={t('maps.schemeArea', { name: scheme.name })} />;
}
