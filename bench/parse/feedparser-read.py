"""Reads feeds with Python's feedparser and prints, for each, one JSON line of the fields the
agreement report compares (bench/parse/agreement.ts). Usage: python3 feedparser-read.py BASE FILE...

Each file is given to feedparser as bytes, with BASE as its address (relative links resolve
against it, as courtesy resolves them against the same address). HTML is neither sanitized nor
rewritten, so that content is compared as the feed carries it.
"""
import calendar
import gzip
import json
import sys
import time

import feedparser


def iso(parsed):
    if not parsed:
        return None
    try:
        return time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime(calendar.timegm(parsed)))
    except (OverflowError, ValueError):
        return None


def author_of(entry):
    names = [a.get('name') for a in entry.get('authors', []) if a.get('name')]
    if names:
        return names
    detail = entry.get('author_detail') or {}
    if detail.get('name'):
        return [detail['name']]
    return [entry['author']] if entry.get('author') else []


def contents_of(entry):
    # feedparser lists every content it found (content:encoded, and others such as media:text) beside
    # the summary; the comparison takes the longest of them as text, as it does courtesy's.
    parts = [part.get('value') or '' for part in entry.get('content', []) or []]
    return [part for part in parts + [entry.get('summary') or ''] if part]


def main():
    base, files = sys.argv[1], sys.argv[2:]
    for path in files:
        with open(path, 'rb') as f:
            data = f.read()
        if data[:2] == b'\x1f\x8b':
            data = gzip.decompress(data)
        try:
            parsed = feedparser.parse(
                data,
                response_headers={'content-location': base},
                sanitize_html=False,
                resolve_relative_uris=True,
            )
        except Exception as error:  # feedparser itself failing is a rejection too
            print(json.dumps({'file': path, 'crashed': repr(error)}))
            continue
        entries = []
        for entry in parsed.entries:
            entries.append({
                'id': entry.get('id'),
                'title': entry.get('title'),
                'link': entry.get('link'),
                'authors': author_of(entry),
                'published': iso(entry.get('published_parsed') or entry.get('updated_parsed')),
                'contents': contents_of(entry),
            })
        print(json.dumps({
            'file': path,
            'version': parsed.get('version', ''),
            'bozo': bool(parsed.get('bozo')),
            'bozo_exception': repr(parsed.get('bozo_exception')) if parsed.get('bozo') else None,
            'entries': entries,
        }))


if __name__ == '__main__':
    main()
