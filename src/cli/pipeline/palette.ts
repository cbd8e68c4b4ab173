/**
 * Colour palettes for RGB colour-coded masks (CamVid, Cityscapes style): colour i is class i.
 * A palette comes as a list on the command line or as a file's text, in any of these forms:
 * `0,0,0; 128,0,0` · `#000000 #800000` (one per line or `;`-separated) · lines such as
 * `Sky 128 128 128` or CamVid's `class_dict.csv` (`name,r,g,b` with a header line) · a JSON
 * array `[[0,0,0],[128,0,0]]`. Words beside a colour are its class name.
 */
import { CliError } from '../errors.js';
import { formatColour } from './rawImage.js';
import type { Colour } from './types.js';

/** A parsed palette: colour i is class i; `names[i]` its class name when the text gave one. */
export interface Palette {
  colours: Colour[];
  names?: string[];
}

/** The key of a colour in a lookup table: `r·65536 + g·256 + b`. */
export function colourKey(r: number, g: number, b: number): number {
  return (r << 16) | (g << 8) | b;
}

function entry(text: string, source: string, line: number): { colour: Colour; name: string } | undefined {
  const hex = /#([0-9a-f]{6})\b/i.exec(text);
  let colour: number[];
  let rest: string;
  if (hex) {
    const v = parseInt(hex[1], 16);
    colour = [v >> 16, (v >> 8) & 255, v & 255];
    rest = text.replace(hex[0], ' ');
  } else {
    const numbers = text.match(/-?\d+(\.\d+)?/g) ?? [];
    if (numbers.length === 0) return undefined;
    if (numbers.length !== 3) {
      throw new CliError(`palette ${source}, entry ${line} ('${text.trim()}') must be a colour 'r,g,b' or '#rrggbb', got ${numbers.length} numbers.`);
    }
    colour = numbers.map(Number);
    rest = text.replace(/-?\d+(\.\d+)?/g, ' ');
  }
  if (colour.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) {
    throw new CliError(`palette ${source}, entry ${line} ('${text.trim()}') must hold integers in 0..255, got ${colour.join(', ')}.`);
  }
  return { colour: [colour[0], colour[1], colour[2]], name: rest.replace(/[,;\t"']/g, ' ').trim().replace(/\s+/g, ' ') };
}

/**
 * Parses a palette from a list or a file's text (`source` names it in messages).
 * @throws CliError for an entry that is not a colour, a component outside 0..255, a repeated
 * colour (two classes would share it) or an empty palette.
 */
export function parsePalette(text: string, source: string): Palette {
  const trimmed = text.trim();
  let items: string[];
  if (trimmed.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      throw new CliError(`palette ${source} must be valid JSON when it starts with '[', got: ${(error as Error).message}`);
    }
    if (!Array.isArray(json)) throw new CliError(`palette ${source} must be a JSON array of [r, g, b] colours.`);
    items = json.map((c) => (Array.isArray(c) ? c.join(',') : String(c)));
  } else items = trimmed.split(/[\n;]+/);
  const colours: Colour[] = [];
  const names: string[] = [];
  const seen = new Map<number, number>();
  items.forEach((item, i) => {
    const e = entry(item, source, i + 1);
    if (!e) return; // a header line or a blank one
    const key = colourKey(...e.colour);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new CliError(`palette ${source} gives colour ${formatColour(e.colour)} to classes ${first} and ${colours.length}; each class needs its own colour.`);
    }
    seen.set(key, colours.length);
    colours.push(e.colour);
    names.push(e.name);
  });
  if (colours.length === 0) throw new CliError(`palette ${source} holds no colours.`);
  return names.some((n) => n !== '') ? { colours, names } : { colours };
}
