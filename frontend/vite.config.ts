import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';

// Django serves the built files under /static/ (whitenoise) and serves
// dist/index.html itself for every non-API path. The dev server keeps the
// root base so that client-side paths such as /schemes/4 work there too.
export default defineConfig(({ command }) => ({
  base: command === 'build' ? '/static/' : '/',
  plugins: [
    preact(),
    // Offline and installable: vite-plugin-pwa writes the web app manifest (and links it
    // from index.html) and builds src/sw.ts with Workbox, injecting the list of built files
    // to precache. The worker is served by Django from /sw.js so that its scope is the whole
    // site, while the files it precaches live under /static/.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // src/serviceWorker.ts registers it (from /, not /static/) and offers updates.
      injectRegister: false,
      registerType: 'prompt',
      scope: '/',
      manifestFilename: 'manifest.webmanifest',
      // The icons are found by the glob below.
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'Patchwatch',
        short_name: 'Patchwatch',
        description:
          'Community watch schemes near you: Neighbourhood Watch, Community Speedwatch and Countryside Watch alerts, sessions and sign-ups.',
        lang: 'en-GB',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        theme_color: '#0b3a66',
        background_color: '#ffffff',
        categories: ['social', 'utilities'],
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // Every built file the app needs (not the source maps); the plugin adds the manifest.
        // The list holds paths inside dist/: src/sw.ts puts them under /static/.
        globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
        globIgnores: ['sw.js', 'icons/apple-touch-icon.png'],
        rollupFormat: 'iife',
        // The worker is small and plain; a source map beside it would only be fetched by DevTools.
        sourcemap: false,
      },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // dist/.vite/manifest.json names the built files, so the server's own pages (a public
    // alert) link the app's stylesheet instead of keeping a copy of its look.
    manifest: true,
  },
  server: {
    proxy: {
      // Keep the browser's Host header so Django's CSRF origin check sees the same origin.
      '/api': { target: process.env.PATCHWATCH_API ?? 'http://127.0.0.1:8000', changeOrigin: false },
    },
  },
}));
