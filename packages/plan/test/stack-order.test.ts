import { deployOrder, sideOf } from '../src';

describe('the stacks in deploy order', () => {
  it('GIVEN stack names in any order WHEN ordered THEN the provider, the consumers by code point, then acceptance', () => {
    expect(deployOrder(['consumer-kios', 'acceptance', 'consumer-ads', 'provider', 'consumer-Z'])).toEqual([
      { side: 'provider', stacks: ['provider'] },
      { side: 'consumers', stacks: ['consumer-Z', 'consumer-ads', 'consumer-kios'] },
      { side: 'acceptance', stacks: ['acceptance'] },
    ]);
  });

  it('GIVEN no acceptance stack WHEN ordered THEN the side is left out', () => {
    expect(deployOrder(['consumer-kios', 'provider']).map(({ side }) => side)).toEqual(['provider', 'consumers']);
  });

  it('names each side by the stack name the plan gives it', () => {
    expect([sideOf('provider'), sideOf('consumer-kios'), sideOf('acceptance'), sideOf('consumer-'), sideOf('network')]).toEqual(['provider', 'consumers', 'acceptance', undefined, undefined]);
  });

  it('refuses a stack the app does not make, naming it', () => {
    expect(() => deployOrder(['provider', 'network'])).toThrow('unknown stack network: the stacks are provider, consumer-<consumer name> and acceptance');
  });
});
