/**
 * pipeline/palette.ts, maskValues.ts and labels.ts: mask files → label maps, and the guards that
 * stop silent nonsense before training (foreground matching nothing or everything, values outside
 * the classes, unknown colours, palettes that disagree).
 */
import { describe, expect, it } from 'vitest';
import { checkValues, labelMaps, summarizeValues, toLabels } from '../../src/cli/pipeline/labels.js';
import { IGNORED } from '../../src/cli/pipeline/types.js';
import { checkSamePalettes, maskValues } from '../../src/cli/pipeline/maskValues.js';
import { parsePalette } from '../../src/cli/pipeline/palette.js';
import type { NamedImage } from '../../src/cli/pipeline/rawImage.js';
import type { Colour, RawImage } from '../../src/cli/pipeline/types.js';

/** A gray mask (8-bit, or 16-bit with a Uint16Array) `width` wide. */
function gray(values: number[] | Uint16Array, width = values.length, name = 'm.png'): NamedImage {
  const data = values instanceof Uint16Array ? values : Uint8Array.from(values);
  const image: RawImage = { width, height: values.length / width, channels: 1, bitDepth: values instanceof Uint16Array ? 16 : 8, data };
  return { name, image };
}

/** An RGB mask from colours, `width` wide. */
function rgb(colours: Colour[], width = colours.length, name = 'c.png'): NamedImage {
  const image: RawImage = { width, height: colours.length / width, channels: 3, bitDepth: 8, data: Uint8Array.from(colours.flat()) };
  return { name, image };
}

/** A palette PNG's content: indices into `colours`. */
function indexed(indices: number[], colours: Colour[], name = 'p.png'): NamedImage {
  const data = Uint8Array.from(indices.flatMap((i) => colours[i]));
  return { name, image: { width: indices.length, height: 1, channels: 3, bitDepth: 8, data, palette: { colours, indices: Uint8Array.from(indices) } } };
}

const SKY: Colour = [128, 128, 128];
const ROAD: Colour = [128, 64, 128];
const VOID: Colour = [0, 0, 0];

describe('parsePalette()', () => {
  it('parsePalette() reads r,g,b lists, hex colours, named lines, CSV with a header and JSON alike', () => {
    const want = [SKY, ROAD];
    expect(parsePalette('128,128,128; 128,64,128', '--palette').colours).toEqual(want);
    expect(parsePalette('#808080\n#804080\n', 'p.txt').colours).toEqual(want);
    expect(parsePalette('[[128,128,128],[128,64,128]]', 'p.json').colours).toEqual(want);
    const csv = parsePalette('name,r,g,b\nSky,128,128,128\nRoad,128,64,128\n', 'class_dict.csv');
    expect(csv).toEqual({ colours: want, names: ['Sky', 'Road'] });
    expect(parsePalette('Sky 128 128 128\nRoad marking #804080', 'p.txt').names).toEqual(['Sky', 'Road marking']);
  });

  it('parsePalette() rejects entries that are not colours, components outside 0..255 and repeated colours', () => {
    expect(() => parsePalette('1,2', '--palette')).toThrow(/^palette --palette, entry 1 \('1,2'\) must be a colour 'r,g,b' or '#rrggbb', got 2 numbers\./);
    expect(() => parsePalette('0,0,0;0,0,256', '--palette')).toThrow(/entry 2 .* must hold integers in 0\.\.255, got 0, 0, 256\./);
    expect(() => parsePalette('1,2,3;4,5,6;1,2,3', 'p.txt')).toThrow(/gives colour \(1, 2, 3\) to classes 0 and 2/);
    expect(() => parsePalette('name,r,g,b', 'p.csv')).toThrow(/holds no colours/);
  });
});

describe('maskValues()', () => {
  it('maskValues() maps RGB colours to their palette index', () => {
    expect(Array.from(maskValues(rgb([ROAD, SKY, VOID, ROAD]), [VOID, SKY, ROAD]))).toEqual([2, 1, 0, 2]);
  });

  it('maskValues() names the file, pixel and colour of a colour missing from the palette', () => {
    expect(() => maskValues(rgb([SKY, ROAD, SKY, [1, 2, 3]], 2, 'masks/f1.png'), [SKY, ROAD])).toThrow(
      /^masks\/f1\.png has colour \(1, 2, 3\) at pixel \(1, 1\), which is not in the palette \(2 colours\)/,
    );
  });

  it('maskValues() reads R = G = B colour masks as gray, and asks for --palette for a true colour mask', () => {
    expect(Array.from(maskValues(rgb([[0, 0, 0], [255, 255, 255]])))).toEqual([0, 255]);
    expect(() => maskValues(rgb([VOID, ROAD], 2, 'masks/a.png'))).toThrow(
      /^masks\/a\.png is a colour mask \(pixel \(1, 0\) is \(128, 64, 128\)\); pass --palette/,
    );
  });

  it('maskValues() keeps 16-bit mask values as integers', () => {
    expect(Array.from(maskValues(gray(Uint16Array.from([0, 1, 300, 65535]))))).toEqual([0, 1, 300, 65535]);
  });

  it('maskValues() reads a palette PNG by index, or by colour when a palette is given', () => {
    const mask = indexed([1, 0, 1], [ROAD, SKY]);
    expect(Array.from(maskValues(mask))).toEqual([1, 0, 1]);
    expect(Array.from(maskValues(mask, [SKY, ROAD]))).toEqual([0, 1, 0]);
  });
});

