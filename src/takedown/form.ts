import {
  CAPACITIES,
  REQUEST_SCOPES,
  normalizeReference,
  type Capacity,
  type NewTakedownRequest,
  type RequestScope,
} from '../model/takedown.js';

/** A form's fields as the browser sent them (repeated fields keep their last value). */
export type FormFields = Record<string, string | undefined>;

/** Field name → what is wrong with it, in words the requester can act on. */
export type FieldErrors = Record<string, string>;

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** The statements a takedown request must confirm (DMCA §512(c)(3)(A)(v)–(vi), DSA Art. 16(2)(d)). */
export const REQUEST_STATEMENTS = {
  good_faith:
    'I have a good-faith belief that the use of the material in the manner complained of is not authorized by the copyright owner, its agent, or the law.',
  accurate: 'The information in this notice is accurate and complete.',
  authorized:
    'Under penalty of perjury, I am the copyright owner or authorized to act on behalf of the owner of the rights that are allegedly infringed.',
} as const;

/** The statements a counter-notice must confirm (DMCA §512(g)(3)(C)–(D)). */
export const COUNTER_STATEMENTS = {
  mistake:
    'Under penalty of perjury, I have a good-faith belief that the material was removed or disabled as a result of mistake or misidentification of the material.',
  jurisdiction:
    'I consent to the jurisdiction of the courts competent for my address (or, outside the United States, for any judicial district in which the service provider may be found), and I will accept service of process from the person who filed the takedown request or their agent.',
} as const;

export const MAX_URLS = 50;
const MAX_URL_LENGTH = 2000;
const MAX_NAME = 200;
const MAX_MESSAGE = 5000;
/** A practical check, not RFC 5322: one @, no spaces, a dot in the domain. */
const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

/** Reads and checks a takedown request form; the errors name each field that is wrong and why. */
export function checkRequestForm(fields: FormFields): Checked<NewTakedownRequest> {
  const errors: FieldErrors = {};
  const name = line(fields.name);
  const email = line(fields.email);
  const signature = line(fields.signature);
  const author = line(fields.author);
  const message = text(fields.message);

  if (name === '') errors.name = 'Please give your full name.';
  else if (name.length > MAX_NAME) errors.name = `Please shorten your name to ${MAX_NAME} characters.`;
  checkEmail(email, errors);

  const capacity = CAPACITIES.find((c) => c === fields.capacity);
  if (!capacity) errors.capacity = 'Please say whether you are the author or represent the site.';
  const scope = REQUEST_SCOPES.find((s) => s === fields.scope);
  if (!scope) errors.scope = 'Please choose what should be removed.';

  const urls = urlList(fields.urls, errors);
  if (scope === 'author') {
    if (author === '') errors.author = 'Please give the author’s name as the articles show it.';
    else if (author.length > MAX_NAME) errors.author = `Please shorten the name to ${MAX_NAME} characters.`;
  }
  if (message.length > MAX_MESSAGE)
    errors.message = `Please shorten your message to ${MAX_MESSAGE} characters (it has ${message.length}).`;

  const missing = Object.keys(REQUEST_STATEMENTS).filter((k) => fields[k] !== 'yes');
  if (missing.length > 0) errors.statements = 'Please confirm each of the statements below.';
  checkSignature(signature, name, errors);

  if (Object.keys(errors).length > 0 || !capacity || !scope) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name,
      email,
      capacity: capacity satisfies Capacity,
      scope: scope satisfies RequestScope,
      urls,
      author: scope === 'author' ? author : null,
      message: message === '' ? null : message,
      signature,
    },
  };
}

export interface CounterNoticeForm {
  reference: string;
  name: string;
  email: string;
  address: string;
  explanation: string;
  signature: string;
}

/** Reads and checks a counter-notice form. */
export function checkCounterForm(fields: FormFields): Checked<CounterNoticeForm> {
  const errors: FieldErrors = {};
  const reference = normalizeReference(fields.reference ?? '');
  const name = line(fields.name);
  const email = line(fields.email);
  const address = text(fields.address);
  const explanation = text(fields.explanation);
  const signature = line(fields.signature);
  if (!/^TD-[0-9A-Z]{8}$/.test(reference))
    errors.reference =
      'Please give the reference of the removal, as the removal notice shows it (TD- and eight letters and digits).';
  if (name === '') errors.name = 'Please give your full name.';
  else if (name.length > MAX_NAME) errors.name = `Please shorten your name to ${MAX_NAME} characters.`;
  checkEmail(email, errors);
  if (address === '') errors.address = 'Please give your postal address.';
  else if (address.length > 1000) errors.address = 'Please shorten the address to 1000 characters.';
  if (explanation === '') errors.explanation = 'Please explain why the removal was a mistake.';
  else if (explanation.length > MAX_MESSAGE)
    errors.explanation = `Please shorten the explanation to ${MAX_MESSAGE} characters (it has ${explanation.length}).`;
  const missing = Object.keys(COUNTER_STATEMENTS).filter((k) => fields[k] !== 'yes');
  if (missing.length > 0) errors.statements = 'Please confirm each of the statements below.';
  checkSignature(signature, name, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { reference, name, email, address, explanation, signature } };
}

function checkEmail(email: string, errors: FieldErrors): void {
  if (email === '') errors.email = 'Please give an email address, so that we can tell you what we decide.';
  else if (email.length > 254 || !EMAIL.test(email))
    errors.email = `“${email.slice(0, 80)}” does not look like an email address.`;
}

function checkSignature(signature: string, name: string, errors: FieldErrors): void {
  if (signature === '') errors.signature = 'Please sign by typing your full name.';
  else if (name !== '' && fold(signature) !== fold(name))
    errors.signature = 'Please type your full name exactly as you gave it above, as your signature.';
}

/** The URL field: one per line (or separated by spaces); each an absolute http(s) URL. */
function urlList(value: string | undefined, errors: FieldErrors): string[] {
  const lines = (value ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const items = lines.flatMap((line) => line.split(/\s+/));
  if (items.length === 0) {
    errors.urls = 'Please give the address of at least one article (on this site or the original).';
    return [];
  }
  if (items.length > MAX_URLS) {
    errors.urls = `Please give at most ${MAX_URLS} addresses in one request (there are ${items.length}).`;
    return [];
  }
  const bad = items.filter(
    (u) => u.length > MAX_URL_LENGTH || !/^https?:\/\/[^/\s]+/i.test(u) || !URL.canParse(u),
  );
  if (bad.length > 0) {
    // The line as the requester wrote it ("not a url", not its first word).
    const first = bad[0] ?? '';
    const shown = (lines.find((line) => line.split(/\s+/).includes(first)) ?? first).slice(0, 80);
    errors.urls = `“${shown}” is not a web address; each line must start with https:// or http://.`;
    return [];
  }
  return [...new Set(items)];
}

/** One line of text: control characters removed, spaces collapsed. */
function line(value: string | undefined): string {
  return (
    (value ?? '')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
      // Bidirectional overrides could make a name or an address read otherwise in the admin area.
      .replace(/[\u202a-\u202e\u2066-\u2069]/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Free text: line breaks kept, other control characters removed. */
function text(value: string | undefined): string {
  return (
    (value ?? '')
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
      .trim()
  );
}

function fold(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}
