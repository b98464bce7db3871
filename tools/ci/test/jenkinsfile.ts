/**
 * Just enough of a reader for a declarative Jenkinsfile to check it in tests: Groovy comments and
 * strings are honoured, brackets must balance, and stages with their `sh` steps are listed.
 */

type Token = { readonly kind: 'word' | 'string' | 'punct'; readonly text: string; readonly line: number };

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const fail = (message: string): never => {
    throw new Error(`Jenkinsfile line ${line}: ${message}`);
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated /* comment');
      line += source.slice(i, end).split('\n').length - 1;
      i = end + 2;
    } else if (c === "'" || c === '"') {
      const quote = source.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      let j = i + quote.length;
      let text = '';
      while (!source.startsWith(quote, j)) {
        if (j >= source.length || (quote.length === 1 && source[j] === '\n')) fail(`unterminated string ${quote}`);
        if (source[j] === '\\' && j + 1 < source.length) {
          text += source[j + 1] === '\n' ? '\\\n' : source[j + 1] === '$' ? '$' : source.slice(j, j + 2);
          j += 2;
          continue;
        }
        text += source[j];
        j++;
      }
      tokens.push({ kind: 'string', text, line });
      line += text.split('\n').length - 1;
      i = j + quote.length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const match = /^[A-Za-z_$][\w$.]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'word', text: match[0], line });
      i += match[0].length;
    } else {
      tokens.push({ kind: 'punct', text: c, line });
      i++;
    }
  }
  return tokens;
}

const PAIRS: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

export function assertBalanced(tokens: readonly Token[]): void {
  const open: Token[] = [];
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    if (t.text in PAIRS) open.push(t);
    else if (Object.values(PAIRS).includes(t.text)) {
      const last = open.pop();
      if (!last || PAIRS[last.text] !== t.text) throw new Error(`Jenkinsfile line ${t.line}: unexpected ${t.text}`);
    }
  }
  if (open.length > 0) throw new Error(`Jenkinsfile line ${open[open.length - 1].line}: ${open[open.length - 1].text} is never closed`);
}

export interface ShStep {
  readonly script: string;
  /** The calls and blocks the step is inside, outermost first, from the stage's own block on: e.g. steps, script, withEnv, stage, withCredentials. */
  readonly within: readonly string[];
}

export interface Stage {
  readonly name: string;
  /** Shell scripts of the stage's `sh` steps, in order, nested stages' included. */
  readonly sh: readonly string[];
  readonly steps: readonly ShStep[];
}

export interface Jenkinsfile {
  /** Top-level block names inside `pipeline { … }`, e.g. agent, options, environment, stages, post. */
  readonly sections: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly stages: readonly Stage[];
}

/** Index just past the `}` matching the `{` at `open`. */
function blockEnd(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].text === '{' && tokens[i].kind === 'punct') depth++;
    if (tokens[i].text === '}' && tokens[i].kind === 'punct' && --depth === 0) return i + 1;
  }
  throw new Error('unbalanced block');
}

export function parseJenkinsfile(source: string): Jenkinsfile {
  const tokens = tokenize(source);
  assertBalanced(tokens);
  if (tokens[0]?.text !== 'pipeline' || tokens[1]?.text !== '{' || blockEnd(tokens, 1) !== tokens.length) {
    throw new Error('a declarative Jenkinsfile is one `pipeline { … }` block');
  }
  const sections: string[] = [];
  const environment: Record<string, string> = {};
  const stages: Stage[] = [];
  const close = tokens.length - 1;
  let i = 2;
  while (i < close) {
    const word = tokens[i];
    if (word.kind !== 'word') throw new Error(`Jenkinsfile line ${word.line}: unexpected ${word.text} inside pipeline`);
    sections.push(word.text);
    if (tokens[i + 1]?.text !== '{') {
      // A one-word directive such as `agent any`.
      i += 2;
      continue;
    }
    const end = blockEnd(tokens, i + 1);
    const body = tokens.slice(i + 2, end - 1);
    if (word.text === 'environment') {
      for (let k = 0; k + 2 < body.length; k++) {
        if (body[k].kind === 'word' && body[k + 1].text === '=' && body[k + 2].kind === 'string') environment[body[k].text] = body[k + 2].text;
      }
    }
    if (word.text === 'stages') stages.push(...readStages(body));
    i = end;
  }
  return { sections, environment, stages };
}

function readStages(body: readonly Token[]): Stage[] {
  const stages: Stage[] = [];
  for (let k = 0; k < body.length; k++) {
    if (body[k].text !== 'stage' || body[k + 1]?.text !== '(' || body[k + 2]?.kind !== 'string') continue;
    const open = body.findIndex((t, j) => j > k && t.text === '{');
    const end = blockEnd(body, open);
    const steps = shSteps(body.slice(open + 1, end - 1));
    stages.push({ name: body[k + 2].text, sh: steps.map((s) => s.script), steps });
    k = end - 1;
  }
  return stages;
}

/**
 * `sh '…'` and `sh(script: '…', …)` steps with the names of the calls around them: a `(` or `{`
 * right after a word, or a `{` right after the `)` of a call, is named by that word.
 */
function shSteps(tokens: readonly Token[]): ShStep[] {
  const steps: ShStep[] = [];
  const open: string[] = [];
  let closed = '';
  for (let j = 0; j < tokens.length; j++) {
    const t = tokens[j];
    const previous = tokens[j - 1];
    if (t.kind === 'word' && t.text === 'sh') {
      const script =
        tokens[j + 1]?.kind === 'string'
          ? tokens[j + 1]
          : tokens[j + 1]?.text === '(' && tokens[j + 2]?.text === 'script' && tokens[j + 3]?.text === ':' && tokens[j + 4]?.kind === 'string'
            ? tokens[j + 4]
            : undefined;
      if (script) steps.push({ script: script.text, within: open.filter((name) => name !== '') });
    }
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[') open.push(t.text === '(' && previous?.kind === 'word' ? previous.text : '');
    else if (t.text === '{') open.push(previous?.kind === 'word' ? previous.text : previous?.text === ')' ? closed : '');
    else if (t.text === ')' || t.text === ']' || t.text === '}') closed = open.pop() ?? '';
  }
  return steps;
}
