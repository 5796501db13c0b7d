// vue-i18n for the whole window. Messages live in one file per feature and language,
// `locales/<lang>/<feature>.ts`, each exporting its messages as default; they are gathered here by
// file name, so a feature adds its words without touching this file. A key missing in the chosen
// language is recorded (and shown in English): the tests read `missingKeys` and fail on any.
//
// How the Hindi is written (keep to it when adding words):
// - Society words in plain Hindi, Devanagari: अध्यक्ष (chairman), सदस्य (member), चुनाव (election),
//   मतपत्र (ballot), कार्यवृत्त (minutes), प्रविष्टि (entry), पक्का (committed), सोसाइटी.
// - The Raft word beside it, as the English UI does, transliterated into Devanagari the way Indian
//   engineers say it: लीडर, फ़ॉलोअर, कैंडिडेट, टर्म, कमिट, लॉग, हार्टबीट, प्री-वोट, स्नैपशॉट.
// - Latin script only for literal identifiers a learner would type or meet in code or in the OS:
//   signals (SIGKILL, SIGSTOP, SIGCONT), the protocol switches as the API names them (PreVote,
//   CheckQuorum), shell commands, and the building letters (A, B, C, as painted on the buildings).
//   Error details written by the server stay as it wrote them, after a translated sentence.
// - Digits are Latin (the international form of Indian numerals, as Indian apps and forms use), and
//   numbers are grouped the Indian way in Hindi (1,00,000): Intl does this for the locale 'hi'.
//   English keeps the international grouping (100,000). Times are 24-hour in both.

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

/** Keys asked for that the current language lacks ("hi:books.title"). */
export const missingKeys = new Set<string>();

const STORAGE_KEY = 'raft-society.locale';

function isLocale(value: unknown): value is Locale {
  return (locales as readonly unknown[]).includes(value);
}

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  return isLocale(saved) ? saved : 'en';
}

const numberFormats = {
  integer: { style: 'decimal', maximumFractionDigits: 0 },
  decimal: { style: 'decimal', maximumFractionDigits: 1 },
  percent: { style: 'percent', maximumFractionDigits: 0 },
} as const;

const datetimeFormats = {
  time: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
  dateTime: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
} as const;

/**
 * Load the bundled fonts' faces a language needs before it is shown. They are fetched only when
 * first needed (by unicode-range), and Chromium keeps text drawn while a face was still loading in
 * the fallback it used then, which for Devanagari in the monospace Raft words is empty boxes.
 */
async function fontsFor(locale: Locale): Promise<void> {
  if (locale !== 'hi') return;
  const faces = ['Noto Sans', 'Noto Sans Devanagari'].flatMap((family) =>
    [400, 700].map((weight) => `${weight} 1em "${family}"`),
  );
  await Promise.all(faces.map((face) => document.fonts.load(face, 'हिन्दी').catch(() => [])));
}

const startLocale = initialLocale();
await fontsFor(startLocale);

export const i18n = createI18n({
  // Composition mode (the only one vue-i18n 12 keeps); 11 still defaults to the legacy API.
  legacy: false,
  locale: startLocale,
  fallbackLocale: 'en',
  messages: gather(),
  numberFormats: { en: numberFormats, hi: numberFormats },
  datetimeFormats: { en: datetimeFormats, hi: datetimeFormats },
  missing: (locale, key) => {
    missingKeys.add(`${locale}:${key}`);
  },
  missingWarn: false,
  fallbackWarn: false,
});

/** The page's language and title follow the chosen language (screen readers and fonts read `lang`). */
function applyLocale(locale: Locale): void {
  document.documentElement.lang = locale;
  document.title = i18n.global.t('app.documentTitle');
}
applyLocale(i18n.global.locale.value);

/** Switch the language of every view at once (once its fonts are there), and remember it. */
export async function setLocale(locale: Locale): Promise<void> {
  await fontsFor(locale);
  i18n.global.locale.value = locale;
  applyLocale(locale);
  localStorage.setItem(STORAGE_KEY, locale);
}

// A read-only diagnostic for the end-to-end tests (test/e2e/i18n.test.ts): the keys that were
// missing so far. It changes nothing and reveals only message keys.
Object.defineProperty(window, 'raftSocietyI18n', {
  value: Object.freeze({ missingKeys: (): string[] => [...missingKeys].sort() }),
  enumerable: false,
  configurable: true, // the dev server's hot reload runs this module again
});
