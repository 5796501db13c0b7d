// `npm run cluster`: Harmony Heights at a terminal prompt, for workshops without a GUI. Every
// command goes through the same door as the HTTP API (supervisor.execute). Notable events (a new
// chairman, a crash, a restart, a safety violation) are printed as they happen, above the prompt.
// Works with piped stdin too: one command per line, each finished before the next, EOF quits.

import { rmSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { clearLine, cursorTo } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { memberName } from '../cluster/names.ts';
import type { Supervisor } from '../cluster/supervisor.ts';
import type { ClusterEvent, ClusterView, CommandResult, MemberView } from '../shared/contract.ts';
import { onOrphaned } from './orphan.ts';
import { clusterUsage, parseClusterArgs, UsageError, type ClusterOptions } from './options.ts';
import { makeSupervisor } from './web.ts';

type Door = Pick<Supervisor, 'execute' | 'view'>;

/** One REPL command: how to call it, what it does, and how to run it. */
interface Command {
  readonly usage: string;
  readonly help: string;
  /** Runs the command; returns the lines to print. Throws ArgumentError for wrong arguments. */
  readonly run: (args: readonly string[], door: Door, rest: (from: number) => string) => Promise<string[]>;
}

/** Wrong arguments: the REPL answers with the command's usage. */
class ArgumentError extends Error {}

/** "chairman/leader" and friends: the society's word and Raft's. */
export function roleWords(role: MemberView['role']): string {
  switch (role) {
    case 'leader':
      return 'chairman/leader';
    case 'follower':
      return 'member/follower';
    case 'candidate':
      return 'candidate';
    case 'precandidate':
      return 'candidate (pre-vote)';
    case 'learner':
      return 'learner';
  }
}

const who = (view: ClusterView, id: number): string => {
  const m = view.nodes.find((n) => n.id === id);
  return `${m?.name ?? memberName(id)} (${id})`;
};

function memberId(raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,3}$/.test(raw) || Number(raw) < 1) throw new ArgumentError();
  return Number(raw);
}

function onOff(raw: string | undefined): boolean {
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ArgumentError();
}

function describe(r: CommandResult): string {
  const body = r.body as { error?: unknown } | null;
  const why = typeof body?.error === 'string' ? body.error : JSON.stringify(r.body);
  const kind =
    r.status === 503
      ? 'not applied'
      : r.status === 504
        ? 'outcome unknown'
        : r.status === 400
          ? 'refused'
          : r.status === 403
            ? 'forbidden'
            : 'failed';
  return `${kind} (${r.status}): ${why}`;
}

