import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';

/*
 * Terraform reads every string of a .tf.json file as a template, object keys included: `${…}`
 * and `%{…}` are evaluated (file(), path.cwd, …) on the machine that plans. Data from a spec or a
 * caller is written so that Terraform reads back exactly that data.
 */

/** cdktf's markers of its own tokens: cdktf replaces them in any string before Terraform sees it. */
const CDKTF_TOKEN_MARKER = /[$#&]\{TfToken\[/;

/** A string that cannot be written as a Terraform literal. */
export class TerraformLiteralError extends KafkaPrivateLinkError {}

/**
 * `value` as a Terraform JSON string that Terraform reads back as `value`: `${` is written `$${`
 * and `%{` `%%{`, Terraform's own escapes. `what` names the value in an error.
 */
export function terraformLiteral(value: string, what: string): string {
  if (value !== value.normalize('NFC')) {
    // Terraform converts every string to Unicode normalization form C as it reads it.
    throw new TerraformLiteralError(
      `${what}: ${JSON.stringify(value)} is not in Unicode normalization form C, to which Terraform would change it; write ${JSON.stringify(value.normalize('NFC'))}`,
    );
  }
  if (/\r(?!\n)/.test(value)) {
    // Seen with Terraform 1.11: such a string is read as it stands, its escapes and templates left
    // unread, so no one spelling is right both with and without a template sequence.
    throw new TerraformLiteralError(`${what}: ${JSON.stringify(value)} holds a carriage return without a line feed, which Terraform reads unlike any other string`);
  }
  if (CDKTF_TOKEN_MARKER.test(value)) {
    throw new TerraformLiteralError(
      `${what}: ${JSON.stringify(value)} holds cdktf's token marker ("\${TfToken[", "#{TfToken[" or "&{TfToken["), which cdktf ` +
        'would replace by a reference before Terraform reads it; a literal value cannot hold it',
    );
  }
  // Replacements by function: in a replacement string, `$$` would stand for one `$`.
  return value.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');
}

/** Terraform JSON's comment key, which cdktf leaves out of every object it synthesizes. */
const COMMENT_KEY = '//';

/** A map of literals, keys and values both (`what` names the map in an error). */
export function terraformLiteralMap(map: Readonly<Record<string, string>>, what: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).map(([key, value]) => {
      if (key === COMMENT_KEY) throw new TerraformLiteralError(`${what}: the key "${COMMENT_KEY}" is Terraform JSON's comment key, which cdktf leaves out of the JSON`);
      return [terraformLiteral(key, `${what} key`), terraformLiteral(value, `${what}.${key}`)];
    }),
  );
}

/**
 * `value` unchanged, for a place where Terraform reads a string literally (a backend) while the
 * same string elsewhere (terraform_remote_state) is a template: only a string without template
 * sequences means the same in both.
 */
export function untemplated(value: string, what: string, remedy: string): string {
  if (/[$%]\{/.test(value) || CDKTF_TOKEN_MARKER.test(value)) {
    throw new TerraformLiteralError(
      `${what} ${JSON.stringify(value)} holds a template sequence ("\${", "%{") or a cdktf token marker, which a backend takes literally ` +
        `but terraform_remote_state reads as a template; ${remedy}`,
    );
  }
  return value;
}
