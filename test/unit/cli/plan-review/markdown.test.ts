/**
 * The review comment and the contract agree on unsafe text: every character the contract refuses
 * in a declared name (controls, invisible and bidirectional formatting characters) is replaced
 * wherever the plan's text reaches the comment, so a hand-written plan cannot show a reviewer
 * something other than what is applied.
 */
import { renderReviewMarkdown, reviewPlan } from '../../../../cli/plan-review';
import { validateName } from '../../../../handlers/contract/credential';
import { ValidationError } from '../../../../handlers/errors';

/** Every UTF-16 code unit `validateName` refuses inside a name. */
function refusedCharacters(): string[] {
  const refused: string[] = [];
  for (let code = 0; code <= 0xffff; code += 1) {
    const character = String.fromCharCode(code);
    try {
      validateName(`a${character}b`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      refused.push(character);
    }
  }
  return refused;
}

/** A plan whose every text that reaches the comment holds `text`: name, auth type, scope, check message, resource address. */
function planWith(text: string): unknown {
  return {
    format_version: '1.2',
    resource_changes: [
      {
        address: 'aws_lambda_invocation.hand_written',
        mode: 'managed',
        type: 'aws_lambda_invocation',
        change: { actions: ['create'], before: null, after: { function_name: 'f', input: JSON.stringify({ name: text, authType: text, scopes: [text] }) } },
      },
      { address: `aws_s3_bucket.${text}`, mode: 'managed', type: 'aws_s3_bucket', change: { actions: ['create'], before: null, after: {} } },
    ],
    checks: [{ status: 'fail', instances: [{ problems: [{ message: text }] }] }],
  };
}

const hex = (character: string) => `U+${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

describe('unsafe characters in the review', () => {
  const refused = refusedCharacters();

  test('the contract refuses the soft hyphen, the Mongolian vowel separator and the interlinear annotations too', () => {
    expect(refused.map(hex)).toEqual(expect.arrayContaining(['U+00ad', 'U+180e', 'U+fff9', 'U+fffa', 'U+fffb']));
  });

  test('every character the contract refuses is replaced in the comment, and none starts a new line', () => {
    const markdown = renderReviewMarkdown(reviewPlan(planWith(`x${refused.join('')}y`)));
    const plain = renderReviewMarkdown(reviewPlan(planWith('xy')));

    const lines = markdown.split('\n');
    const survivors = refused.filter((character) => lines.some((line) => line.includes(character)));
    expect(survivors.map(hex)).toEqual([]);
    expect(lines).toHaveLength(plain.split('\n').length);
  });
});
