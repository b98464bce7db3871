import { terraformKey } from '../src';

describe('terraformKey', () => {
  it('turns AZ IDs, CIDRs, security group ids and names into Terraform identifiers', () => {
    expect(terraformKey('apse1-az1')).toBe('apse1_az1');
    expect(terraformKey('10.20.0.0/16')).toBe('10_20_0_0_16');
    expect(terraformKey('sg-0ABC')).toBe('sg_0abc');
  });
});
