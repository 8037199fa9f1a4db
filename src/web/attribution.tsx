/**
 * The attribution template: plain text with placeholders and links to named targets only, so an
 * operator's template can never inject markup or point a link anywhere but where it should.
 *   {author} {source} {site} {title}          replaced by escaped text
 *   [link text](original|source_site|takedown) a live link to that target
 */

export interface AttributionValues {
  author: string;
  source: string;
  site: string;
  title: string;
}

export interface AttributionTargets {
  original: string | null;
  source_site: string | null;
  takedown: string;
}

export type AttributionPart =
  { kind: 'text'; text: string } | { kind: 'link'; target: keyof AttributionTargets; text: string };

const TOKEN = /\[([^\]]+)\]\((original|source_site|takedown)\)/g;

export function parseAttribution(template: string, values: AttributionValues): AttributionPart[] {
  const fill = (text: string): string =>
    text.replace(/\{(author|source|site|title)\}/g, (_m, key: keyof AttributionValues) => values[key]);
  const parts: AttributionPart[] = [];
  let last = 0;
  for (const match of template.matchAll(TOKEN)) {
    if (match.index > last) parts.push({ kind: 'text', text: fill(template.slice(last, match.index)) });
    parts.push({ kind: 'link', target: match[2] as keyof AttributionTargets, text: fill(match[1]!) });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ kind: 'text', text: fill(template.slice(last)) });
  return parts;
}

export function Attribution(props: {
  template: string;
  values: AttributionValues;
  targets: AttributionTargets;
}) {
  const parts = parseAttribution(props.template, props.values);
  return (
    <aside class="attribution" aria-label="Source and rights">
      <p>
        {parts.map((part) => {
          if (part.kind === 'text') return part.text;
          const href = props.targets[part.target];
          if (!href) return part.text;
          const external = part.target !== 'takedown';
          return external ? (
            <a href={href} rel="noopener" class={`attribution-${part.target.replace('_', '-')}`}>
              {part.text}
            </a>
          ) : (
            <a href={href}>{part.text}</a>
          );
        })}
      </p>
    </aside>
  );
}
