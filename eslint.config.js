// @ts-check
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

// Prettier owns formatting, so the template layout rules of eslint-plugin-vue are switched off.
const vueLayoutRulesOff = Object.fromEntries(
  Object.entries(pluginVue.rules)
    .filter(([, rule]) => rule.meta?.type === 'layout')
    .map(([name]) => [`vue/${name}`, /** @type {const} */ ('off')]),
);

export default defineConfig(
  globalIgnores(['**/node_modules/', 'dist/', 'out/', 'release/', 'test-artifacts/']),

  js.configs.recommended,

  // Type-aware rules for TypeScript and Vue single-file components. The project service
  // finds each file's project through tsconfig.json and its references.
  {
    files: ['**/*.ts', '**/*.vue'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // `!` is used sparingly where an invariant guarantees a value.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `return handle(m);` inside a void function is a normal way to end a switch branch.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreVoidReturningFunctions: true }],
      // node:test's test() and describe() return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after'] },
          ],
        },
      ],
    },
  },

  {
    files: ['**/*.vue'],
    extends: [pluginVue.configs['flat/recommended']],
    languageOptions: {
      parser: vueParser,
      parserOptions: {
        parser: tseslint.parser,
        sourceType: 'module',
      },
    },
    rules: vueLayoutRulesOff,
  },

  // Electron main process, node child processes, tests and scripts.
  {
    files: ['main/**', 'test/**', 'scripts/**', '*.js'],
    languageOptions: { globals: globals.node },
  },

  // The sandboxed preload and the renderer run in Chromium.
  {
    files: ['preload/**', 'renderer/**'],
    languageOptions: { globals: globals.browser },
  },
);
