/** Edit distance of two words, case-blind: how many letters to add, drop or change to turn one into the other. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The candidate nearest to `word`, with its distance; the first of equals. */
export function closest(word: string, candidates: readonly string[]): { readonly candidate: string; readonly distance: number } | undefined {
  return candidates
    .map((candidate) => ({ candidate, distance: editDistance(word, candidate) }))
    .reduce<{ candidate: string; distance: number } | undefined>((best, c) => (best === undefined || c.distance < best.distance ? c : best), undefined);
}
