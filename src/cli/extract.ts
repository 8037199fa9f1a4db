import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Extraction } from '../extract/extract.js';
import { fetchPage } from '../extract/page.js';
import { articleText } from '../extract/text.js';
import { RobotsRules } from '../fetch/index.js';
import { UsageError } from '../model/errors.js';
import { decodeBody } from '../parse/index.js';
import { configFrom, createFetcher, type GlobalOptions } from './context.js';
import { print } from './output.js';

interface ExtractCliOptions {
  base?: string;
  selector?: string;
  remove: string[];
  text?: boolean;
  json?: boolean;
}

/** A page file is read whole; larger than this, it is no article page. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

export function registerExtract(program: Command, global: () => GlobalOptions): void {
  program
    .command('extract')
    .description('show what courtesy would republish from one article page (a file or a URL)')
    .argument('<input>', 'an HTML file, or the http(s) URL of a page')
    .option('--base <url>', "the page's address, for a file: relative links resolve against it")
    .option(
      '--selector <css>',
      'take the article from the elements this CSS selector matches (a scraper rule)',
    )
    .option(
      '--remove <css>',
      'remove the elements this CSS selector matches first (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--text', 'print the article as plain text instead of sanitized HTML')
    .option('--json', 'print the article and what was found about it as JSON')
    .addHelpText(
      'after',
      "\nA URL is fetched as full-text sources are: through the polite fetcher, if the site's robots.txt allows. The article goes to standard output, and a line saying how it was found to standard error. Exits 1 when no article worth republishing was found, saying why.",
    )
    .action(async (input: string, options: ExtractCliOptions) => {
      const config = configFrom(global());
      let html: string;
      let url: string;
      if (/^https?:\/\//i.test(input)) {
        const fetcher = createFetcher(config);
        try {
          const page = await fetchPage(fetcher, new RobotsRules(fetcher, config.poll.userAgent), input);
          html = page.html;
          url = page.url;
        } finally {
          await fetcher.close();
        }
      } else {
        const bytes = await readFile(input);
        if (bytes.length > MAX_FILE_BYTES)
          throw new UsageError('extract.too-large', `${input} is larger than ${MAX_FILE_BYTES} bytes`);
        html = decodeBody(bytes, null).text;
        url = options.base ?? 'about:blank';
        if (!options.base) {
          process.stderr.write('courtesy extract: no --base given: relative links and images are left out\n');
        }
      }
      if (options.base && !/^https?:\/\//i.test(options.base))
        throw new UsageError('extract.bad-base', '--base must be an http(s) URL');
      // The extractor is loaded here, not with the CLI: every other command goes without it.
      const { extractArticle } = await import('../extract/extract.js');
      const article = extractArticle(html, {
        url: options.base ?? url,
        selector: options.selector ?? null,
        remove: options.remove,
        sanitize: config.content,
      });
      if (options.json) {
        print(JSON.stringify({ url, ...article, text: articleText(article.html) }, null, 2));
        return;
      }
      process.stderr.write(`${describe(article)}\n`);
      print(options.text ? articleText(article.html) : article.html);
    });
}

function describe(article: Extraction): string {
  const found = article.method === 'selector' ? 'by the selector' : 'by Readability';
  const parts = [`found ${found}: ${article.length} characters`];
  if (article.title) parts.push(`"${article.title}"`);
  if (article.byline) parts.push(`by ${article.byline}`);
  if (article.publishedTime) parts.push(article.publishedTime);
  return `courtesy extract: ${parts.join(', ')}`;
}
