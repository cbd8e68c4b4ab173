/**
 * pipeline/pairing.ts pairs images with masks by file stem, whatever the extension, with an
 * optional mask suffix, and names every file it cannot pair.
 */
import { describe, expect, it } from 'vitest';
import { extensionOf, isImageFile, pairFiles } from '../../src/cli/pipeline/pairing.js';

describe('pairFiles()', () => {
  it('pairFiles() pairs by stem across extensions, in image-name order', () => {
    const pairs = pairFiles(['b.JPG', 'a.tif', 'c.webp'], ['c.png', 'a.png', 'b.tiff']);
    expect(pairs).toEqual([
      { stem: 'a', image: 'a.tif', mask: 'a.png' },
      { stem: 'b', image: 'b.JPG', mask: 'b.tiff' },
      { stem: 'c', image: 'c.webp', mask: 'c.png' },
    ]);
  });

  it('pairFiles() pairs mask stem = image stem + maskSuffix (Kvasir/ISIC naming)', () => {
    const pairs = pairFiles(['ISIC_001.jpg', 'ISIC_002.jpg'], ['ISIC_002_segmentation.png', 'ISIC_001_segmentation.png'], {
      maskSuffix: '_segmentation',
    });
    expect(pairs.map((p) => [p.stem, p.mask])).toEqual([
      ['ISIC_001', 'ISIC_001_segmentation.png'],
      ['ISIC_002', 'ISIC_002_segmentation.png'],
    ]);
  });

  it('pairFiles() leaves out hidden files and files that are not images', () => {
    const pairs = pairFiles(['a.png', '.DS_Store', 'notes.txt'], ['a.png', 'Thumbs.db', '.a.png']);
    expect(pairs).toEqual([{ stem: 'a', image: 'a.png', mask: 'a.png' }]);
  });

  it('pairFiles() names unpaired images and masks on both sides', () => {
    const call = () => pairFiles(['a.png', 'b.png', 'c.png'], ['a.png', 'd.png'], { imageDir: 'data/images', maskDir: 'data/masks' });
    expect(call).toThrow(/^unpaired files \(masks must have the same name as their image/);
    expect(call).toThrow(/2 image\(s\) without a mask: data\/images\/b\.png, data\/images\/c\.png/);
    expect(call).toThrow(/1 mask\(s\) without an image: data\/masks\/d\.png/);
  });

  it('pairFiles() suggests the mask suffix that would pair every mask', () => {
    expect(() => pairFiles(['a.jpg', 'b.jpg'], ['a_mask.png', 'b_mask.png'])).toThrow(/Did you mean --mask-suffix _mask\?/);
    expect(() => pairFiles(['a.jpg', 'b.jpg'], ['a_mask.png', 'b_mask.png'], { maskSuffix: '_m' })).toThrow(
      /image's name \+ '_m'[\s\S]*Did you mean --mask-suffix _mask\?/,
    );
  });

  it('pairFiles() lists at most five files of a side, then how many more', () => {
    const images = Array.from({ length: 8 }, (_, i) => `i${i}.png`);
    expect(() => pairFiles(images, [])).toThrow(/8 image\(s\) without a mask: images\/i0\.png, .*images\/i4\.png and 3 more/);
  });

  it('pairFiles() rejects JPEG masks: masks must be lossless', () => {
    expect(() => pairFiles(['a.png'], ['a.jpeg'])).toThrow(/^masks\/a\.jpeg is a JPEG; masks must be lossless/);
    expect(() => pairFiles(['a.png'], ['a.JPG'])).toThrow(/masks must be lossless/);
  });

  it('pairFiles() rejects two files with one stem in a folder', () => {
    expect(() => pairFiles(['a.png', 'a.jpg'], ['a.png'])).toThrow(/^images\/a\.jpg and images\/a\.png have the same name stem 'a'/);
  });

  it('pairFiles() reports an image folder with no images', () => {
    expect(() => pairFiles(['readme.md'], ['a.png'])).toThrow(/^images holds no images \(\.png, \.jpg/);
  });
});

describe('file names', () => {
  it('extensionOf() lower-cases the last extension and ignores a leading dot', () => {
    expect(extensionOf('x.y.TIFF')).toBe('.tiff');
    expect(extensionOf('.hidden')).toBe('');
    expect(extensionOf('plain')).toBe('');
  });

  it('isImageFile() accepts PNG, JPEG, TIFF and WebP names only', () => {
    expect(['a.png', 'a.jpg', 'a.jpeg', 'a.tif', 'a.tiff', 'a.webp', 'a.PNG'].every(isImageFile)).toBe(true);
    expect(['a.gif', 'a.txt', '.a.png', 'png'].some(isImageFile)).toBe(false);
  });
});
