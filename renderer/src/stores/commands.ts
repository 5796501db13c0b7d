// Every command goes through window.raftSociety.execute, here: what is running (so its button can
// say so) and what failed (shown until dismissed, in words, with the API's status and reason).

import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { CommandInput, CommandName, CommandResult } from '../../../main/shared/contract.ts';
import { i18n } from '../i18n/index.ts';
import { commandWords, text } from '../text.ts';
import { useSessionStore } from './session.ts';

export interface Failure {
  readonly id: number;
  readonly message: string;
}

const SHOW_FAILURES = 4;

function errorOf(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') return body.error;
  return JSON.stringify(body);
}

export const useCommandsStore = defineStore('commands', () => {
  /** Keys of the commands running now, e.g. "node.crash:3". */
  const running = reactive(new Set<string>());
  const failures = ref<Failure[]>([]);
  const session = useSessionStore();
  let nextId = 1;

  function fail(message: string): void {
    failures.value = [{ id: nextId++, message }, ...failures.value].slice(0, SHOW_FAILURES);
  }

  function dismiss(id: number): void {
    failures.value = failures.value.filter((f) => f.id !== id);
  }

  /**
   * Run a command; a failure is shown (and returned, for callers that show results). `key` marks
   * it as running, e.g. to disable its button; it defaults to the command's name.
   */
  async function run<C extends CommandName>(
    name: C,
    input: CommandInput<C>,
    key: string = name,
  ): Promise<CommandResult> {
    const api = window.raftSociety;
    if (api === undefined) {
      fail(text.app.noDoor);
      return { status: 503, body: { error: text.app.noDoor } };
    }
    // A viewer's commands would be refused (403): say why here instead of asking.
    if (session.viewer) {
      const why = i18n.global.t('workshop.viewerRefused');
      fail(why);
      return { status: 403, body: { error: why } };
    }
    running.add(key);
    try {
      const r = await api.execute(name, input);
      if (r.status !== 200) {
        const why = errorOf(r.body);
        fail(
          text.errors.failed(
            commandWords[name] ?? name,
            r.status,
            r.status === 504 && !why.includes('unknown') ? `${why}; ${text.errors.unknownOutcome}` : why,
          ),
        );
      }
      return r;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      fail(text.errors.failed(commandWords[name] ?? name, 0, why));
      return { status: 0, body: { error: why } };
    } finally {
      running.delete(key);
    }
  }

  return { running, failures, run, dismiss, fail };
});
