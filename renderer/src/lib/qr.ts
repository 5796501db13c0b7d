// A QR code as an image the page's CSP allows (img-src data:): the qrcode library draws it as SVG,
// here, from the text given; nothing is fetched and no markup is injected into the page.

import QRCode from 'qrcode';

/** Medium error correction: still readable from a projector at an angle. */
export const qrOptions = { type: 'svg', errorCorrectionLevel: 'M', margin: 2 } as const;

export async function qrDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, qrOptions);
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
