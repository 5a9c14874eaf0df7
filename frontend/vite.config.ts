import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// Django serves the built files under /static/ (whitenoise) and serves
// dist/index.html itself for every non-API path. The dev server keeps the
// root base so that client-side paths such as /schemes/4 work there too.
export default defineConfig(({ command }) => ({
  base: command === 'build' ? '/static/' : '/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      // Keep the browser's Host header so Django's CSRF origin check sees the same origin.
      '/api': { target: process.env.PATCHWATCH_API ?? 'http://127.0.0.1:8000', changeOrigin: false },
    },
  },
}));
