import { TerraformResource } from 'cdktf';

/**
 * A reference to a resource's attribute by its address, e.g. `${aws_lb.nlb_s0.arn}`. The stacks
 * fix every address with `overrideLogicalId` (call it first), so a plain string does what a cdktf
 * token would, without creating a token, and capturing a stack trace, per reference.
 */
export const ref = (resource: TerraformResource, attribute: string): string =>
  `\${${resource.terraformResourceType}.${resource.friendlyUniqueId}.${attribute}}`;
