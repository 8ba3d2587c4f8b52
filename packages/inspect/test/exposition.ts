/**
 * A strict reader of the Prometheus text exposition format 0.0.4 (not a test file itself): every line is a
 * HELP, a TYPE, a blank line or a sample; each family has at most one HELP and one TYPE, both before its
 * samples; names, label names, escapes and values follow the format exactly; a series appears once.
 * Anything else throws, naming the line.
 */

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  type: string | undefined;
  help: string | undefined;
  readonly samples: Sample[];
}

const MetricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LabelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const Types = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, where: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without "="`);
    const name = text.slice(i, eq);
    if (!LabelName.test(name)) throw new Error(`${where}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`${where}: label ${name} repeated`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label ${name} value not quoted`);
    let value = '';
    let j = eq + 2;
    for (;;) {
      const c = text[j];
      if (c === undefined) throw new Error(`${where}: unterminated label value`);
      if (c === '"') break;
      if (c === '\n') throw new Error(`${where}: raw line break in a label value`);
      if (c === '\\') {
        const e = text[j + 1];
        if (e === '\\') value += '\\';
        else if (e === '"') value += '"';
        else if (e === 'n') value += '\n';
        else throw new Error(`${where}: bad escape \\${e ?? ''} in a label value`);
        j += 2;
        continue;
      }
      value += c;
      j++;
    }
    labels[name] = value;
    i = j + 1;
    if (i < text.length) {
      if (text[i] !== ',') throw new Error(`${where}: expected "," between labels`);
      i++;
    }
  }
  return labels;
}

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a line break');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (f === undefined) families.set(name, (f = { name, type: undefined, help: undefined, samples: [] }));
    return f;
  };
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const where = `line ${index + 1} (${JSON.stringify(line)})`;
      if (line === '') return;
      if (line.startsWith('#')) {
        const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
        if (m === null) throw new Error(`${where}: a comment that is neither HELP nor TYPE`);
        const [, kind, name, rest] = m as unknown as [string, string, string, string];
        if (!MetricName.test(name)) throw new Error(`${where}: bad metric name`);
        const f = family(name);
        if (f.samples.length > 0) throw new Error(`${where}: ${kind} after samples of ${name}`);
        if (kind === 'HELP') {
          if (f.help !== undefined) throw new Error(`${where}: second HELP for ${name}`);
          if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`${where}: bad escape in HELP`);
          f.help = rest;
        } else {
          if (f.type !== undefined) throw new Error(`${where}: second TYPE for ${name}`);
          if (!Types.has(rest)) throw new Error(`${where}: unknown type ${rest}`);
          f.type = rest;
        }
        return;
      }
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
      if (m === null) throw new Error(`${where}: not a sample line`);
      const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
      const f = families.get(name);
      if (f?.type === undefined) throw new Error(`${where}: sample of ${name} before (or without) its TYPE`);
      const labels = labelText === undefined ? {} : parseLabels(labelText, where);
      const value = parseValue(valueText, where);
      if (f.type === 'counter' && !(value >= 0)) throw new Error(`${where}: a counter must be a non-negative number`);
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seen.has(key)) throw new Error(`${where}: series repeated`);
      seen.add(key);
      f.samples.push({ labels, value });
    });
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const f = families.get(name);
  if (f === undefined) return undefined;
  const matches = f.samples.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length > 1) throw new Error(`${name}${JSON.stringify(labels)} matches ${matches.length} samples`);
  return matches[0]?.value;
}
