// The media type a job's output is served with, from its first bytes.
import { describe, expect, it } from 'vitest';
import { mediaType } from './http-api.ts';

describe('mediaType', () => {
  it('knows the image and video files a job command may write, and nothing else', () => {
    expect(mediaType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe('image/png');
    expect(mediaType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(mediaType(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]))).toBe('image/webp');
    expect(mediaType(Buffer.from('GIF89a'))).toBe('image/gif');
    expect(mediaType(Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom')]))).toBe('video/mp4');
    expect(mediaType(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 1]))).toBe('video/webm');
    expect(mediaType(Buffer.from('RIFF....WAVE'))).toBe('application/octet-stream');
    expect(mediaType(Buffer.from([0x89, 0x50, 0x4e]))).toBe('application/octet-stream');
    expect(mediaType(Buffer.alloc(0))).toBe('application/octet-stream');
  });
});
