// For tools that read TypeScript without Vue's language tools (ESLint's type-aware rules):
// vue-tsc itself resolves the real components.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
