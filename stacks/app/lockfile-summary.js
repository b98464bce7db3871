// @ts-check
// What the port lockfiles of a working tree say that their last commit does not: the allocations a
// developer still has to commit. Read from the files and git, never from a synth's output, so that
// it is the same whether a synth ran, was replayed from Nx's cache, or ran in an earlier command.
const { spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/** @param {string} cwd @param {string[]} args */
function git(cwd, args) {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return run.status === 0 ? run.stdout : undefined;
}

/**
 * @param {string | undefined} text
 * @returns {{ brokers: Record<string, { port: number, shard: number }>, retired: Array<{ broker: number, port: number }> } | undefined}
 */
function lockOf(text) {
  if (text === undefined) return undefined;
  try {
    const data = JSON.parse(text);
    return data && typeof data === 'object' && 'lockfileVersion' in data && data.brokers && Array.isArray(data.retired) ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One line per broker whose entry differs from the last commit, in broker-id order.
 * @param {NonNullable<ReturnType<typeof lockOf>> | undefined} before
 * @param {NonNullable<ReturnType<typeof lockOf>>} after
 */
function brokerChanges(before, after) {
  const lines = [];
  const was = before?.brokers ?? {};
  const ids = [...new Set([...Object.keys(was), ...Object.keys(after.brokers)])].sort((a, b) => Number(a) - Number(b));
  for (const id of ids) {
    const [old, now] = [was[id], after.brokers[id]];
    if (now && !old) lines.push(`broker ${id}: port ${now.port} on shard ${now.shard}${before?.retired.some((r) => String(r.broker) === id) ? ' (its own retired port again)' : ' (new)'}`);
    else if (old && !now) lines.push(`broker ${id}: port ${old.port} retired`);
    else if (old && now && old.port !== now.port) lines.push(`broker ${id}: port ${old.port} → ${now.port}`);
  }
  return lines;
}

/**
 * Every lockfile of the working tree that differs from HEAD (or is new), with its broker changes.
 * @param {string} root the workspace root
 * @returns {Array<{ file: string, lines: string[] }>}
 */
function uncommittedAllocations(root) {
  const changed = git(root, ['diff', '--name-only', '-z', 'HEAD', '--', '*.json']);
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', '*.json']);
  if (changed === undefined || untracked === undefined) return [];
  const result = [];
  for (const file of [...new Set([...changed.split('\0'), ...untracked.split('\0')])].filter(Boolean).sort()) {
    let text;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch {
      continue;
    }
    const after = lockOf(text);
    if (!after) continue;
    const lines = brokerChanges(lockOf(git(root, ['show', `HEAD:${file}`])), after);
    if (lines.length > 0) result.push({ file, lines });
  }
  return result;
}

/** @param {ReturnType<typeof uncommittedAllocations>} files */
function formatAllocations(files) {
  if (files.length === 0) return '';
  const body = files.map(({ file, lines }) => `${file}:\n${lines.map((l) => `  - ${l}`).join('\n')}`).join('\n');
  return `\nkafka-privatelink: port allocations not committed yet (commit the lockfiles):\n${body}\n`;
}

module.exports = { uncommittedAllocations, formatAllocations };
