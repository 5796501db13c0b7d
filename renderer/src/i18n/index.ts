// vue-i18n for the whole window. Messages live in one file per feature and language,
// `locales/<lang>/<feature>.ts`, each exporting its messages as default; they are gathered here by
// file name, so a feature adds its words without touching this file. A key missing in the chosen
// language is recorded (and shown in English): the tests read `missingKeys` and fail on any.

import { createI18n, type LocaleMessageValue } from 'vue-i18n';

export const locales = ['en', 'hi'] as const;
export type Locale = (typeof locales)[number];

/** The language names as shown in the switcher, each in its own script. */
export const localeNames: Record<Locale, string> = { en: 'English', hi: 'हिन्दी' };

type Messages = Record<string, LocaleMessageValue>;
const files = import.meta.glob<{ default: LocaleMessageValue }>('./locales/*/*.ts', { eager: true });

function gather(): Record<Locale, Messages> {
  const all: Record<Locale, Messages> = { en: {}, hi: {} };
  for (const [path, mod] of Object.entries(files)) {
    const m = /^\.\/locales\/(\w+)\/([\w-]+)\.ts$/.exec(path);
    if (m === null || !(locales as readonly string[]).includes(m[1]!)) continue;
    all[m[1] as Locale][m[2]!] = mod.default;
  }
  return all;
}

/** Keys asked for that the current language lacks; exposed on window for the end-to-end tests. */
export const missingKeys = new Set<string>();

const STORAGE_KEY = 'raft-society.locale';

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'hi' || saved === 'en' ? saved : 'en';
}

const numberFormats = {
  integer: { style: 'decimal', maximumFractionDigits: 0 },
  decimal: { style: 'decimal', maximumFractionDigits: 1 },
  percent: { style: 'percent', maximumFractionDigits: 0 },
} as const;

const datetimeFormats = {
  time: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
  dateTime: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' },
} as const;

export const i18n = createI18n({
  // Composition mode (the only one vue-i18n 12 keeps); 11 still defaults to the legacy API.
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages: gather(),
  // Hindi numbers in the Indian grouping (1,00,000), written with Latin digits as Indian UIs do.
  numberFormats: { en: numberFormats, hi: numberFormats },
  datetimeFormats: { en: datetimeFormats, hi: datetimeFormats },
  missing: (locale, key) => {
    missingKeys.add(`${locale}:${key}`);
  },
  missingWarn: false,
  fallbackWarn: false,
});

/** Switch the language of every view at once, and remember it. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  localStorage.setItem(STORAGE_KEY, locale);
}