describe('checkSamePalettes()', () => {
  it('labelMaps() reads palette PNGs by index when their palettes agree where both define an index', () => {
    const { labels, classes } = labelMaps([indexed([0, 1], [SKY, ROAD]), indexed([2], [SKY, ROAD, VOID])], { mode: 'multiclass' });
    expect([classes, ...labels.flatMap((l) => Array.from(l))]).toEqual([3, 0, 1, 2]);
  });

  it('checkSamePalettes() names both files, the index and both colours when palette orders differ', () => {
    const a = indexed([0, 1], [SKY, ROAD], 'masks/a.png');
    const b = indexed([0, 1], [ROAD, SKY], 'masks/b.png');
    expect(() => checkSamePalettes([a, b])).toThrow(
      /^palette masks disagree: index 0 is \(128, 128, 128\) in masks\/a\.png but \(128, 64, 128\) in masks\/b\.png/,
    );
    // with the colours given, the same files read consistently: a = (sky, road), b = (road, sky)
    const { labels } = labelMaps([a, b], { mode: 'multiclass', palette: [SKY, ROAD] });
    expect(labels.map((l) => Array.from(l))).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
});

describe('labelMaps() and its guards', () => {
  it('labelMaps() reads binary 0/255 and 0/1 masks (8- and 16-bit) as 0/1', () => {
    expect(Array.from(labelMaps([gray([0, 255, 0])], { mode: 'binary' }).labels[0])).toEqual([0, 1, 0]);
    const sixteen = labelMaps([gray(Uint16Array.from([0, 1, 1, 0]))], { mode: 'binary' });
    expect(Array.from(sixteen.labels[0])).toEqual([0, 1, 1, 0]);
  });

  it('labelMaps() reads --foreground 0 (ISBI membranes) and --ignore-index as IGNORED', () => {
    const { labels } = labelMaps([gray([0, 255, 7, 0])], { mode: 'binary', foreground: 0, ignoreIndex: 7 });
    expect(Array.from(labels[0])).toEqual([1, 0, IGNORED, 1]);
  });

  it('labelMaps() stops when --foreground matches no pixel, suggesting the value that would', () => {
    expect(() => labelMaps([gray([0, 255]), gray([255, 255])], { mode: 'binary', foreground: 1 })).toThrow(
      /^--foreground 1 matches no pixel: masks hold \{0, 255\}; did you mean --foreground 255\?/,
    );
  });

  it('labelMaps() stops when the foreground matches every pixel', () => {
    expect(() => labelMaps([gray([255, 255])], { mode: 'binary' })).toThrow(/^the default foreground \(1, 255 or 65535\) matches every pixel: masks hold \{255\}\./);
    expect(() => labelMaps([gray([0, 0])], { mode: 'binary' })).toThrow(/matches no pixel: masks hold \{0\}/);
    expect(() => labelMaps([gray([3, 3, 9])], { mode: 'binary', foreground: 3, ignoreIndex: 9 })).toThrow(/--foreground 3 matches every pixel/);
  });

  it('labelMaps() asks for --foreground when binary masks hold other values', () => {
    expect(() => labelMaps([gray([0, 128, 255])], { mode: 'binary' })).toThrow(/masks hold \{0, 128, 255\}; binary masks must be 0\/1 or 0\/255 unless --foreground/);
  });

  it('labelMaps() stops on a multiclass value outside the classes, unless it is the ignore index', () => {
    const masks = [gray([0, 1, 2, 11])];
    expect(() => labelMaps(masks, { mode: 'multiclass', classes: 3 })).toThrow(/3 classes cover 0\.\.2, so \{11\} lies outside\. Raise --classes, or set --ignore-index/);
    const { labels, classes } = labelMaps(masks, { mode: 'multiclass', classes: 3, ignoreIndex: 11 });
    expect([classes, ...labels[0]]).toEqual([3, 0, 1, 2, IGNORED]);
  });

  it('labelMaps() infers K from the largest value (ignore index aside) or from the palette', () => {
    expect(labelMaps([gray([0, 4, 255])], { mode: 'multiclass', ignoreIndex: 255 }).classes).toBe(5);
    expect(labelMaps([rgb([SKY])], { mode: 'multiclass', palette: [VOID, SKY, ROAD] }).classes).toBe(3);
  });

  it('labelMaps() summarises the values found with pixel counts and shares', () => {
    // 3 of 4 pixels are 0 (75.0%), 1 of 4 is 255 (25.0%)
    expect(labelMaps([gray([0, 0]), gray([0, 255])], { mode: 'binary' }).summary).toBe('mask values: 0 (3 px, 75.0%), 255 (1 px, 25.0%)');
    expect(summarizeValues(new Map([[0, 1500], [11, 500]]), 11)).toBe('mask values: 0 (1,500 px, 75.0%), 11 (500 px, 25.0%, ignored)');
  });

  it('checkValues() rejects a foreground equal to the ignore index, and masks with only ignored pixels', () => {
    expect(() => checkValues(new Map([[0, 1], [1, 1]]), { mode: 'binary', foreground: 1, ignoreIndex: 1 }, 2)).toThrow(/--foreground and --ignore-index are both 1/);
    expect(() => checkValues(new Map([[9, 4]]), { mode: 'multiclass', ignoreIndex: 9 }, 2)).toThrow(/every mask pixel has the ignore index 9/);
  });

  it('toLabels() maps values without checking (the checks ran before)', () => {
    expect(Array.from(toLabels(Uint16Array.from([0, 1, 5]), { mode: 'multiclass', ignoreIndex: 5 }))).toEqual([0, 1, IGNORED]);
  });
});
