// Draws the extension icon (images/icon.png, 128×128): three domains as rings joined into one
// set. Written as a PNG by hand with zlib, so no image library is needed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 128;
const pixels = Buffer.alloc(size * size * 4);
const put = (x, y, [r, g, b], a = 255) => {
  const i = (y * size + x) * 4;
  const alpha = a / 255;
  pixels[i] = Math.round(pixels[i] * (1 - alpha) + r * alpha);
  pixels[i + 1] = Math.round(pixels[i + 1] * (1 - alpha) + g * alpha);
  pixels[i + 2] = Math.round(pixels[i + 2] * (1 - alpha) + b * alpha);
  pixels[i + 3] = 255;
};
const background = [30, 41, 66];
const colours = [
  [126, 186, 228],
  [82, 119, 195],
  [174, 214, 241],
];
for (let y = 0; y < size; y++)
  for (let x = 0; x < size; x++) {
    const dx = Math.max(0, Math.abs(x - 63.5) - 44),
      dy = Math.max(0, Math.abs(y - 63.5) - 44);
    if (Math.hypot(dx, dy) <= 20) put(x, y, background); // rounded square
  }
const centres = [0, 1, 2].map((k) => {
  const angle = -Math.PI / 2 + (k * 2 * Math.PI) / 3;
  return [64 + 24 * Math.cos(angle), 66 + 24 * Math.sin(angle)];
});
for (let y = 0; y < size; y++)
  for (let x = 0; x < size; x++) {
    centres.forEach(([cx, cy], k) => {
      const d = Math.hypot(x - cx, y - cy);
      const ring = Math.abs(d - 20);
      if (ring < 5) put(x, y, colours[k], 255 * Math.min(1, 5 - ring));
    });
    if (Math.hypot(x - 64, y - 66) < 7) put(x, y, [255, 255, 255]);
  }

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8;
header[9] = 6; // 8-bit RGBA
const rows = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
mkdirSync('images', { recursive: true });
writeFileSync(
  'images/icon.png',
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]),
);
