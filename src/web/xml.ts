/** Text for XML content; also strips the characters XML 1.0 cannot hold. */
export function xmlText(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex -- the characters XML 1.0 allows are the point
      .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
  );
}

/** Text for an XML attribute value in double quotes. */
export function xmlAttr(value: string): string {
  return xmlText(value).replace(/"/g, '&quot;');
}
