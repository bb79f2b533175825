/**
 * The shipped default job commands: real image work with no GPU, done by sharp (libvips).
 *   image-job.ts generate --out F.png --seed S [--width W] [--height H] [--grid]
 *   image-job.ts upscale --out F.png --seed S [--width W] [--factor K]
 * `generate` renders a deterministic picture from the seed (a smooth field of colour computed per
 * pixel, blurred), as one image or a 2x2 grid; `upscale` renders one and resizes it by the factor
 * with a Lanczos kernel. The executor runs these as processes and bills their wall time.
 */
import { parseArgs } from 'node:util';
import sharp, { type Sharp } from 'sharp';

function seedNumber(seed: string): number {
  let hash = 2166136261;
  for (let index = 0; index < seed.length; index += 1) hash = Math.imul(hash ^ seed.charCodeAt(index), 16777619);
  return hash >>> 0;
}

/** A width x height RGB picture from the seed. */
function picture(seed: number, width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  const a = (seed % 97) / 13 + 1;
  const b = ((seed >>> 8) % 89) / 11 + 1;
  const c = ((seed >>> 16) % 83) / 17 + 1;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const u = x / width;
      const v = y / height;
      const offset = (y * width + x) * 3;
      pixels[offset] = Math.round(127.5 + 127.5 * Math.sin(a * 6.283 * u + b * v * 3));
      pixels[offset + 1] = Math.round(127.5 + 127.5 * Math.sin(b * 6.283 * v + c * u * 2));
      pixels[offset + 2] = Math.round(127.5 + 127.5 * Math.sin(c * 6.283 * (u + v) + a));
    }
  }
  return pixels;
}

async function render(seed: number, width: number, height: number): Promise<Sharp> {
  const raw = await sharp(picture(seed, width, height), { raw: { width, height, channels: 3 } }).blur(1.5).png().toBuffer();
  return sharp(raw);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      out: { type: 'string' },
      seed: { type: 'string', default: '0' },
      width: { type: 'string', default: '512' },
      height: { type: 'string' },
      factor: { type: 'string', default: '2' },
      grid: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const command = positionals[0];
  const width = Number(values.width);
  const height = Number(values.height ?? values.width);
  const factor = Number(values.factor);
  if (values.out === undefined || !['generate', 'upscale'].includes(command ?? '') || !(width >= 8 && width <= 8192) || !(height >= 8 && height <= 8192) || !(factor >= 1 && factor <= 8)) {
    process.stderr.write('usage: image-job.ts generate|upscale --out F.png [--seed S] [--width W] [--height H] [--factor K] [--grid]\n');
    process.exit(2);
  }
  const seed = seedNumber(values.seed);
  if (command === 'upscale') {
    const image = await render(seed, width, height);
    await image.resize(Math.round(width * factor), Math.round(height * factor), { kernel: 'lanczos3' }).png().toFile(values.out);
    return;
  }
  if (!values.grid) {
    await (await render(seed, width, height)).toFile(values.out);
    return;
  }
  const tiles = await Promise.all([0, 1, 2, 3].map(async (index) => (await render(seed + index, width, height)).png().toBuffer()));
  await sharp({ create: { width: width * 2, height: height * 2, channels: 3, background: '#000' } })
    .composite(tiles.map((input: Buffer, index: number) => ({ input, left: (index % 2) * width, top: Math.floor(index / 2) * height })))
    .png()
    .toFile(values.out);
}

await main();
