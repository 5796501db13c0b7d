// Rasterises the one source image, resources/icon.svg, into the PNGs electron-builder packages:
// resources/icon.png (512x512: macOS and Windows, which make their .icns/.ico from it) and
// resources/icons/NxN.png (the Linux icon set, one file per size, named by size as
// electron-builder and the freedesktop icon theme expect). Generated, not committed.
// `npm run build:icons`.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

export const resourcesDir = fileURLToPath(new URL('../resources', import.meta.url));
export const iconSource = join(resourcesDir, 'icon.svg');
export const appIcon = join(resourcesDir, 'icon.png');
export const linuxIconDir = join(resourcesDir, 'icons');
export const linuxIconSizes = [16, 24, 32, 48, 64, 128, 256, 512] as const;

/** The source image as a square PNG of `size` pixels. */
export function renderIcon(svg: string, size: number): Buffer {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng();
}

/** Write every icon; returns the files written. */
export function buildIcons(): string[] {
  const svg = readFileSync(iconSource, 'utf8');
  mkdirSync(linuxIconDir, { recursive: true });
  const written = [appIcon];
  writeFileSync(appIcon, renderIcon(svg, 512));
  for (const size of linuxIconSizes) {
    const file = join(linuxIconDir, `${size}x${size}.png`);
    writeFileSync(file, renderIcon(svg, size));
    written.push(file);
  }
  return written;
}

if (import.meta.main) buildIcons();