/** Run a command; a non-200 answer becomes its error line. */
async function call(door: Door, name: string, input: unknown, ok: (body: unknown) => string[]): Promise<string[]> {
  const r = await door.execute(name, input);
  return r.status === 200 ? ok(r.body) : [describe(r)];
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** The `status` table. */
export function statusTable(view: ClusterView): string[] {
  const chair = view.leaderId === null ? 'no chairman right now' : `chairman ${who(view, view.leaderId)}`;
  const s = view.settings;
  const header = [
    `term ${view.term}, ${chair}; voters ${view.voters.join(',') || 'none'}; learners ${view.learners.join(',') || 'none'}`,
    `time scale ${s.timeScale}, PreVote ${s.preVote ? 'on' : 'off'}, CheckQuorum ${s.checkQuorum ? 'on' : 'off'}`,
  ];
  const rows = view.nodes.map((n) => {
    const up = n.status === 'running' || n.status === 'paused';
    return [
      String(n.id),
      n.name,
      up ? roleWords(n.role) : '-',
      up ? String(n.term) : '-',
      up ? String(n.commitIndex) : '-',
      up ? String(n.lastIndex) : '-',
      n.status,
      n.pid === null ? '-' : String(n.pid),
    ];
  });
  const titles = ['id', 'name', 'role', 'term', 'commit', 'last', 'status', 'pid'];
  const widths = titles.map((t, i) => Math.max(t.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd();
  const cut = view.links.filter((l) => l.state === 'cut').map((l) => `${l.from}->${l.to}`);
  const flaky = view.links
    .filter((l) => l.delayMs > 0 || l.jitterMs > 0 || l.loss > 0 || l.duplicate > 0)
    .map((l) => `${l.from}->${l.to}`);
  return [
    ...header,
    line(titles),
    ...rows.map(line),
    ...(cut.length > 0 ? [`cut links: ${cut.join(' ')}`] : []),
    ...(flaky.length > 0 ? [`flaky links: ${flaky.join(' ')}`] : []),
  ];
}

function groupsOf(args: readonly string[]): number[][] {
  if (args.length < 2) throw new ArgumentError();
  return args.map((g) => {
    if (!/^\d{1,3}(,\d{1,3})*$/.test(g)) throw new ArgumentError();
    return g.split(',').map(Number);
  });
}

const nodeAction = (verb: string, done: string): Command => ({
  usage: `${verb} <id>`,
  help: `${verb} a member (${done})`,
  run: async ([id], door) => {
    const n = memberId(id);
    return call(door, `node.${verb}`, { id: n }, () => [`ok: ${who(door.view(), n)} ${done}`]);
  },
});

const linkCommand = (verb: 'cut' | 'restore'): Command => ({
  usage: `${verb} <a> <b> [oneway]`,
  help: verb === 'cut' ? 'cut the link between two members (both ways unless oneway)' : 'restore a cut link',
  run: async (args, door) => {
    if (args.length < 2 || args.length > 3 || (args.length === 3 && args[2] !== 'oneway')) throw new ArgumentError();
    const [from, to] = [memberId(args[0]), memberId(args[1])];
    const oneWay = args.length === 3;
    const arrow = oneWay ? '->' : '<->';
    return call(door, 'link.set', { from, to, state: verb === 'cut' ? 'cut' : 'up', oneWay }, () => [
      `ok: link ${from} ${arrow} ${to} ${verb === 'cut' ? 'cut' : 'restored'}`,
    ]);
  },
});

/** `name on|off`: one of the cluster's protocol switches. */
function settingSwitch(setting: 'preVote' | 'checkQuorum', label: string, help: string): Command {
  return {
    usage: `${label.toLowerCase()} on|off`,
    help,
    run: async ([v, ...more], door) => {
      if (more.length > 0) throw new ArgumentError();
      const on = onOff(v);
      return call(door, 'settings.set', { [setting]: on }, () => [`ok: ${label} ${on ? 'on' : 'off'}`]);
    },
  };
}

export const commands: Readonly<Record<string, Command>> = {
  set: {
    usage: 'set <key> <value>',
    help: 'write a value (committed by a majority before it is answered)',
    run: async (args, door, rest) => {
      if (args.length < 2) throw new ArgumentError();
      const [key, value] = [args[0]!, rest(1)];
      return call(door, 'kv', { op: 'set', key, value }, (b) => [
        `ok: ${key} = ${value} (minutes entry ${(b as { index: number }).index})`,
      ]);
    },
  },
  get: {
    usage: 'get <key>',
    help: 'read a value through the chairman (linearizable)',
    run: async (args, door) => {
      if (args.length !== 1) throw new ArgumentError();
      const key = args[0]!;
      return call(door, 'kv', { op: 'get', key }, (b) => {
        const { value } = b as { value: string | null };
        return [value === null ? `${key} is not set` : `${key} = ${value}`];
      });
    },
  },
  cas: {
    usage: 'cas <key> <expected|-> <value>',
    help: 'compare-and-set: write value only if key holds expected (- = absent)',
    run: async (args, door, rest) => {
      if (args.length < 3) throw new ArgumentError();
      const [key, expectedRaw, value] = [args[0]!, args[1]!, rest(2)];
      const expected = expectedRaw === '-' ? null : expectedRaw;
      const r = await door.execute('kv', { op: 'cas', key, expected, value });
      if (r.status === 200) return [`ok: ${key} = ${value}`];
      if (r.status === 409) {
        const now = (r.body as { value: string | null }).value;
        return [
          `not changed: ${key} ${now === null ? 'is not set' : `is ${now}`}, not ${expected === null ? 'absent' : expected}`,
        ];
      }
      return [describe(r)];
    },
  },
  decide: {
    usage: 'decide <text>',
    help: 'record a society decision in the minutes book',
    run: async (args, door, rest) => {
      if (args.length === 0) throw new ArgumentError();
      return call(door, 'decide', { text: rest(0) }, (b) => {
        const { number, index } = b as { number: number; index: number };
        return [`ok: decision #${number} recorded (minutes entry ${index})`];
      });
    },
  },
  status: {
    usage: 'status',
    help: 'who is chairman, and every member: role, term, commit, last entry, process status',
    run: (args, door) => {
      if (args.length !== 0) throw new ArgumentError();
      return Promise.resolve(statusTable(door.view()));
    },
  },
  crash: nodeAction('crash', 'crashed (SIGKILL)'),
  restart: nodeAction('restart', 'restarted'),
  pause: nodeAction('pause', 'paused (SIGSTOP)'),
  resume: nodeAction('resume', 'resumed (SIGCONT)'),
  cut: linkCommand('cut'),
  restore: linkCommand('restore'),
  heal: {
    usage: 'heal',
    help: 'restore every link and clear every link fault',
    run: async (args, door) => {
      if (args.length !== 0) throw new ArgumentError();
      return call(door, 'heal', {}, () => ['ok: every link is up']);
    },
  },
  partition: {
    usage: 'partition <ids> <ids>...',
    help: 'split the society into groups that cannot hear each other (partition 1,2 3,4,5)',
    run: async (args, door) => {
      const groups = groupsOf(args);
      return call(door, 'partition', { groups }, () => [
        `ok: partitioned into ${groups.map((g) => `{${g.join(',')}}`).join(' | ')}`,
      ]);
    },
  },
  add: {
    usage: 'add [learner]',
    help: 'a new member joins (as a voter, or as a learner)',
    run: async (args, door) => {
      if (args.length > 1 || (args.length === 1 && args[0] !== 'learner')) throw new ArgumentError();
      const learner = args.length === 1;
      return call(door, 'member.add', { learner }, (b) => {
        const { id, name } = b as { id: number; name: string };
        return [`ok: ${name} (${id}) joined as a ${learner ? 'learner' : 'voter'}`];
      });
    },
  },
  remove: {
    usage: 'remove <id>',
    help: 'a member leaves the society',
    run: async ([id, ...more], door) => {
      if (more.length > 0) throw new ArgumentError();
      const n = memberId(id);
      const name = who(door.view(), n);
      return call(door, 'member.remove', { id: n }, () => [`ok: ${name} left the society`]);
    },
  },
  promote: {
    usage: 'promote <id>',
    help: 'a learner becomes a voter',
    run: async ([id, ...more], door) => {
      if (more.length > 0) throw new ArgumentError();
      const n = memberId(id);
      return call(door, 'member.promote', { id: n }, () => [`ok: ${who(door.view(), n)} is now a voter`]);
    },
  },
  transfer: {
    usage: 'transfer <id>',
    help: 'the chairman hands the chair to another member',
    run: async ([id, ...more], door) => {
      if (more.length > 0) throw new ArgumentError();
      const n = memberId(id);
      return call(door, 'leader.transfer', { to: n }, () => [`ok: ${who(door.view(), n)} is now chairman`]);
    },
  },
  prevote: settingSwitch('preVote', 'PreVote', 'PreVote: a candidate first asks whether it could win'),
  checkquorum: settingSwitch(
    'checkQuorum',
    'CheckQuorum',
    'CheckQuorum: a chairman who cannot hear a majority steps down',
  ),
  speed: {
    usage: 'speed <0.01-1>',
    help: 'slow motion: 1 is real time, 0.1 ten times slower',
    run: async ([v, ...more], door) => {
      if (more.length > 0 || v === undefined || !/^(\d+(\.\d*)?|\.\d+)$/.test(v)) throw new ArgumentError();
      const timeScale = Number(v);
      if (timeScale < 0.01 || timeScale > 1) throw new ArgumentError();
      return call(door, 'settings.set', { timeScale }, () => [`ok: time scale ${timeScale}`]);
    },
  },
  help: {
    usage: 'help',
    help: 'this list',
    run: () => Promise.resolve(helpText()),
  },
  quit: {
    usage: 'quit',
    help: 'stop the cluster and leave (so does EOF / Ctrl+D)',
    run: () => Promise.resolve([]),
  },
};

export function helpText(): string[] {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  return [
    'commands:',
    ...Object.values(commands).map((c) => `  ${pad(c.usage, width)}  ${c.help}`),
    'lines starting with # are ignored',
  ];
}

/** The answer to one input line (without running `quit`). */
export async function runLine(door: Door, line: string): Promise<string[]> {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return [];
  const words = text.split(/\s+/);
  const [name, ...args] = words;
  const command = Object.hasOwn(commands, name!.toLowerCase()) ? commands[name!.toLowerCase()]! : undefined;
  if (command === undefined) return [`unknown command "${name!.slice(0, 40)}"; type help for the list`];
  // `rest(i)`: the text from the i-th argument on, spaces kept (values and decisions may have them).
  const rest = (from: number): string => {
    let s = text.slice(name!.length).trimStart();
    for (let i = 0; i < from; i++) s = s.slice(args[i]!.length).trimStart();
    return s;
  };
  try {
    return await command.run(args, door, rest);
  } catch (e) {
    if (e instanceof ArgumentError) return [`usage: ${command.usage}`];
    return [`error: ${e instanceof Error ? e.message : String(e)}`];
  }
}

/** Turns the event stream into the few lines worth interrupting a workshop for. */
export class EventNarrator {
  private readonly announced = new Set<string>();
  private readonly status = new Map<number, string>();
  private readonly restarting = new Set<number>();
  private readonly name: (id: number) => string;

  constructor(name: (id: number) => string) {
    this.name = name;
  }

  /** The line to print for this event, or null. */
  line(e: ClusterEvent): string | null {
    switch (e.kind) {
      case 'state': {
        if (e.role !== 'leader') return null;
        const key = `${e.term}:${e.node}`;
        if (this.announced.has(key)) return null;
        this.announced.add(key);
        return `* ${this.name(e.node)} is the new chairman (leader) for term ${e.term}`;
      }
      case 'member': {
        const before = this.status.get(e.node);
        this.status.set(e.node, e.status);
        const detail = e.detail === undefined ? '' : ` (${e.detail})`;
        if (e.status === 'crashed' && before !== 'crashed') return `* ${this.name(e.node)} crashed${detail}`;
        if (e.status === 'running' && before === 'starting' && this.restarting.delete(e.node))
          return `* ${this.name(e.node)} restarted (pid ${e.pid ?? '?'})${detail}`;
        if (e.status === 'starting' && (before === 'crashed' || before === 'stopped')) this.restarting.add(e.node);
        if (e.status === 'stopped' && before !== 'stopped' && e.detail !== undefined)
          return `* ${this.name(e.node)} stopped${detail}`;
        return null;
      }
      case 'safety':
        return `!! SAFETY VIOLATION (${e.property}): ${e.message}`;
      default:
        return null;
    }
  }
}

export interface ReplIo {
  readonly input: Readable;
  readonly output: Writable & { isTTY?: boolean };
}

/** Run the REPL on a started supervisor until quit or EOF. */
export async function repl(
  supervisor: Pick<Supervisor, 'execute' | 'view' | 'subscribe'>,
  io: ReplIo,
  narrator: EventNarrator,
): Promise<void> {
  const terminal = io.output.isTTY === true && (io.input as { isTTY?: boolean }).isTTY === true;
  const rl: Interface = createInterface({ input: io.input, output: io.output, terminal, prompt: 'harmony> ' });
  let prompting = false;
  const print = (line: string): void => {
    if (terminal && prompting) {
      // Above the prompt, which is then drawn again with whatever was typed so far.
      clearLine(io.output, 0);
      cursorTo(io.output, 0);
      io.output.write(`${line}\n`);
      rl.prompt(true);
    } else io.output.write(`${line}\n`);
  };
  const unsubscribe = supervisor.subscribe((e) => {
    const line = narrator.line(e);
    if (line !== null) print(line);
  });
  const quit = (): void => rl.close();
  rl.on('SIGINT', quit);
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
  const unwatch = onOrphaned(quit);
  try {
    if (terminal) {
      rl.prompt();
      prompting = true;
    }
    for await (const line of rl) {
      prompting = false;
      if (/^\s*(quit|exit)\s*$/i.test(line)) break;
      for (const out of await runLine(supervisor, line)) print(out);
      if (terminal) {
        rl.prompt();
        prompting = true;
      }
    }
  } finally {
    prompting = false;
    unsubscribe();
    process.off('SIGINT', quit);
    process.off('SIGTERM', quit);
    unwatch();
    rl.close();
  }
}

/** The command line: returns the exit code once the cluster has stopped. */
export async function main(
  argv: readonly string[],
  io: ReplIo = { input: process.stdin, output: process.stdout },
): Promise<number> {
  let o: ClusterOptions | null;
  try {
    o = parseClusterArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`npm run cluster: ${e.message}\n(run with --help for the options)\n`);
    return 2;
  }
  if (o === null) {
    io.output.write(`${clusterUsage}\n`);
    return 0;
  }
  const { supervisor, dataDir, temp } = makeSupervisor(o);
  const narrator = new EventNarrator((id) => who(supervisor.view(), id));
  // While the society starts, only elections and violations are news (not each member starting).
  const unsubscribe = supervisor.subscribe((e) => {
    const line = narrator.line(e);
    if (line !== null && e.kind !== 'member') io.output.write(`${line}\n`);
  });
  try {
    io.output.write(
      `Harmony Heights: starting a society of ${o.nodes} (${temp ? `data in a fresh temp dir ${dataDir}, removed on exit` : `data in ${dataDir}`})\n`,
    );
    await supervisor.start();
    const patience = (20 * o.electionTimeoutMs[1]) / o.timeScale;
    if ((await supervisor.waitForLeader(patience)) === null)
      io.output.write(`no chairman after ${Math.round(patience)} ms; carrying on\n`);
    unsubscribe();
    io.output.write('type help for the commands\n');
    await repl(supervisor, io, narrator);
    return 0;
  } catch (e) {
    process.stderr.write(`npm run cluster: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    unsubscribe();
    await supervisor.stop();
    if (temp) rmSync(dataDir, { recursive: true, force: true });
    io.output.write('the society is adjourned\n');
  }
}
