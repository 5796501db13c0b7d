// Every command goes through window.raftSociety.execute, here: what is running (so its button can
// say so) and what failed (shown until dismissed, in words, with the API's status and reason; kept
// as words so a change of language says it again). Commands act on the live society: one given
// while looking back returns the view to now, so its effect is seen; while a recorded session is
// open there is no society to act on.

import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { CommandInput, CommandName, CommandResult } from '../../../main/shared/contract.ts';
import { errorWords } from '../lib/connection-words.ts';
import { words, type Words } from '../lib/words.ts';
import { useRecordingStore } from './recording.ts';
import { useSessionStore } from './session.ts';

export interface Failure {
  readonly id: number;
  readonly words: Words;
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
  const recording = useRecordingStore();
  const session = useSessionStore();
  let nextId = 1;

  function fail(message: Words): void {
    failures.value = [{ id: nextId++, words: message }, ...failures.value].slice(0, SHOW_FAILURES);
  }

  /** "Crash failed (409): Rajesh - Building A is not running", in words. */
  function failed(name: CommandName, status: number, error: string): Words {
    // The bridge already says when the outcome of a lost command is unknown.
    const unknown = status === 504 && !error.includes('unknown');
    return words(unknown ? 'errors.failedUnknown' : 'errors.failed', {
      what: words(`errors.command.${name}`),
      status: String(status),
      error: errorWords(error),
    });
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
    if (recording.session !== null) {
      fail(words('timeline.sessionNoCommands'));
      return { status: 409, body: { error: 'a recorded session is open: there is no society to act on' } };
    }
    if (recording.lookingBack) recording.goLive();
    const api = window.raftSociety;
    if (api === undefined) {
      fail(words('app.noDoor'));
      return { status: 503, body: { error: 'no connection to a cluster' } };
    }
    // A viewer's commands would be refused (403): say why here instead of asking.
    if (session.viewer) {
      fail(words('workshop.viewerRefused'));
      return { status: 403, body: { error: 'a viewer cannot act on the society' } };
    }
    running.add(key);
    try {
      const r = await api.execute(name, input);
      if (r.status !== 200) {
        fail(failed(name, r.status, errorOf(r.body)));
      }
      return r;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      fail(failed(name, 0, why));
      return { status: 0, body: { error: why } };
    } finally {
      running.delete(key);
    }
  }

  return { running, failures, run, dismiss, fail };
});
