import { Parser } from 'htmlparser2';
import type { Fetcher } from '../fetch/index.js';
import { errorMessage } from '../model/errors.js';

/** Where a publisher puts the token: a file at the root of its site, or a meta tag on its home page. */
export const WELL_KNOWN_PATH = '/.well-known/courtesy-takedown.txt';
export const META_NAME = 'courtesy-takedown';

export type VerifyResult = { verified: true; where: string } | { verified: false; why: string };

/**
 * Whether the site at `origin` serves `token`: in /.well-known/courtesy-takedown.txt (a line of the
 * file, which may list several tokens) or in <meta name="courtesy-takedown" content="TOKEN"> on its
 * home page. Fetched politely, through the same guarded fetcher as feeds.
 */
export async function verifySite(fetcher: Fetcher, origin: string, token: string): Promise<VerifyResult> {
  const file = `${origin}${WELL_KNOWN_PATH}`;
  const problems: string[] = [];
  try {
    const result = await fetcher.fetch(file);
    if (result.kind === 'modified') {
      const lines = new TextDecoder('utf-8')
        .decode(result.body)
        .split(/\r?\n/)
        .map((l) => l.trim());
      if (lines.includes(token)) return { verified: true, where: file };
      problems.push(`${file} does not contain the token`);
    }
  } catch (error) {
    problems.push(`${file}: ${errorMessage(error)}`);
  }
  const home = `${origin}/`;
  try {
    const result = await fetcher.fetch(home);
    if (result.kind === 'modified') {
      const tokens = metaTokens(new TextDecoder('utf-8').decode(result.body));
      if (tokens.includes(token)) return { verified: true, where: `${home} (meta ${META_NAME})` };
      problems.push(
        tokens.length > 0
          ? `the ${META_NAME} meta tag on ${home} holds another token`
          : `${home} has no ${META_NAME} meta tag`,
      );
    }
  } catch (error) {
    problems.push(`${home}: ${errorMessage(error)}`);
  }
  return { verified: false, why: problems.join('; ') };
}

/** The content of every <meta name="courtesy-takedown"> in a page's head. */
function metaTokens(html: string): string[] {
  const found: string[] = [];
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'meta' && attrs.name?.toLowerCase() === META_NAME && attrs.content)
          found.push(attrs.content.trim());
        if (name === 'body') done = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  // The head is enough; a huge page is not read to its end.
  const HEAD_LIMIT = 256 * 1024;
  for (let i = 0; i < Math.min(html.length, HEAD_LIMIT) && !done; i += 16 * 1024)
    parser.write(html.slice(i, i + 16 * 1024));
  parser.end();
  return found;
}
