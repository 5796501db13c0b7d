// Packaging: electron-builder.yml checked by electron-builder's own validator against its own
// schema (app-builder-lib's scheme.json), the icons generated from the one source image, and what
// electron-builder really packages. Installers need each platform's Electron zip from GitHub, so
// here the app is packaged as a plain directory around a stand-in Electron: electron-builder still
// applies our files/asar/asarUnpack rules, which is what we check. Then a real cluster is started
// from the packaged (unpacked) member entry, as the packaged app's main process would.

import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { extractFile, listPackage } from '@electron/asar';
import { Platform, build as electronBuilder, type Configuration } from 'electron-builder';
import { Supervisor } from '../../main/cluster/supervisor.ts';
import { appPaths } from '../../main/electron/paths.ts';
import { buildAll, root } from '../../scripts/build.ts';
import { appIcon, buildIcons, linuxIconDir, linuxIconSizes } from '../../scripts/build-icons.ts';

const require = createRequire(import.meta.url);

interface ConfigModule {
  readonly getConfig: (
    projectDir: string,
    configPath: string | null,
    configFromOptions: null,
  ) => Promise<Configuration>;
  readonly validateConfiguration: (config: Configuration, debugLogger: object) => Promise<void>;
}
// electron-builder's own loading and validation (ajv over app-builder-lib/scheme.json), as `electron-builder` runs them.
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as ConfigModule;
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => object };

async function projectConfig(): Promise<Configuration> {
  return getConfig(root, null, null);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG', `${file} is a PNG`);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

test("electron-builder.yml passes electron-builder's own schema validation, and a broken one does not", async () => {
  const config = await projectConfig();
  await validateConfiguration(config, new DebugLogger(false));
  await assert.rejects(
    validateConfiguration(
      { ...config, linux: { ...config.linux, targett: 'AppImage' } } as Configuration,
      new DebugLogger(false),
    ),
    /configuration\.linux/,
  );
  await assert.rejects(
    validateConfiguration({ ...config, productNmae: 'Raft Society' } as Configuration, new DebugLogger(false)),
    /unknown property 'productNmae'/,
  );
});

test('the configuration: name, id, targets for three platforms, unpacked members, fuses', async () => {
  const c = await projectConfig();
  assert.equal(c.appId, 'org.raftsociety.app');
  assert.equal(c.productName, 'Raft Society');
  const targets = (t: unknown): string[] =>
    (Array.isArray(t) ? t : [t]).map((x: unknown) => (typeof x === 'string' ? x : (x as { target: string }).target));
  assert.deepEqual(targets(c.linux?.target), ['AppImage', 'deb']);
  assert.deepEqual(targets(c.win?.target), ['nsis']);
  assert.deepEqual(targets(c.mac?.target), ['dmg']);
  assert.deepEqual(c.asarUnpack, ['out/main/node/**', 'package.json']);
  assert.equal(c.electronFuses?.runAsNode, true, 'members are forked with ELECTRON_RUN_AS_NODE');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; type: string };
  assert.equal(pkg.main, 'out/main/index.js');
  assert.equal(pkg.type, 'module', 'the member bundle (ESM) relies on it, unpacked beside it');
});

test('the icons are rendered from resources/icon.svg at the sizes electron-builder takes', async () => {
  const written = buildIcons();
  assert.equal(written.length, 1 + linuxIconSizes.length);
  assert.deepEqual(pngSize(appIcon), [512, 512]);
  for (const size of linuxIconSizes) assert.deepEqual(pngSize(join(linuxIconDir, `${size}x${size}.png`)), [size, size]);
  const c = await projectConfig();
  assert.equal(join(root, c.icon!), appIcon);
  assert.equal(join(root, c.linux!.icon!), linuxIconDir);
});

test(
  'installers are not built here',
  {
    skip: "AppImage, deb, NSIS and DMG need each platform's Electron zip, downloaded from GitHub, which this machine cannot reach: the configuration is checked instead",
  },
  () => undefined,
);

test('what electron-builder packages: main, preload, renderer in app.asar; the member entry unpacked and runnable', async (t) => {
  const { renderer } = await buildAll({ quiet: true, onlyStale: true });
  const work = mkdtempSync(join(tmpdir(), 'rs-package-'));
  let supervisor: Supervisor | null = null;
  t.after(async () => {
    await supervisor?.stop();
    rmSync(work, { recursive: true, force: true });
  });
  // A stand-in for the Electron distribution: electron-builder copies it and renames the executable.
  const dist = join(work, 'electron-dist');
  mkdirSync(join(dist, 'resources'), { recursive: true });
  writeFileSync(join(dist, 'electron'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dist, 'electron'), 0o755);
  writeFileSync(join(dist, 'version'), 'v45.4.1');
  const output = join(work, 'release');
  await electronBuilder({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir'),
    publish: 'never',
    config: {
      electronDist: dist,
      directories: { output },
      npmRebuild: false,
      // Fuses are flipped in the real Electron binary; the stand-in has none.
      electronFuses: null,
    },
  });
  const unpackedDir = readdirSync(output).find((d) => d.endsWith('-unpacked'));
  assert.ok(unpackedDir !== undefined, `no app directory in ${readdirSync(output).join(', ')}`);
  const resources = join(output, unpackedDir, 'resources');
  const asar = join(resources, 'app.asar');
  const files = new Set(listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/')));
  for (const f of ['/package.json', '/out/main/index.js', '/out/preload/index.cjs'])
    assert.ok(files.has(f), `${f} is packaged`);
  assert.ok(![...files].some((f) => f.startsWith('/node_modules')), 'no node_modules: everything is bundled');
  const packagedPkg = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main: string };
  assert.equal(packagedPkg.main, 'out/main/index.js');
  assert.deepEqual(extractFile(asar, 'out/preload/index.cjs'), readFileSync(join(root, 'out', 'preload', 'index.cjs')));

  // The path the packaged main process computes for the member entry exists, outside app.asar.
  const paths = appPaths(join(asar, 'out', 'main', 'index.js'));
  assert.ok(paths.memberEntry.includes('app.asar.unpacked'));
  assert.ok(existsSync(paths.memberEntry), `${paths.memberEntry} is unpacked`);
  assert.ok(existsSync(join(resources, 'app.asar.unpacked', 'package.json')), 'with its "type": "module"');

  await t.test(
    'the renderer is packaged',
    { skip: renderer ? false : 'the project has no build:renderer script yet' },
    () => {
      assert.ok(files.has('/out/renderer/index.html'), '/out/renderer/index.html is packaged');
    },
  );

  // A society runs from the packaged member entry, as the packaged app's main process runs it.
  const dataDir = join(work, 'society');
  supervisor = new Supervisor({ nodes: 3, dataDir, memberEntry: paths.memberEntry });
  await supervisor.start();
  assert.notEqual(await supervisor.waitForLeader(5000), null, 'a chairman is elected');
  const set = await supervisor.execute('kv', { op: 'set', key: 'packaged', value: 'yes' });
  assert.equal(set.status, 200);
});
