// The renderer's entry: the browser door (a no-op under Electron, whose preload came first), the
// bundled fonts, the stores, the app.

import { installBrowserBridge } from './bridge/browser-bridge.ts';
import '@fontsource/noto-sans/400.css';
import '@fontsource/noto-sans/700.css';
import '@fontsource/noto-sans-devanagari/400.css';
import '@fontsource/noto-sans-devanagari/700.css';
import './styles.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './components/App.vue';
import { i18n } from './i18n/index.ts';

installBrowserBridge();
createApp(App).use(createPinia()).use(i18n).mount('#app');
