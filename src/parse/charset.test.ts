import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBody } from './charset.js';
import { parseFeedBytes } from './index.js';

/** A title in each encoding real feeds use, as the bytes that encoding gives it. */
const SAMPLES: Array<[label: string, text: string, hex: string]> = [
  ['iso-8859-1', 'Café Zürich', '436166e9205afc72696368'],
  ['iso-8859-2', 'Łódź, Kraków', 'a3f364bc2c204b72616bf377'],
  ['iso-8859-5', 'Новости', 'bdded2dee1e2d8'],
  ['iso-8859-7', 'Ειδήσεις', 'c5e9e4def3e5e9f2'],
  ['iso-8859-15', 'Prix: 5 €', '507269783a203520a4'],
  ['windows-1250', 'Příliš žluťoučký', '50f8ed6c699a209e6c759d6f75e86bfd'],
  ['windows-1251', 'Новости дня', 'cdeee2eef1f2e820e4edff'],
  ['windows-1252', '“Quotes” — dash', '9351756f7465739420972064617368'],
  ['windows-1253', 'Ειδήσεις', 'c5e9e4def3e5e9f2'],
  ['windows-1254', 'İstanbul haberleri', 'dd7374616e62756c2068616265726c657269'],
  ['windows-1256', 'أخبار اليوم', 'c3cec8c7d120c7e1ede6e3'],
  ['KOI8-R', 'Новости дня', 'eecfd7cfd3d4c920c4ced1'],
  ['Shift_JIS', '今日のニュース', '8da193fa82cc836a8385815b8358'],
  ['EUC-JP', '今日のニュース', 'baa3c6fca4cea5cba5e5a1bca5b9'],
  ['GB2312', '今日新闻', 'bdf1c8d5d0c2cec5'],
  ['GBK', '今日新聞', 'bdf1c8d5d0c2c284'],
  ['Big5', '今日新聞', 'a4b5a4e9b773bb44'],
  ['EUC-KR', '오늘의 뉴스', 'bfc0b4c3c0c720b4babdba'],
];

function feedBytes(declaration: string, title: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`${declaration}<rss version="2.0"><channel><title>`),
    title,
    Buffer.from('</title></channel></rss>'),
  ]);
}

describe('character encodings', () => {
  for (const [label, text, hex] of SAMPLES) {
    it(`reads ${label} from the XML declaration and from the HTTP header`, () => {
      const title = Buffer.from(hex, 'hex');
      const declared = feedBytes(`<?xml version="1.0" encoding="${label}"?>`, title);
      assert.equal(parseFeedBytes(declared).title, text);
      const fromHeader = feedBytes('', title);
      assert.equal(
        parseFeedBytes(fromHeader, { contentType: `application/rss+xml; charset="${label}"` }).title,
        text,
      );
    });
  }

  it('lets a byte order mark win over the header and the declaration', () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      feedBytes('<?xml version="1.0" encoding="iso-8859-1"?>', Buffer.from('Café')),
    ]);
    const decoded = decodeBody(body, 'text/xml; charset=koi8-r');
    assert.equal(decoded.encoding, 'utf-8');
    assert.ok(decoded.text.includes('<title>Café</title>'));
  });

  it('reads UTF-16 with and without a byte order mark', () => {
    const text =
      '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>Ελλάδα</title></channel></rss>';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    assert.equal(parseFeedBytes(le).title, 'Ελλάδα');
    assert.equal(parseFeedBytes(Buffer.from(text, 'utf16le')).title, 'Ελλάδα');
  });

  it('reads an HTML page in the charset of its meta tag', () => {
    const page = Buffer.concat([
      Buffer.from('<html><head><meta charset="windows-1251"><title>'),
      Buffer.from('cdeee2eef1f2e8', 'hex'),
      Buffer.from('</title></head></html>'),
    ]);
    assert.ok(decodeBody(page, 'text/html').text.includes('Новости'));
  });

  it('names an encoding it does not know, and reads UTF-8', () => {
    const decoded = decodeBody(
      feedBytes('<?xml version="1.0" encoding="x-klingon"?>', Buffer.from('ok')),
      null,
    );
    assert.deepEqual(decoded.warnings, ['unknown character encoding "x-klingon"; read as UTF-8']);
  });
});
