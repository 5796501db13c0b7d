// Vite builds the renderer (renderer/ -> out/renderer) for both doors: Electron loads it from
// file:// (hence the relative base) and `npm run web` serves it. Everything it needs is bundled,
// fonts included, so no request ever leaves the app. The Content-Security-Policy in index.html is
// strict; only the dev server (`npx vite`) relaxes it, for its injected styles and HMR socket.

import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

const rendererRoot = fileURLToPath(new URL('./renderer', import.meta.url));
export const rendererOutDir = fileURLToPath(new URL('./out/renderer', import.meta.url));

/** In dev only: allow Vite's injected <style> tags and its HMR WebSocket. Builds keep the strict policy. */
function devCsp(): Plugin {
  return {
    name: 'raft-society-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws: http://localhost:*"),
  };
}

// `npx vite` serves the renderer with hot reload; point it at a running `npm run web` for the API.
const apiTarget = process.env.RAFT_SOCIETY_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [vue(), devCsp()],
  // vue-i18n's composition API only; its runtime compiles messages without eval (the CSP forbids it).
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: rendererOutDir,
    emptyOutDir: true,
    // Fonts and images as files: the policy allows font-src 'self' only, not data: fonts.
    assetsInlineLimit: 0,
    target: 'chrome130',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': {
        target: apiTarget,
        ws: true,
        changeOrigin: true,
        // The API refuses other origins; the dev server is a proxy of the same machine.
        headers: { origin: apiTarget },
      },
    },
  },
});
