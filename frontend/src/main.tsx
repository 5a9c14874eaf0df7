import { render } from 'preact';
import 'leaflet/dist/leaflet.css';
import './styles.css';
import { App } from './app';
import { registerServiceWorker } from './serviceWorker';

render(<App />, document.getElementById('app')!);
registerServiceWorker();
