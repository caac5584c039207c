/**
 * Deterministic, text-heavy Kanbu-like rows for the benchmark: task titles and
 * descriptions, comments and activity payloads made of a Zipf-skewed vocabulary,
 * so the dump compresses like real prose (about 3-4x with gzip -6), not like
 * repeated strings (far better) or random bytes (not at all).
 */
const BASE_WORDS = `the a to of and in is for on that with as be it this are by from at or not we will have can
task board column card sprint backlog review deploy release bug feature customer invoice meeting design api database
migration user project team deadline priority label comment attachment checklist estimate assignee reporter status
done todo progress blocked waiting urgent minor major critical frontend backend mobile server client cache queue worker
login password session token email notification report dashboard chart export import sync calendar timeline roadmap
milestone epic story subtask owner manager developer designer tester support ticket issue fix patch update version
build pipeline test coverage performance latency memory storage backup restore schema index query table row field
value option setting config environment production staging local branch merge request commit push pull tag note
please check again after before during while because however therefore also still only very more most less first
last next previous new old small large quick slow simple complex clear open close start finish create delete edit
move copy share invite accept reject approve assign schedule plan track measure improve reduce increase handle
kanban workflow swimlane limit wip cycle lead time throughput retrospective standup demo planning refinement goal`.split(/\s+/);
const SUFFIXES = ['', '', '', 's', 'ed', 'ing', 'er', 'ation', 'ly', 'able'];
const VOCABULARY = BASE_WORDS.flatMap((w) => SUFFIXES.map((s) => w + s)).filter((w, i, all) => all.indexOf(w) === i);

/**
 * `text`: the project's own benchmark data (gzip -6 about 3.3:1). `kanbu-like`:
 * less redundant, like a real Kanbu database with names, ids and many languages
 * (about 2.6:1): a vocabulary of 12,000 words, less skewed.
 */
export const BENCH_DATA_SHAPES = ['text', 'kanbu-like'] as const;
export type BenchDataShape = (typeof BENCH_DATA_SHAPES)[number];

const SYLLABLES = 'ka nu ba ro mi te sa lo vi de pa ri go zu fe na ti mo ke ju'.split(' ');

function wideVocabulary(): string[] {
  const words = [...VOCABULARY];
  const seen = new Set(words);
  const random = new Random(0xc0ffee);
  while (words.length < 12_000) {
    let word = '';
    for (let n = 2 + random.int(4); n > 0; n--) word += SYLLABLES[random.int(SYLLABLES.length)];
    if (!seen.has(word)) words.push(word);
    seen.add(word);
  }
  return words;
}

const SHAPES: Record<BenchDataShape, { words: () => string[]; skew: number }> = {
  text: { words: () => VOCABULARY, skew: 3 },
  'kanbu-like': { words: wideVocabulary, skew: 2 },
};

/** xorshift32: fast, seeded, good enough for variety. */
export class Random {
  private x: number;
  private words = VOCABULARY;
  private skew = 3;

  constructor(seed: number, shape?: BenchDataShape) {
    this.x = seed >>> 0 || 1;
    if (shape) {
      this.words = SHAPES[shape].words();
      this.skew = SHAPES[shape].skew;
    }
  }

  next(): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x >>> 0;
    return this.x / 0x100000000;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  /** Small indexes much more often than large ones, as word frequencies in prose. */
  zipfWord(): string {
    const r = this.next();
    let skewed = r;
    for (let i = 1; i < this.skew; i++) skewed *= r;
    return this.words[Math.floor(skewed * this.words.length)];
  }

  sentence(words: number): string {
    const parts: string[] = [];
    for (let i = 0; i < words; i++) parts.push(this.zipfWord());
    parts[0] = parts[0][0].toUpperCase() + parts[0].slice(1);
    return `${parts.join(' ')}.`;
  }

  paragraph(minChars: number, maxChars: number): string {
    const target = minChars + this.int(maxChars - minChars);
    let text = '';
    while (text.length < target) text += `${this.sentence(6 + this.int(14))} `;
    return text.trimEnd();
  }
}

/** COPY text format: backslash, tab, newline and carriage return escaped. */
export function copyField(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export function copyLine(values: Array<string | number | boolean | null>): string {
  return `${values.map(copyField).join('\t')}\n`;
}

export function isoDate(random: Random, year = 2025): string {
  const day = 1 + random.int(365);
  const d = new Date(Date.UTC(year, 0, day, random.int(24), random.int(60), random.int(60)));
  return d.toISOString();
}
