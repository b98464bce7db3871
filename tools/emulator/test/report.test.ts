import { closingLine, stackTable, StackRow } from '../src/report';

const row = (stack: string, apply: string, replan: string): StackRow => ({ scenario: 'example', stack, validate: 'ok, 0 warnings', plan: '+18 ~0 -0', apply, replan });

describe('report', () => {
  it('counts applied stacks and empty re-plans in the closing line', () => {
    const rows = [row('provider', 'ok, 75 s', 'empty'), row('consumer-kios', 'ok, 3 s', '~1'), row('acceptance', '—', '—')];
    expect(closingLine(rows, '+4 ~2 -0')).toBe('terraform: 2/3 stacks applied, 1/3 re-plans empty, scale-out +4 ~2 -0');
  });

  it('renders one padded Markdown row per stack', () => {
    expect(stackTable([row('provider', 'ok, 75 s', 'empty')]).split('\n')).toEqual([
      '| spec    | stack    | validate       | plan      | apply    | re-plan |',
      '| ------- | -------- | -------------- | --------- | -------- | ------- |',
      '| example | provider | ok, 0 warnings | +18 ~0 -0 | ok, 75 s | empty   |',
    ]);
  });
});
