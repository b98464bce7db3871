import { z } from 'zod';

/*
 * Tags: AWS's rules for user tags, and the tags the product sets itself, which a spec tag of the
 * same key would lose to without a word (the provider's default tags yield to a resource's own).
 * AWS's rules, as its tagging documentation and the Tag type of its APIs state them: a key of 1 to
 * 128 Unicode characters, a value of 0 to 256; letters, numbers, spaces and `_ . : / = + - @`
 * only; no key or value beginning with `aws:` in any case. None of those characters can start a
 * Terraform template sequence.
 */

/** Tag on every resource of every stack of a cluster, so its resources can be found in any account. */
export const CLUSTER_TAG = 'kafka-privatelink:cluster';
/** The prefix of the product's own tag keys, kept for the product as `aws:` is for AWS. */
const PRODUCT_TAG_PREFIX = 'kafka-privatelink:';
/** Security groups, NLB endpoint services and interface endpoints carry their own name in this tag. */
const NAME_TAG = 'Name';

/** User tags per resource, as AWS counts them: 50, of which the product's own take two. */
const MAX_TAGS_PER_RESOURCE = 50;
export const MAX_SPEC_TAGS = MAX_TAGS_PER_RESOURCE - 2;

const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const AWS_PREFIX = /^aws:/i;
const ALLOWED = 'letters, numbers, spaces and _ . : / = + - @';

const tagText = (what: 'key' | 'value', min: number, max: number) =>
  z.string().superRefine((text, ctx) => {
    const length = [...text].length;
    const problem =
      length < min || length > max
        ? `a tag ${what} has ${min} to ${max} characters (AWS's limit), got ${length}`
        : !TAG_CHARACTERS.test(text)
          ? `a tag ${what} holds only ${ALLOWED} (AWS's rule), got ${[...new Set([...text].filter((c) => !TAG_CHARACTERS.test(c)))].map((c) => JSON.stringify(c)).join(' ')}`
          : AWS_PREFIX.test(text)
            ? `a tag ${what} must not begin with "aws:" in any case: AWS keeps that prefix for its own tags`
            : text !== text.normalize('NFC')
              ? `a tag ${what} must be in Unicode normalization form C, to which Terraform would change it: write ${JSON.stringify(text.normalize('NFC'))}`
              : undefined;
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

// Terraform JSON's comment key: cdktf leaves it out of the JSON, so the tag would be lost.
export const tagKeySchema = tagText('key', 1, 128).refine((key) => key !== '//', 'a tag key must not be "//", Terraform JSON\'s comment key, which cdktf leaves out of the JSON');
export const tagValueSchema = tagText('value', 0, 256);

/** Why a spec may not set this tag key, or undefined when it may. */
export function reservedTagKey(key: string): string | undefined {
  if (key === NAME_TAG) return `the product tags its security groups, endpoint services and endpoints with their own ${NAME_TAG}, which would replace this one`;
  if (key.toLowerCase().startsWith(PRODUCT_TAG_PREFIX)) {
    return `keys beginning with "${PRODUCT_TAG_PREFIX}" are the product's own (${CLUSTER_TAG} is set on every resource and would replace this one)`;
  }
  return undefined;
}
