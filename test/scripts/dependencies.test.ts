// Dependencies are pinned: every one in package.json names one exact version, and the lockfile
// resolves each to that version with an integrity hash. node-ipc above all: it reads every
// member's socket, and in 2022 its 10.1.x releases overwrote files on some machines
// (CVE-2022-23812) and its 11.x releases pulled in a module that wrote files to the desktop.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const read = (file: string): unknown =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), 'utf8'));

interface Manifest {
  readonly dependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}
interface Lock {
  readonly packages: Record<
    string,
    { readonly version?: string; readonly integrity?: string; readonly dependencies?: Record<string, string> }
  >;
}

const manifest = read('package.json') as Manifest;
const lock = read('package-lock.json') as Lock;
const exact = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

test('every dependency in package.json is one exact version', () => {
  for (const [name, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }))
    assert.match(version, exact, `${name}@${version} is a range`);
});

test('the lockfile resolves each direct dependency to that version, with an integrity hash', () => {
  for (const [name, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
    const locked = lock.packages[`node_modules/${name}`];
    assert.equal(locked?.version, version, name);
    assert.match(locked.integrity ?? '', /^sha512-/, `${name} has an integrity hash`);
  }
});

test('node-ipc is 14.0.0 and its own dependencies are exact too', () => {
  assert.equal(manifest.dependencies['node-ipc'], '14.0.0');
  const ipc = lock.packages['node_modules/node-ipc'];
  assert.equal(ipc?.version, '14.0.0');
  for (const [name, version] of Object.entries(ipc.dependencies ?? {})) {
    assert.match(version, exact, `node-ipc depends on ${name}@${version}`);
    assert.equal(lock.packages[`node_modules/${name}`]?.version, version, name);
  }
});
